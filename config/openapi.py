"""The OpenAPI 3 document, assembled from each app's ``openapi.py`` (``PATHS`` and ``SCHEMAS``)."""

from __future__ import annotations

import importlib
from typing import Any

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
    return {
        "openapi": "3.1.0",
        "info": {"title": "Blog API", "version": "1.0.0"},
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}},
        },
    }
