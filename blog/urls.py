from django.urls import path

from common.lazy_views import LazyView

app_name = "blog"

urlpatterns = [
    path("", LazyView("blog.views.home"), name="home"),
    path("write/", LazyView("blog.editor_views.article_write"), name="write"),
    path("write/preview", LazyView("blog.editor_views.article_preview"), name="preview"),
    path("me/articles/", LazyView("blog.editor_views.my_articles"), name="my-articles"),
    path("articles/<slug:slug>/", LazyView("blog.article_views.article_detail"), name="article"),
    path("articles/<slug:slug>/like/", LazyView("blog.article_views.article_like"), name="like"),
    path("articles/<slug:slug>/edit/", LazyView("blog.editor_views.article_edit"), name="edit"),
    path("articles/<slug:slug>/delete/", LazyView("blog.editor_views.article_delete"), name="delete"),
    path("authors/<str:user_id>/", LazyView("blog.views.author_detail"), name="author"),
    path("authors/<str:user_id>/feed.atom", LazyView("blog.feeds.author_feed"), name="author-feed"),
    path("favicon.ico", LazyView("blog.views.favicon"), name="favicon"),
    path("robots.txt", LazyView("blog.views.robots_txt"), name="robots"),
    path("tags/<slug:tag>/", LazyView("blog.views.tag_detail"), name="tag"),
    path("tags/<slug:tag>/feed.atom", LazyView("blog.feeds.tag_feed"), name="tag-feed"),
    path("feed.atom", LazyView("blog.feeds.latest_feed"), name="feed"),
    path("sitemap.xml", LazyView("blog.sitemaps.sitemap_xml"), name="sitemap"),
]
