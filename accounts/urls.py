from django.urls import path

from common.lazy_views import LazyView

app_name = "accounts"

urlpatterns = [
    path("sign-in/", LazyView("accounts.views.sign_in"), name="sign-in"),
    path("sign-out/", LazyView("accounts.views.sign_out"), name="sign-out"),
    path("sign-up/", LazyView("accounts.views.sign_up"), name="sign-up"),
    path("confirm/", LazyView("accounts.views.confirm"), name="confirm"),
    path("forgot-password/", LazyView("accounts.views.forgot_password"), name="forgot-password"),
    path("reset-password/", LazyView("accounts.views.reset_password"), name="reset-password"),
    path("request-access/", LazyView("accounts.access_views.request_access"), name="request-access"),
    path("users/", LazyView("accounts.access_views.users"), name="users"),
    path("users/<str:username>/", LazyView("accounts.access_views.user_change"), name="user-change"),
]
