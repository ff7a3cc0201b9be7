from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.csrf import csrf_failure as html_csrf_failure
from django.views.decorators.cache import cache_control

from accounts.identity import request_identity
from common.api import error_response, is_api_request, method_not_allowed
from common.errors import Forbidden, Unauthorized
from config.openapi import document


def healthz(request: HttpRequest) -> JsonResponse:
    """Answer 200 without touching AWS: the process is up and Django is configured."""
    return JsonResponse({"status": "ok"})


@cache_control(max_age=300)
def openapi(request: HttpRequest) -> JsonResponse:
    """Serve the OpenAPI 3 document of the JSON API."""
    return JsonResponse(document())


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """Answer a refused CSRF check (``CSRF_FAILURE_VIEW``): JSON on the API, Django's page elsewhere.

    On the API, what the caller must fix comes first: a method the path does not take is a 405, and
    a request with no credentials at all to an endpoint that needs an account is a 401.
    """
    if not is_api_request(request):
        return html_csrf_failure(request, reason)
    match = request.resolver_match
    view = match.func if match else None
    allowed = getattr(view, "api_methods", None)
    if allowed is not None and request.method not in allowed:
        return method_not_allowed(request, allowed)
    if request_identity(request) is None and not getattr(view, "anonymous_writes", False):
        return error_response(Unauthorized())
    return error_response(
        Forbidden(
            "CSRF token missing or incorrect: send the csrftoken cookie's value in the X-CSRFToken header.",
            code="csrf_failed",
        )
    )
