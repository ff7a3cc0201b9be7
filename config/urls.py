from django.urls import include, path

from common.lazy_views import LazyView

urlpatterns = [
    # The public pages first: most requests and most cold starts are for them, and a path is matched
    # against the patterns in order (each compiled on its first use).
    path("", include("blog.urls")),
    path("healthz", LazyView("config.views.healthz"), name="healthz"),
    # Page views from static/js/beacon.js.
    path("collect", LazyView("analytics.views.page_view_collect"), name="collect"),
    path("api/openapi.json", LazyView("config.views.openapi"), name="openapi"),
    path("accounts/", include("accounts.urls")),
    path("images/", include("uploads.urls")),
    path("analytics/", include("analytics.urls")),
    path("api/", include("accounts.api_urls")),
    path("api/", include("blog.api_urls")),
    path("api/", include("uploads.api_urls")),
    path("api/", include("analytics.api_urls")),
    path("api/", include("search.api_urls")),
    path("search/", include("search.urls")),
]

handler500 = "blog.views.server_error"
