from django.urls import path

from common.lazy_views import LazyView

app_name = "accounts-api"

urlpatterns = [path("auth/token", LazyView("accounts.api.token"), name="token")]
