from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from accounts import api
from common.api import api_view

app_name = "accounts-api"

urlpatterns = [
    # Authenticated by the credentials in the body, never by a cookie: there is nothing to forge.
    path("auth/token", csrf_exempt(api_view({"POST": api.token_create})), name="token"),
]
