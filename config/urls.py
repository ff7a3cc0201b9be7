from django.urls import include, path

from analytics.views import page_view_collect
from config import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("collect", page_view_collect, name="collect"),  # page views from static/js/beacon.js
    path("api/openapi.json", views.openapi, name="openapi"),
    path("accounts/", include("accounts.urls")),
    path("images/", include("uploads.urls")),
    path("analytics/", include("analytics.urls")),
    path("api/", include("accounts.api_urls")),
    path("api/", include("blog.api_urls")),
    path("api/", include("uploads.api_urls")),
    path("api/", include("analytics.api_urls")),
    path("api/", include("search.api_urls")),
    path("search/", include("search.urls")),
    path("", include("blog.urls")),
]

handler500 = "blog.views.server_error"
