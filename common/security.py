"""Content-Security-Policy (Django 5.2 has none built in). Every script and style is served from /static/."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

DEFAULT_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob: {media}; "
    "connect-src 'self' {media}; form-action 'self' {media}; frame-ancestors 'none'; "
    "base-uri 'self'; object-src 'none'"
)


def content_security_policy() -> str:
    """Return the policy; images and direct uploads also go to the media bucket's origin."""
    media = " ".join(getattr(settings, "CSP_MEDIA_ORIGINS", []))
    return DEFAULT_POLICY.format(media=media).replace("  ", " ")


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.policy = content_security_policy()

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", self.policy)
        return response
