"""The OpenAPI 3 document, assembled from each app's ``openapi.py`` (``PATHS`` and ``SCHEMAS``)."""

from __future__ import annotations

import copy
import importlib
from typing import Any

from common.openapi import error_response

APPS = ("accounts", "blog", "uploads", "analytics", "search")

ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "fields"],
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "fields": {"type": "object", "additionalProperties": {"type": "string"}},
            },
        }
    },
}


METHODS = ("get", "post", "put", "patch", "delete")


def _answers_of_every_operation(paths: dict[str, Any]) -> None:
    """Document the answers the API edge gives on any operation (common.api, accounts.middleware)."""
    for item in paths.values():
        for method in METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            responses = operation["responses"]
            responses.setdefault("401", error_response("An invalid or expired access token (any operation)."))
            if "requestBody" in operation:
                responses.setdefault("413", error_response("The body is over 1 MB."))
            responses.setdefault("500", error_response("Something failed on our side (AWS unreachable)."))


def document() -> dict[str, Any]:
    """Return the whole OpenAPI document."""
    paths: dict[str, Any] = {}
    schemas: dict[str, Any] = {"Error": ERROR_SCHEMA}
    for app in APPS:
        try:
            module = importlib.import_module(f"{app}.openapi")
        except ModuleNotFoundError:
            continue
        paths.update(getattr(module, "PATHS", {}))
        schemas.update(getattr(module, "SCHEMAS", {}))
    paths = copy.deepcopy(paths)  # the apps' PATHS stay as they wrote them
    _answers_of_every_operation(paths)
    return {
        "openapi": "3.1.0",
        "info": {"title": "Blog API", "version": "1.0.0"},
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}},
        },
    }
