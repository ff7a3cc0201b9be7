from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import cache_control

from config.openapi import document


def healthz(request: HttpRequest) -> JsonResponse:
    """Answer 200 without touching AWS: the process is up and Django is configured."""
    return JsonResponse({"status": "ok"})


@cache_control(max_age=300)
def openapi(request: HttpRequest) -> JsonResponse:
    """Serve the OpenAPI 3 document of the JSON API."""
    return JsonResponse(document())
