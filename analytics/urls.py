from django.urls import path

from analytics import views

app_name = "analytics"

urlpatterns = [
    path("", views.analytics_page, name="page"),
    path("console/", views.console_page, name="console"),
    path("articles/<str:article_id>/", views.article_redirect, name="article"),
    path("reports/<slug:report_id>.csv", views.report_csv, name="report-csv"),
]
