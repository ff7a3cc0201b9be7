"""The JSON API's edge: one error shape, strict body parsing, and a view decorator.

Errors are ``{"error": {"code", "message", "fields"}}`` with the matching HTTP status.
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Callable, Mapping
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse

logger = logging.getLogger(__name__)


class ApiError(Exception):
    """An error the client can act on."""

    status = 400
    code = "bad_request"

    def __init__(
        self, message: str, *, fields: Mapping[str, str] | None = None, code: str | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.fields = dict(fields or {})
        if code:
            self.code = code


class ValidationFailed(ApiError):
    status, code = 400, "invalid"


class Unauthorized(ApiError):
    status, code = 401, "unauthorized"


class Forbidden(ApiError):
    status, code = 403, "forbidden"


class NotFound(ApiError):
    status, code = 404, "not_found"


class MethodNotAllowed(ApiError):
    status, code = 405, "method_not_allowed"


class Conflict(ApiError):
    status, code = 409, "conflict"


class PayloadTooLarge(ApiError):
    status, code = 413, "payload_too_large"


class TooManyRequests(ApiError):
    status, code = 429, "rate_limited"


def error_response(error: ApiError) -> JsonResponse:
    body = {"error": {"code": error.code, "message": error.message, "fields": error.fields}}
    return JsonResponse(body, status=error.status)


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


def api_view(methods: Mapping[str, Callable[..., HttpResponse]]) -> Callable[..., HttpResponse]:
    """Dispatch by HTTP method and turn ``ApiError`` into its JSON error response."""

    def view(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        handler = methods.get(request.method or "")
        try:
            if handler is None:
                raise MethodNotAllowed(f"{request.method} is not allowed here.")
            return handler(request, *args, **kwargs)
        except ApiError as error:
            if error.status >= 500:
                logger.error("api error", extra={"code": error.code})
            return error_response(error)

    return functools.update_wrapper(view, next(iter(methods.values())))
