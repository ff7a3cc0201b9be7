"""The articles API's bodies (common.schema): validated on the way in, documented in /api/openapi.json.

The rules are the domain's (blog.domain): its constants bound the fields, and its validators say
why a field is refused (``article_problem``), in the words the forms use.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from msgspec import UNSET, Meta, UnsetType

from blog import domain
from blog.domain import BODY_MAX_BYTES, BODY_MAX_CHARS, STATUSES, TAG_MAX_CHARS, TAG_PATTERN
from common.schema import Answer, Body, Time
from common.validation import NONBLANK_MULTILINE_PATTERN, NONBLANK_TEXT_PATTERN

# Not only whitespace, no control characters (tab and newline stay in bodies): common.validation.
Title = Annotated[str, Meta(max_length=domain.TITLE_MAX_CHARS, pattern=NONBLANK_TEXT_PATTERN)]
Markdown = Annotated[
    str,
    Meta(
        max_length=BODY_MAX_CHARS,
        pattern=NONBLANK_MULTILINE_PATTERN,
        description=f"Markdown; at most {BODY_MAX_BYTES:,} bytes once encoded as UTF-8.",
    ),
]
Expiry = Annotated[
    Annotated[int, Meta(ge=domain.EXPIRY_MIN_DAYS, le=domain.EXPIRY_MAX_DAYS)] | None,
    Meta(description="Days from now; null or absent: the default (30)."),
]
Cover = Annotated[str | None, Meta(description="A ready image of yours (see /api/images).")]
Status = Annotated[
    str,
    Meta(
        extra_json_schema={"enum": list(STATUSES)},
        description="draft: only you see it; scheduled: public from publish_at; published: public now.",
    ),
]
PublishAt = Annotated[
    Time | None,
    Meta(description="When a scheduled article goes public (in the future). Given alone, it schedules."),
]
Tags = Annotated[
    list[Annotated[str, Meta(min_length=1, max_length=TAG_MAX_CHARS)]],
    Meta(
        max_length=domain.TAGS_MAX,
        description="Normalised to lower case (spaces become hyphens): letters a-z, digits, hyphens.",
    ),
]
Tag = Annotated[str, Meta(pattern=TAG_PATTERN.pattern)]


class ArticleInput(Body):
    title: Title
    body: Markdown
    expires_in_days: Expiry | UnsetType = UNSET
    cover_image_id: Cover | UnsetType = UNSET
    status: Status | UnsetType = UNSET
    publish_at: PublishAt | UnsetType = UNSET
    tags: Tags | UnsetType = UNSET


class ArticlePatch(Body):
    """At least one field; the slug stays."""

    title: Title | UnsetType = UNSET
    body: Markdown | UnsetType = UNSET
    expires_in_days: Expiry | UnsetType = UNSET
    cover_image_id: Cover | UnsetType = UNSET
    status: Status | UnsetType = UNSET
    publish_at: PublishAt | UnsetType = UNSET
    tags: Tags | UnsetType = UNSET


_VALIDATORS: dict[str, Callable[[object], tuple[object, str | None]]] = {
    "title": domain.validate_title,
    "body": domain.validate_body,
    "expires_in_days": domain.validate_expiry,
    "cover_image_id": domain.validate_image_id,
    "status": domain.validate_status,
    "publish_at": domain.validate_publish_at,
    "tags": domain.validate_tags,
}


def article_problem(name: str, value: object) -> str | None:
    """Return the domain's word on a refused field (None: the schema's own word stands)."""
    return _VALIDATORS[name](value)[1]


class Author(Answer):
    id: str
    name: str


class ArticleCard(Answer):
    """What a list shows of an article (the articles API and search results)."""

    id: str
    slug: str
    url: str
    title: str
    excerpt: str
    author: Author


class ArticleSummary(ArticleCard):
    published_at: Annotated[Time | None, Meta(description="Null unless published.")]
    updated_at: Time
    expires_at: Time
    like_count: Annotated[int, Meta(ge=0)]
    cover_image_id: str | None
    status: Annotated[str, Meta(extra_json_schema={"enum": list(STATUSES)})]
    publish_at: Annotated[Time | None, Meta(description="Null for a draft.")]
    tags: list[Tag]


class Article(ArticleSummary):
    body: str
    body_html: Annotated[str, Meta(description="Sanitised.")]


class ArticlePage(Answer):
    articles: list[ArticleSummary]
    next_cursor: str | None


class LikeState(Answer):
    liked: bool
    like_count: Annotated[int, Meta(ge=0)]
