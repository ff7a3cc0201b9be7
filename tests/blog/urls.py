"""The URLs the blog tests need: the blog's own and accounts' (sign-in, token). The other apps'
URLs are built in parallel and are not needed here."""

from django.urls import include, path

urlpatterns = [
    path("accounts/", include("accounts.urls")),
    path("api/", include("accounts.api_urls")),
    path("api/", include("blog.api_urls")),
    path("api/", include("search.api_urls")),
    path("search/", include("search.urls")),
    path("", include("blog.urls")),
]

handler500 = "blog.views.server_error"
