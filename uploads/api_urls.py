from django.urls import path

from common.lazy_views import LazyView

app_name = "uploads-api"

urlpatterns = [
    path("images", LazyView("uploads.api.images"), name="images"),
    path("images/<str:image_id>", LazyView("uploads.api.image"), name="image"),
    path("images/<str:image_id>/focal-point", LazyView("uploads.api.focal_point"), name="image-focal-point"),
]
