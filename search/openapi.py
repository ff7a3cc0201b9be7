"""The search API in OpenAPI 3 terms (merged into /api/openapi.json by config.openapi)."""

from __future__ import annotations

from typing import Any

from common.openapi import error_response, json_response, parameter
from common.schema import components
from search.schemas import SearchPage
from search.selectors import QUERY_MAX_CHARS, SEARCH_MAX_PAGE, SEARCH_PAGE_SIZE

PATHS: dict[str, Any] = {
    "/api/search": {
        "get": {
            "summary": (
                f"Published, unexpired articles matching the words of q (titles, bodies, tags), ranked, "
                f"{SEARCH_PAGE_SIZE} a page; matches highlighted with <mark> in title_html and excerpt_html."
            ),
            "tags": ["search"],
            "parameters": [
                parameter(
                    "q",
                    "query",
                    {"type": "string", "minLength": 1, "maxLength": QUERY_MAX_CHARS},
                    required=True,
                ),
                parameter(
                    "page",
                    "query",
                    {"type": "integer", "minimum": 1, "maximum": SEARCH_MAX_PAGE, "default": 1},
                ),
            ],
            "responses": {
                "200": json_response("SearchPage", "A page of results (empty when nothing matches)."),
                "400": error_response("No q, q too long, a page out of range, or an unknown parameter."),
            },
        }
    }
}

SCHEMAS: dict[str, Any] = components(SearchPage)
