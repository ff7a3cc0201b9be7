from django.contrib.sitemaps.views import sitemap
from django.urls import path

from blog import views
from blog.feeds import AuthorArticlesFeed, LatestArticlesFeed, TagArticlesFeed
from blog.sitemaps import SITEMAPS

app_name = "blog"

urlpatterns = [
    path("", views.home, name="home"),
    path("write/", views.article_write, name="write"),
    path("write/preview", views.article_preview, name="preview"),
    path("me/articles/", views.my_articles, name="my-articles"),
    path("articles/<slug:slug>/", views.article_detail, name="article"),
    path("articles/<slug:slug>/like/", views.article_like, name="like"),
    path("articles/<slug:slug>/edit/", views.article_edit, name="edit"),
    path("articles/<slug:slug>/delete/", views.article_delete, name="delete"),
    path("authors/<str:user_id>/", views.author_detail, name="author"),
    path("authors/<str:user_id>/feed.atom", AuthorArticlesFeed(), name="author-feed"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("robots.txt", views.robots_txt, name="robots"),
    path("tags/<slug:tag>/", views.tag_detail, name="tag"),
    path("tags/<slug:tag>/feed.atom", TagArticlesFeed(), name="tag-feed"),
    path("feed.atom", LatestArticlesFeed(), name="feed"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
]
