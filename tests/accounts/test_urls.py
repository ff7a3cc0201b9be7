from __future__ import annotations

from django.urls import resolve, reverse

from accounts import views
from common.lazy_views import LazyView


def test_the_project_routes_the_account_urls() -> None:
    sign_in = resolve("/accounts/sign-in/", urlconf="config.urls").func
    assert isinstance(sign_in, LazyView)
    assert sign_in.view is views.sign_in
    assert resolve("/api/auth/token", urlconf="config.urls").url_name == "token"
    assert reverse("accounts:sign-out", urlconf="config.urls") == "/accounts/sign-out/"
    assert reverse("accounts-api:token", urlconf="config.urls") == "/api/auth/token"


def test_the_project_openapi_document_has_the_token_endpoint() -> None:
    from config.openapi import document

    assert "/api/auth/token" in document()["paths"]
    assert "TokenRequest" in document()["components"]["schemas"]
