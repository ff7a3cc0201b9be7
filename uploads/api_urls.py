from django.urls import path

from common.api import api_view
from uploads import api

app_name = "uploads-api"

# Not csrf_exempt: a valid Bearer token skips CSRF (accounts.middleware; an invalid one is a 401),
# a cookie request needs the token.
urlpatterns = [
    path("images", api_view({"GET": api.images_list, "POST": api.images_create}), name="images"),
    path(
        "images/<str:image_id>", api_view({"GET": api.image_detail, "DELETE": api.image_delete}), name="image"
    ),
    path(
        "images/<str:image_id>/focal-point",
        api_view({"PUT": api.image_focal_point}),
        name="image-focal-point",
    ),
]
