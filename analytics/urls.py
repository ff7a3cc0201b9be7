from django.urls import path

from common.lazy_views import LazyView

app_name = "analytics"

urlpatterns = [
    path("", LazyView("analytics.views.analytics_page"), name="page"),
    path("console/", LazyView("analytics.views.console_page"), name="console"),
    path("articles/<str:article_id>/", LazyView("analytics.views.article_redirect"), name="article"),
    path("reports/<slug:report_id>.csv", LazyView("analytics.views.report_csv"), name="report-csv"),
]
