"""The articles API in OpenAPI 3 terms (merged into /api/openapi.json by config.openapi)."""

from __future__ import annotations

from typing import Any

from blog.domain import (
    BODY_MAX_BYTES,
    BODY_MAX_CHARS,
    EXPIRY_MAX_DAYS,
    EXPIRY_MIN_DAYS,
    PAGE_SIZE,
    STATUSES,
    TAG_MAX_CHARS,
    TAG_PATTERN,
    TAGS_MAX,
    TITLE_MAX_CHARS,
)
from common.openapi import BEARER, error_response, json_response
from common.validation import NONBLANK_MULTILINE_PATTERN, NONBLANK_TEXT_PATTERN

ARTICLE_ID = {
    "name": "article_id",
    "in": "path",
    "required": True,
    "schema": {"type": "string", "pattern": "^[0-9a-f]{32}$"},
}
CSRF_HEADER = {
    "name": "X-CSRFToken",
    "in": "header",
    "required": False,
    "description": (
        "The csrftoken cookie's value, when the request is made with the browser's cookies (the "
        "visitor or session cookie): a request with a valid Bearer token needs none."
    ),
    "schema": {"type": "string"},
}
PAGE_TOKEN_HEADER = {
    "name": "X-Page-Token",
    "in": "header",
    "required": True,
    "description": "The article page's page_token (valid one hour): a like needs the page, loaded lately.",
    "schema": {"type": "string"},
}

CURSOR = {
    "name": "cursor",
    "in": "query",
    "required": False,
    "description": "next_cursor of the previous page.",
    "schema": {"type": "string"},
}

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
                {
                    "name": "tag",
                    "in": "query",
                    "required": False,
                    "description": "Only articles with this tag.",
                    "schema": {"type": "string", "pattern": TAG_PATTERN.pattern},
                },
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
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ArticleInput"}}},
            },
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
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ArticlePatch"}}},
            },
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

# Not only whitespace, no control characters (tab and newline stay in bodies): common.validation.
_TITLE = {"type": "string", "maxLength": TITLE_MAX_CHARS, "pattern": NONBLANK_TEXT_PATTERN}
_BODY = {
    "type": "string",
    "maxLength": BODY_MAX_CHARS,
    "pattern": NONBLANK_MULTILINE_PATTERN,
    "description": f"Markdown; at most {BODY_MAX_BYTES:,} bytes once encoded as UTF-8.",
}
_EXPIRY = {
    "type": ["integer", "null"],
    "minimum": EXPIRY_MIN_DAYS,
    "maximum": EXPIRY_MAX_DAYS,
    "description": "Days from now; null or absent: the default (30).",
}
_COVER = {"type": ["string", "null"], "description": "A ready image of yours (see /api/images)."}
_TIME = {"type": "string", "format": "date-time"}
_STATUS = {
    "type": "string",
    "enum": list(STATUSES),
    "description": "draft: only you see it; scheduled: public from publish_at; published: public now.",
}
_PUBLISH_AT = {
    "type": ["string", "null"],
    "format": "date-time",
    "description": "When a scheduled article goes public (in the future). Given alone, it schedules.",
}
_TAGS = {
    "type": "array",
    "maxItems": TAGS_MAX,
    "items": {"type": "string", "minLength": 1, "maxLength": TAG_MAX_CHARS},
    "description": "Normalised to lower case (spaces become hyphens): letters a-z, digits, hyphens.",
}
_INPUT = {
    "title": _TITLE,
    "body": _BODY,
    "expires_in_days": _EXPIRY,
    "cover_image_id": _COVER,
    "status": _STATUS,
    "publish_at": _PUBLISH_AT,
    "tags": _TAGS,
}

SCHEMAS: dict[str, Any] = {
    "ArticleInput": {
        "type": "object",
        "additionalProperties": False,
        "required": ["title", "body"],
        "properties": _INPUT,
    },
    "ArticlePatch": {
        "type": "object",
        "additionalProperties": False,
        "minProperties": 1,
        "properties": _INPUT,
    },
    "ArticleSummary": {
        "type": "object",
        "required": [
            "id",
            "slug",
            "url",
            "title",
            "excerpt",
            "author",
            "published_at",
            "updated_at",
            "expires_at",
            "like_count",
            "status",
            "publish_at",
            "tags",
        ],
        "properties": {
            "id": {"type": "string"},
            "slug": {"type": "string"},
            "url": {"type": "string"},
            "title": {"type": "string"},
            "excerpt": {"type": "string"},
            "author": {
                "type": "object",
                "properties": {"id": {"type": "string"}, "name": {"type": "string"}},
            },
            "published_at": {**_TIME, "type": ["string", "null"], "description": "Null unless published."},
            "updated_at": _TIME,
            "expires_at": _TIME,
            "like_count": {"type": "integer", "minimum": 0},
            "cover_image_id": {"type": ["string", "null"]},
            "status": {"type": "string", "enum": list(STATUSES)},
            "publish_at": {**_TIME, "type": ["string", "null"], "description": "Null for a draft."},
            "tags": {"type": "array", "items": {"type": "string", "pattern": TAG_PATTERN.pattern}},
        },
    },
    "Article": {
        "allOf": [
            {"$ref": "#/components/schemas/ArticleSummary"},
            {
                "type": "object",
                "required": ["body", "body_html"],
                "properties": {
                    "body": {"type": "string"},
                    "body_html": {"type": "string", "description": "Sanitised."},
                },
            },
        ]
    },
    "ArticlePage": {
        "type": "object",
        "required": ["articles", "next_cursor"],
        "properties": {
            "articles": {"type": "array", "items": {"$ref": "#/components/schemas/ArticleSummary"}},
            "next_cursor": {"type": ["string", "null"]},
        },
    },
    "LikeState": {
        "type": "object",
        "required": ["liked", "like_count"],
        "properties": {"liked": {"type": "boolean"}, "like_count": {"type": "integer", "minimum": 0}},
    },
}
