from django.urls import path

from analytics import api
from common.api import api_view

app_name = "analytics_api"

urlpatterns = [
    path("analytics/reports", api_view({"GET": api.report_list}), name="reports"),
    path("analytics/reports/<slug:name>/runs", api_view({"POST": api.report_run_create}), name="report-runs"),
    path("analytics/queries", api_view({"POST": api.query_run_create}), name="queries"),
    path("analytics/runs/<str:run_id>", api_view({"GET": api.run_detail}), name="run"),
]
