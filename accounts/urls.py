from django.urls import path

from accounts import access_views, views

app_name = "accounts"

urlpatterns = [
    path("sign-in/", views.sign_in, name="sign-in"),
    path("sign-out/", views.sign_out, name="sign-out"),
    path("sign-up/", views.sign_up, name="sign-up"),
    path("confirm/", views.confirm, name="confirm"),
    path("forgot-password/", views.forgot_password, name="forgot-password"),
    path("reset-password/", views.reset_password, name="reset-password"),
    path("request-access/", access_views.request_access, name="request-access"),
    path("users/", access_views.users, name="users"),
    path("users/<str:username>/", access_views.user_change, name="user-change"),
]
