"""Check an API response against /api/openapi.json: a documented status, and a body of its schema.

``tests/conftest.py`` runs this on every ``/api/`` response any test gets from Django's test client,
so every app's API tests also test the document (and a test cannot forget to).
"""

from __future__ import annotations

import functools
import json
import re
from typing import Any

from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

DOCUMENT_URI = "urn:blog-api"


@functools.cache
def _document() -> tuple[dict[str, Any], list[tuple[re.Pattern[str], str]]]:
    from config.openapi import document

    doc = document()
    routes = [
        (re.compile("^" + re.sub(r"\\\{[a-z_]+\\\}", "[^/]+", re.escape(path)) + "$"), path)
        for path in doc["paths"]
    ]
    return doc, routes


@functools.cache
def _registry() -> Registry:
    return Registry().with_resource(DOCUMENT_URI, Resource.from_contents(_document()[0], DRAFT202012))


def _pointer(*parts: str) -> str:
    return "/".join(part.replace("~", "~0").replace("/", "~1") for part in parts)


def response_problem(*, method: str, path: str, status: int, content_type: str, body: bytes) -> str | None:
    """Return why the response disagrees with the document, or None when it agrees."""
    doc, routes = _document()
    template = next((t for pattern, t in routes if pattern.match(path)), None)
    if template is None:
        return None if status in (404, 405) else f"{path} is not in the document"
    operation = doc["paths"][template].get(method.lower())
    if operation is None:
        return None if status == 405 else f"{method} {template} is not in the document"
    responses = operation["responses"]
    if str(status) not in responses:
        return f"{method} {template} answered {status}, documented: {sorted(responses)}"
    content = responses[str(status)].get("content")
    if not content:
        return None if not body else f"{method} {template} {status} has a body, documented none"
    if not content_type.startswith("application/json"):
        return f"{method} {template} {status} is {content_type!r}, documented JSON"
    schema = {
        "$ref": f"{DOCUMENT_URI}#/"
        + _pointer(
            "paths",
            template,
            method.lower(),
            "responses",
            str(status),
            "content",
            "application/json",
            "schema",
        )
    }
    errors = list(Draft202012Validator(schema, registry=_registry()).iter_errors(json.loads(body)))
    if errors:
        return f"{method} {template} {status}: " + "; ".join(e.message[:200] for e in errors[:3])
    return None
