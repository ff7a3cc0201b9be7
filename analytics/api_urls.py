from django.urls import path

from common.lazy_views import LazyView

app_name = "analytics_api"

urlpatterns = [
    path("analytics/reports", LazyView("analytics.api.reports"), name="reports"),
    path("analytics/reports/<slug:name>/runs", LazyView("analytics.api.report_runs"), name="report-runs"),
    path("analytics/queries", LazyView("analytics.api.queries"), name="queries"),
    path("analytics/runs/<str:run_id>", LazyView("analytics.api.run"), name="run"),
]
