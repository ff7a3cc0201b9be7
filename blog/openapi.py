"""The articles API in OpenAPI 3 terms (merged into /api/openapi.json by config.openapi)."""

from __future__ import annotations

from typing import Any

from blog.domain import ARTICLE_ID_PATTERN, PAGE_SIZE, TAG_PATTERN
from blog.schemas import Article, ArticleInput, ArticlePage, ArticlePatch, LikeState
from common.openapi import BEARER, error_response, json_response, parameter, request_body
from common.schema import components

ARTICLE_ID = parameter("article_id", "path", {"type": "string", "pattern": ARTICLE_ID_PATTERN.pattern})
CSRF_HEADER = parameter(
    "X-CSRFToken",
    "header",
    {"type": "string"},
    description=(
        "The csrftoken cookie's value, when the request is made with the browser's cookies (the "
        "visitor or session cookie): a request with a valid Bearer token needs none."
    ),
)
PAGE_TOKEN_HEADER = parameter(
    "X-Page-Token",
    "header",
    {"type": "string"},
    required=True,
    description="The article page's page_token (valid one hour): a like needs the page, loaded lately.",
)
CURSOR = parameter("cursor", "query", {"type": "string"}, description="next_cursor of the previous page.")

PATHS: dict[str, Any] = {
    "/api/me/articles": {
        "get": {
            "summary": (
                f"Your articles of every status (drafts first, then newest first), {PAGE_SIZE} a page."
            ),
            "tags": ["articles"],
            "security": BEARER,
            "parameters": [CURSOR],
            "responses": {
                "200": json_response("ArticlePage", "A page of your articles."),
                "400": error_response("Bad cursor."),
                "401": error_response("No valid access token."),
            },
        }
    },
    "/api/articles": {
        "get": {
            "summary": (
                f"The latest public articles (or one tag's), newest first, {PAGE_SIZE} a page: "
                "never drafts, scheduled articles before their time or expired ones."
            ),
            "tags": ["articles"],
            "parameters": [
                CURSOR,
                parameter(
                    "tag",
                    "query",
                    {"type": "string", "pattern": TAG_PATTERN.pattern},
                    description="Only articles with this tag.",
                ),
            ],
            "responses": {
                "200": json_response("ArticlePage", "A page of articles."),
                "400": error_response("Bad cursor."),
            },
        },
        "post": {
            "summary": "Write an article (authors): published now (the default), a draft, or scheduled.",
            "tags": ["articles"],
            "security": BEARER,
            "requestBody": request_body("ArticleInput"),
            "responses": {
                "201": json_response("Article", "Published."),
                "400": error_response(
                    "Invalid body: malformed JSON, wrong types, missing or unknown fields."
                ),
                "401": error_response("No valid access token."),
                "403": error_response("Not an author."),
                "409": error_response("Same title and body already published."),
                "503": error_response("Busy: a write kept conflicting with others; try again."),
                "413": error_response("Body over 1 MB."),
            },
        },
    },
    "/api/articles/{article_id}": {
        "parameters": [ARTICLE_ID],
        "get": {
            "summary": "One article with its Markdown body and the rendered, sanitised HTML.",
            "tags": ["articles"],
            "responses": {
                "200": json_response("Article", "The article."),
                "404": error_response(
                    "No such article, expired, or a draft or scheduled one (unless yours or an admin)."
                ),
            },
        },
        "patch": {
            "summary": "Edit an article or change its status (its author only; the slug stays).",
            "tags": ["articles"],
            "security": BEARER,
            "requestBody": request_body("ArticlePatch"),
            "responses": {
                "200": json_response("Article", "Saved."),
                "400": error_response("Invalid body."),
                "401": error_response("No valid access token."),
                "403": error_response("Not the author."),
                "404": error_response("No such article."),
                "409": error_response("Same title and body as another article, or edited meanwhile."),
                "503": error_response("Busy: a write kept conflicting with others; try again."),
                "413": error_response("Body over 1 MB."),
            },
        },
        "delete": {
            "summary": "Delete an article (its author, or an admin).",
            "tags": ["articles"],
            "security": BEARER,
            "responses": {
                "204": {"description": "Deleted."},
                "401": error_response("No valid access token."),
                "403": error_response("Neither the author nor an admin."),
                "404": error_response("No such article."),
            },
        },
    },
    "/api/articles/{article_id}/like": {
        "parameters": [ARTICLE_ID, CSRF_HEADER],
        "post": {
            "summary": "Like the article, once per visitor (visitor cookie; set on first use). Idempotent.",
            "tags": ["likes"],
            "parameters": [PAGE_TOKEN_HEADER],
            "responses": {
                "200": json_response("LikeState", "Liked; the new count."),
                "403": error_response(
                    "CSRF token missing or incorrect, or no fresh page token (page_not_loaded)."
                ),
                "404": error_response("No such article."),
                "429": error_response("Too many likes from this visitor or from its address."),
                "503": error_response("Busy: a write kept conflicting with others; try again."),
            },
        },
        "delete": {
            "summary": "Take the like back. Idempotent.",
            "tags": ["likes"],
            "responses": {
                "200": json_response("LikeState", "Not liked; the new count."),
                "403": error_response("CSRF token missing or incorrect."),
                "404": error_response("No such article."),
                "429": error_response("Too many likes from this visitor or from its address."),
                "503": error_response("Busy: a write kept conflicting with others; try again."),
            },
        },
    },
}

SCHEMAS: dict[str, Any] = components(ArticleInput, ArticlePatch, Article, ArticlePage, LikeState)
SCHEMAS["ArticlePatch"]["minProperties"] = 1  # msgspec has no word for it; the API refuses {} itself
