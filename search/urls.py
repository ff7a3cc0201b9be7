from django.urls import path

from common.lazy_views import LazyView

app_name = "search"

urlpatterns = [path("", LazyView("search.views.search_page"), name="page")]
