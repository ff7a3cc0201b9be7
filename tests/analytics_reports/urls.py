"""A URLconf for the analytics tests: sign-in and the analytics URLs at their real paths (the other
apps' URLs are built in parallel and not needed here)."""

from django.urls import include, path

from analytics.views import page_view_collect
from config import views

urlpatterns = [
    path("collect", page_view_collect, name="collect"),  # every page's beacon posts here
    path("api/openapi.json", views.openapi, name="openapi"),
    path("accounts/", include("accounts.urls")),
    path("analytics/", include("analytics.urls")),
    path("api/", include("accounts.api_urls")),
    path("api/", include("analytics.api_urls")),
]
