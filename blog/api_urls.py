from django.urls import path

from blog import api

app_name = "blog-api"

urlpatterns = [
    path("articles", api.articles, name="articles"),
    path("me/articles", api.my_articles, name="my-articles"),
    path("articles/<str:article_id>", api.article, name="article"),
    path("articles/<str:article_id>/like", api.article_like, name="article-like"),
]
