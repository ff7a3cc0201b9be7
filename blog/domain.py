"""Articles and likes: the types and rules of the blog, free of Django and AWS."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime

from common.errors import UserError
from common.validation import control_characters_problem, whole_number

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
IMAGE_ID_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,64}$")  # ids minted by uploads/ (uuid hex)
USER_ID_PATTERN = re.compile(r"^[\w.@+-]{1,128}$")  # Cognito usernames
ARTICLE_ID_PATTERN = re.compile(r"^[0-9a-f]{32}$")  # uuid4 hex, minted by article_publish


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


class NotLiked(BlogError):
    status, code = 409, "not_liked"
    message = "You do not like this article."


class InvalidCursor(BlogError):
    status, code = 400, "invalid"
    message = "The page cursor is not valid: start again from the first page."
    field = "cursor"


@dataclass(frozen=True)
class Article:
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

    def is_expired(self, *, now: float) -> bool:
        return self.expires_at <= now

    @property
    def expires_at_datetime(self) -> datetime:
        return datetime.fromtimestamp(self.expires_at, UTC)


@dataclass(frozen=True)
class ArticlePage:
    articles: list[Article]
    next_cursor: str | None = None


@dataclass(frozen=True)
class LikeResult:
    liked: bool
    like_count: int


@dataclass(frozen=True)
class Reader:
    """What a like records about the reader, for analytics: never an IP address or an email."""

    visitor_hash: str
    country: str = "ZZ"
    device: str = "unknown"


def content_hash(*, title: str, body: str) -> str:
    """Return the hash that refuses publishing the same title and body twice."""
    return hashlib.sha256(f"{title}\x00{body}".encode()).hexdigest()


def timestamp(moment: datetime) -> str:
    """Return a fixed-width ISO UTC timestamp, so the strings sort like the moments."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_timestamp(value: str) -> datetime:
    return datetime.strptime(value, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)


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
    if not isinstance(value, str) or not IMAGE_ID_PATTERN.match(value):
        return None, "Not an image id."
    return value, None
