"""Articles and likes: the types and rules of the blog, free of Django and AWS.

The value types are NamedTuples rather than frozen dataclasses: every cold start defines them, and a
NamedTuple costs a fifth as much to define (docs/architecture.md, "Cold start").
"""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime
from typing import NamedTuple

from common.errors import UserError
from common.validation import control_characters_problem, whole_number
from uploads.references import image_id_valid

# --- Limits, each next to its reason -------------------------------------------------------------
TITLE_MAX_CHARS = 200  # fits a heading, a feed entry and an OpenGraph title
BODY_MAX_CHARS = 100_000  # a long essay; keeps the item well under DynamoDB's 400 KB
# 100,000 characters of 4-byte UTF-8 would be 400 KB: cap the encoded size too, so the item
# (body + excerpt + attributes) always fits in DynamoDB's 400 KB item limit.
BODY_MAX_BYTES = 300_000
EXPIRY_MIN_DAYS, EXPIRY_MAX_DAYS = 1, 365  # the table's TTL keeps the blog fresh; a year at most
SLUG_MAX_CHARS = 80  # readable URLs; the suffix for uniqueness comes on top
EXCERPT_MAX_CHARS = 240  # two or three lines on the home page and in the feed
PAGE_SIZE = 20  # articles per page on the home page, author pages and the API
USER_ID_PATTERN = re.compile(r"^[\w.@+-]{1,128}$")  # Cognito usernames
ARTICLE_ID_PATTERN = re.compile(r"^[0-9a-f]{32}$")  # uuid4 hex, minted by article_publish
TAGS_MAX = 8  # enough to file an article; each tag costs two items in every publishing transaction
TAG_MAX_CHARS = 32  # a word or two in a URL (/tags/<tag>/)
TAG_PATTERN = re.compile(r"^[a-z0-9-]{1,32}$")  # lower case letters, digits, hyphens
# A draft lives this long after its last save (the table's TTL tidies abandoned drafts); its own
# expiry (``expiry_days``) starts counting only when it is published.
DRAFT_KEEP_DAYS = 365

# Stored statuses. "scheduled" is never stored: it is a published article whose publication time
# has not come yet, so it becomes public at that time with no job to run (see ``Article.status_at``).
STATUS_DRAFT = "draft"
STATUS_SCHEDULED = "scheduled"
STATUS_PUBLISHED = "published"
STATUSES = (STATUS_DRAFT, STATUS_SCHEDULED, STATUS_PUBLISHED)


class BlogError(UserError):
    """A problem the caller can act on (its ``status`` and ``code`` are what the API answers)."""


class ArticleNotFound(BlogError):
    status, code = 404, "not_found"
    message = "There is no such article (it may have expired or been deleted)."


class ArticleInvalid(BlogError):
    """Invalid input; ``fields`` maps each field to what is wrong with it."""

    status, code = 400, "invalid"
    message = "Some fields are wrong."

    def __init__(self, fields: dict[str, str]) -> None:
        super().__init__(fields=fields)


class SlugTaken(BlogError):
    status, code = 409, "slug_taken"
    message = "That slug is taken."


class DuplicateContent(BlogError):
    status, code = 409, "duplicate_content"
    message = "An article with the same title and body has already been published."


class NotAllowed(BlogError):
    status, code = 403, "forbidden"
    message = "You may not change this article."


class AlreadyLiked(BlogError):
    status, code = 409, "already_liked"
    message = "You already like this article."


class PageNotLoaded(BlogError):
    status, code = 403, "page_not_loaded"
    message = "Open the article's page to like it (reload it if it has been open for over an hour)."


class NotLiked(BlogError):
    status, code = 409, "not_liked"
    message = "You do not like this article."


class EditConflict(BlogError):
    status, code = 409, "edit_conflict"
    message = "The article changed while it was being saved: load it again and retry."


class InvalidCursor(BlogError):
    status, code = 400, "invalid"
    message = "The page cursor is not valid: start again from the first page."
    field = "cursor"


class Article(NamedTuple):
    id: str
    slug: str
    title: str
    body: str
    excerpt: str
    author_id: str
    author_name: str
    published_at: datetime
    updated_at: datetime
    expires_at: int  # epoch seconds (the table's TTL attribute)
    like_count: int = 0
    cover_image_id: str | None = None
    # "draft" or "published" (stored); a published article with ``published_at`` in the future is
    # scheduled. For a draft ``published_at`` is when it was created (never shown).
    stored_status: str = STATUS_PUBLISHED
    tags: tuple[str, ...] = ()
    expiry_days: int | None = None  # the lifetime asked for, counted from publication
    version: int = 0  # bumped by every edit: concurrent edits cannot both apply (exact tag counts)

    def is_expired(self, *, now: float) -> bool:
        return self.expires_at <= now

    def status_at(self, *, now: float) -> str:
        """Return "draft", "scheduled" or "published" as of ``now``."""
        if self.stored_status == STATUS_DRAFT:
            return STATUS_DRAFT
        return STATUS_SCHEDULED if self.published_at.timestamp() > now else STATUS_PUBLISHED

    def is_public(self, *, now: float) -> bool:
        """Return whether anyone may see the article: THE rule for every public surface.

        Published (not a draft), its publication time reached, and not expired. Home, author and
        tag pages, feeds, the sitemap, search and the public API show only such articles.
        """
        return self.status_at(now=now) == STATUS_PUBLISHED and not self.is_expired(now=now)

    def visible_to(self, viewer: object, *, now: float) -> bool:
        """Return whether ``viewer`` (an Identity or None) may see it: public, theirs, or an admin."""
        if self.is_public(now=now):
            return True
        if viewer is None or self.is_expired(now=now):
            return False
        return getattr(viewer, "user_id", None) == self.author_id or bool(getattr(viewer, "is_admin", False))

    @property
    def expires_at_datetime(self) -> datetime:
        return datetime.fromtimestamp(self.expires_at, UTC)


