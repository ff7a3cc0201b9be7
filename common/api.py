"""The JSON API's edge: one error shape, strict body parsing, and a view decorator.

Errors are ``{"error": {"code", "message", "fields"}}`` with the matching HTTP status, for every
answer under ``/api/``: a ``UserError`` raised by a handler (its ``status`` and ``code``), a refused
method (405 with ``Allow``), and anything Django answers on its own (``JsonErrorsMiddleware``).
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Callable, Mapping
from http import HTTPStatus
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse

from common.errors import MethodNotAllowed, PayloadTooLarge, Unauthorized, UserError, ValidationFailed

logger = logging.getLogger(__name__)

API_PREFIX = "/api/"
Handler = Callable[..., HttpResponse]


def error_json(
    *, status: int, code: str, message: str, fields: Mapping[str, str] | None = None
) -> JsonResponse:
    """Return the common error body with ``status``."""
    body = {"error": {"code": code, "message": message, "fields": dict(fields or {})}}
    return JsonResponse(body, status=status)


def error_response(error: UserError) -> JsonResponse:
    """Return ``error`` as the API answers it (401s say which scheme to use)."""
    response = error_json(status=error.status, code=error.code, message=error.message, fields=error.fields)
    if isinstance(error, Unauthorized):
        response["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


def method_not_allowed(request: HttpRequest, allowed: list[str]) -> JsonResponse:
    """Return the 405 answer with the ``Allow`` header RFC 9110 asks for."""
    response = error_response(
        MethodNotAllowed(f"{request.method} is not allowed here: use {', '.join(allowed)}.")
    )
    response["Allow"] = ", ".join(allowed)
    return response


def json_body(
    request: HttpRequest,
    *,
    allowed: frozenset[str] | set[str],
    required: frozenset[str] | set[str] = frozenset(),
) -> dict[str, Any]:
    """Return the request's JSON object, refusing oversize, malformed, missing or unknown fields."""
    length = int(request.META.get("CONTENT_LENGTH") or 0)
    if length > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
        raise PayloadTooLarge(f"The body is larger than {settings.DATA_UPLOAD_MAX_MEMORY_SIZE} bytes.")
    if request.content_type != "application/json":
        raise ValidationFailed("Send a JSON body with Content-Type: application/json.")
    try:
        data = json.loads(request.body or b"")
    except (ValueError, UnicodeDecodeError):
        raise ValidationFailed("The body is not valid JSON.") from None
    if not isinstance(data, dict):
        raise ValidationFailed("The body must be a JSON object.")
    problems = dict.fromkeys(data.keys() - allowed, "Unknown field.")
    problems.update(dict.fromkeys(required - data.keys(), "This field is required."))
    if problems:
        raise ValidationFailed("Some fields are wrong.", fields=problems)
    return data


def api_view(methods: Mapping[str, Handler], *, anonymous_writes: bool = False) -> Handler:
    """Dispatch by HTTP method and turn a ``UserError`` into its JSON error response.

    ``anonymous_writes``: visitors without an account may use the unsafe methods (likes); otherwise
    a refused CSRF check on a request with no credentials answers 401, not 403 (config.views).
    """

    def view(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        handler = methods.get(request.method or "")
        if handler is None:
            return method_not_allowed(request, list(methods))
        try:
            return handler(request, *args, **kwargs)
        except UserError as error:
            if error.status >= 500:
                logger.warning("api error", extra={"code": error.code, "status": error.status})
            return error_response(error)

    wrapped = functools.update_wrapper(view, next(iter(methods.values())))
    wrapped.api_methods = list(methods)  # type: ignore[attr-defined]  # read by the CSRF failure view
    wrapped.anonymous_writes = anonymous_writes  # type: ignore[attr-defined]
    return wrapped


def is_api_request(request: HttpRequest) -> bool:
    return request.path_info.startswith(API_PREFIX)  # path_info: without the execute-api stage prefix


class JsonErrorsMiddleware:
    """Give every ``/api/`` error Django answers on its own the common JSON shape.

    Unknown paths (404), refused bodies (400/413), and unhandled exceptions (500, also with DEBUG on
    and when the emulator is down) would otherwise be HTML pages. Headers such as ``Allow`` are kept.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code < 400
            or not is_api_request(request)
            or response.get("Content-Type", "").startswith("application/json")
        ):
            return response
        status = HTTPStatus(response.status_code)
        message = status.description or status.phrase
        if status >= 500:
            message = "Something went wrong on our side. Try again; if it persists, tell us the X-Request-Id."
        answer = error_json(status=status, code=status.phrase.lower().replace(" ", "_"), message=message)
        for header in ("Allow", "Retry-After", "WWW-Authenticate"):
            if header in response:
                answer[header] = response[header]
        return answer
