from django.urls import path

from common.lazy_views import LazyView

app_name = "search-api"

urlpatterns = [path("search", LazyView("search.views.search_api"), name="search")]
