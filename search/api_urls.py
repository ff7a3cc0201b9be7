from django.urls import path

from search import views

app_name = "search-api"

urlpatterns = [path("search", views.search_api, name="search")]
