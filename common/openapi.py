"""Building blocks for each app's part of the OpenAPI document (assembled by config.openapi)."""

from __future__ import annotations

from typing import Any

BEARER: list[dict[str, list[str]]] = [{"bearer": []}]


def json_response(schema: str, description: str) -> dict[str, Any]:
    """Return a response whose JSON body is the component schema named ``schema``."""
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
    }


def error_response(description: str) -> dict[str, Any]:
    """Return an error response: the common ``{"error": {...}}`` body."""
    return json_response("Error", description)
