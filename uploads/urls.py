from django.urls import path

from uploads import views

app_name = "uploads"

urlpatterns = [
    path("", views.image_list, name="list"),
    path("<str:image_id>/delete/", views.image_delete, name="delete"),
    path("<str:image_id>/focal-point/", views.image_focal_point, name="focal-point"),
]
