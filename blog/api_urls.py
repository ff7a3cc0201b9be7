from django.urls import path

from common.lazy_views import LazyView

app_name = "blog-api"

urlpatterns = [
    path("articles", LazyView("blog.api.articles"), name="articles"),
    path("me/articles", LazyView("blog.api.my_articles"), name="my-articles"),
    path("articles/<str:article_id>", LazyView("blog.api.article"), name="article"),
    path("articles/<str:article_id>/like", LazyView("blog.api.article_like"), name="article-like"),
]