class ArticlePage(NamedTuple):
    articles: list[Article]
    next_cursor: str | None = None
    # Until when a cached copy of this page is right: the next scheduled article's time (or None).
    fresh_until: float | None = None


class LikeResult(NamedTuple):
    liked: bool
    like_count: int


class Reader(NamedTuple):
    """What a like records about the reader, for analytics: never an IP address or an email."""

    visitor_hash: str
    country: str = "ZZ"
    device: str = "unknown"


# --- Who may change an article: the one rule (services enforce it; pages ask it to show links) ----
class EditNotAllowed(NotAllowed):
    message = "Only the author may edit this article."


class DeleteNotAllowed(NotAllowed):
    message = "Only the author or an admin may delete this article."


def article_may_edit(article: Article, *, user_id: str) -> bool:
    """Return whether ``user_id`` may edit ``article``: its author only."""
    return user_id == article.author_id


def article_may_delete(article: Article, *, user_id: str, is_admin: bool) -> bool:
    """Return whether the user may delete ``article``: its author, or an admin."""
    return user_id == article.author_id or is_admin


def content_hash(*, title: str, body: str) -> str:
    """Return the hash that refuses publishing the same title and body twice."""
    return hashlib.sha256(f"{title}\x00{body}".encode()).hexdigest()


def timestamp(moment: datetime) -> str:
    """Return a fixed-width ISO UTC timestamp, so the strings sort like the moments."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_timestamp(value: str) -> datetime:
    """Read a ``timestamp`` back (``fromisoformat`` reads the trailing Z as UTC; ``strptime`` would
    import its regular expressions on a cold start and take ten times as long per item)."""
    return datetime.fromisoformat(value)


def validate_title(value: object) -> tuple[str | None, str | None]:
    """Return (clean title, problem)."""
    if not isinstance(value, str):
        return None, "Must be a string."
    if problem := control_characters_problem(value):
        return None, problem
    title = " ".join(value.split())
    if not title:
        return None, "Give the article a title."
    if len(title) > TITLE_MAX_CHARS:
        return None, f"At most {TITLE_MAX_CHARS} characters."
    return title, None


def validate_body(value: object) -> tuple[str | None, str | None]:
    if not isinstance(value, str):
        return None, "Must be a string."
    if problem := control_characters_problem(value, multiline=True):
        return None, problem
    body = value.replace("\r\n", "\n").replace("\r", "\n").strip("\n")
    if not body.strip():
        return None, "Write something: the body is empty."
    if len(body) > BODY_MAX_CHARS:
        return None, f"At most {BODY_MAX_CHARS:,} characters."
    if len(body.encode()) > BODY_MAX_BYTES:
        return None, f"At most {BODY_MAX_BYTES:,} bytes once encoded as UTF-8."
    return body, None


def validate_expiry(value: object) -> tuple[int | None, str | None]:
    if value is None:
        return None, None
    days = whole_number(value)  # 30 and 30.0 (JSON Schema's integer); not true, not 1.5
    if days is None:
        return None, "Must be a whole number of days."
    if not EXPIRY_MIN_DAYS <= days <= EXPIRY_MAX_DAYS:
        return None, f"Between {EXPIRY_MIN_DAYS} and {EXPIRY_MAX_DAYS} days."
    return days, None


def validate_image_id(value: object) -> tuple[str | None, str | None]:
    if value is None or value == "":
        return None, None
    if not isinstance(value, str) or not image_id_valid(value):
        return None, "Not an image id."
    return value, None


def normalise_tag(value: object) -> str | None:
    """Return the tag in its one spelling (lower case, spaces as hyphens), or None if it is not one."""
    if not isinstance(value, str):
        return None
    tag = "-".join(value.strip().lower().split())
    return tag if TAG_PATTERN.match(tag) else None


def validate_tags(value: object) -> tuple[tuple[str, ...] | None, str | None]:
    """Return (normalised tags without duplicates, in the order given; problem)."""
    if value is None:
        return (), None
    if not isinstance(value, list | tuple):
        return None, "Must be a list of tags."
    tags: list[str] = []
    for raw in value:
        tag = normalise_tag(raw)
        if tag is None:
            return None, (
                f"Each tag is 1-{TAG_MAX_CHARS} letters (a-z), digits or hyphens: {str(raw)[:40]!r} is not."
            )
        if tag not in tags:
            tags.append(tag)
    if len(tags) > TAGS_MAX:
        return None, f"At most {TAGS_MAX} tags."
    return tuple(tags), None


def validate_status(value: object) -> tuple[str | None, str | None]:
    if value is None:
        return None, None
    if value not in STATUSES:
        return None, "One of: " + ", ".join(STATUSES) + "."
    return str(value), None


def validate_publish_at(value: object) -> tuple[datetime | None, str | None]:
    """Return (an aware UTC moment, problem) from an ISO 8601 string (a naive one is taken as UTC)."""
    if value is None or value == "":
        return None, None
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            return None, "Must be an ISO 8601 date and time, e.g. 2026-12-24T09:00:00Z."
    else:
        return None, "Must be an ISO 8601 date and time string."
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC), None
