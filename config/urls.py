from django.urls import include, path

from config import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("api/openapi.json", views.openapi, name="openapi"),
    path("accounts/", include("accounts.urls")),
    path("images/", include("uploads.urls")),
    path("analytics/", include("analytics.urls")),
    path("api/", include("accounts.api_urls")),
    path("api/", include("blog.api_urls")),
    path("api/", include("uploads.api_urls")),
    path("api/", include("analytics.api_urls")),
    path("", include("blog.urls")),
]
