from django.urls import path

from common.lazy_views import LazyView

app_name = "uploads"

urlpatterns = [
    path("", LazyView("uploads.views.image_list"), name="list"),
    path("<str:image_id>/delete/", LazyView("uploads.views.image_delete"), name="delete"),
    path("<str:image_id>/focal-point/", LazyView("uploads.views.image_focal_point"), name="focal-point"),
]
