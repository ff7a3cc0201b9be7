"""Building blocks for each app's part of the OpenAPI document (assembled by config.openapi).

The bodies' schemas come from each app's ``schemas.py`` (common.schema); this module stays free of
msgspec, since config.views imports it at start-up.
"""

from __future__ import annotations

from typing import Any

BEARER: list[dict[str, list[str]]] = [{"bearer": []}]


def json_response(schema: str, description: str) -> dict[str, Any]:
    """Return a response whose JSON body is the component schema named ``schema``."""
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
    }


def parameter(
    name: str, where: str, schema: dict[str, Any], *, required: bool = False, description: str = ""
) -> dict[str, Any]:
    """Return a parameter ``where`` is path, query or header (a path's is always required)."""
    found: dict[str, Any] = {"name": name, "in": where, "required": required or where == "path"}
    if description:
        found["description"] = description
    return {**found, "schema": schema}


def request_body(schema: str, *, required: bool = True) -> dict[str, Any]:
    """Return a JSON request body of the component schema named ``schema``."""
    return {
        "required": required,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
    }


def error_response(description: str) -> dict[str, Any]:
    """Return an error response: the common ``{"error": {...}}`` body."""
    return json_response("Error", description)
