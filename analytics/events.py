"""Turn one DynamoDB stream record into zero or one analytics event: pure, no AWS, no Django.

An event is a flat dict with exactly the columns of ``analytics.schema.COLUMNS`` (every key present,
``None`` where a column does not apply), so it can be written as one JSON line and read by Athena
(or DuckDB locally) through the Glue table.

Decisions:

- ``event_id`` is the stream record's ``eventID``: Lambda delivers a record at least once, and its
  retries carry the same id, so readers drop duplicates by it.
- ``occurred_at`` is the record's ``ApproximateCreationDateTime`` (when DynamoDB made the change);
  records without one (hand-made, backfills) fall back to the item's own timestamp.
- The ``dt`` partition is NOT a field of the event: Firehose writes the record under a prefix that
  carries the UTC day it received it (``events/dt=yyyy-MM-dd/`` in production; the emulator's
  ``events/yyyy/MM/dd/HH/``; ``analytics.lake.partition_from_key`` reads either). A live event's
  ``dt`` is therefore its ``occurred_at`` day, or the next one for a change made just before
  midnight; a backfilled event's ``dt`` is the day of the backfill.
- Timestamps are ISO-8601 UTC strings with milliseconds and a ``Z`` (``TIMESTAMP_FORMAT``), which
  Athena's ``from_iso8601_timestamp``, Firehose's Parquet conversion (a Joda pattern) and DuckDB read.
- Only named attributes are copied out of an item, so an address or an email address stored on an
  item can never reach the lake; a name that looks like an email address is dropped too.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from boto3.dynamodb.types import TypeDeserializer

from analytics.schema import COLUMN_NAMES
from blog.domain import STATUS_DRAFT
from blog.visitors import DEVICES, UNKNOWN_COUNTRY  # what the like recorded, validated again here
from cloud.resources import ENTITY

Event = dict[str, Any]

TIMESTAMP_FORMAT = "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'"  # e.g. 2026-11-23T08:57:17.123Z (a Joda pattern)

# AWS's documented shape of a record whose item the TTL process deleted.
TTL_IDENTITY = {"type": "Service", "principalId": "dynamodb.amazonaws.com"}

# An article edit that changes none of these is noise (a like only bumps like_count).
ARTICLE_CONTENT_ATTRIBUTES = ("title", "body", "slug", "cover_image_id", "expires_at")

_COUNTRY = re.compile(r"[A-Z]{2}")

_EMPTY: Event = dict.fromkeys(COLUMN_NAMES)
_deserializer = TypeDeserializer()


class InvalidRecord(ValueError):
    """The stream record is not shaped like a DynamoDB stream record we can read."""


def event_from_record(record: Mapping[str, Any]) -> Event | None:
    """Return the analytics event for one stream record (Lambda's event shape), or None if none applies.

    Raise ``InvalidRecord`` for a record that is not a readable DynamoDB stream record.
    """
    try:
        event_name = record["eventName"]
        event_id = record["eventID"]
        change = record["dynamodb"]
    except (KeyError, TypeError):
        raise InvalidRecord("a stream record needs eventName, eventID and dynamodb") from None
    if event_name not in ("INSERT", "MODIFY", "REMOVE") or not isinstance(event_id, str) or not event_id:
        raise InvalidRecord(f"unexpected eventName {event_name!r} or eventID {event_id!r}")
    if not isinstance(change, Mapping):
        raise InvalidRecord("dynamodb must be an object")
    new = change.get("NewImage")
    old = change.get("OldImage")
    image = new if new is not None else old
    if not isinstance(image, Mapping):
        # A KEYS_ONLY stream cannot tell an article from a like: the table must send images.
        raise InvalidRecord(f"record {event_id} carries no NewImage/OldImage")
    entity = _get(image, ENTITY)
    if entity == "article":
        event_type = _article_event_type(event_name, record.get("userIdentity"), new=new, old=old)
    elif entity == "like":
        event_type = _like_event_type(event_name, record.get("userIdentity"))
    elif entity == "image":
        event_type = _image_event_type(new=new, old=old)
    else:
        return None  # slug, content, rate items and anything unknown: not analytics
    if event_type is None:
        return None
    occurred = change.get("ApproximateCreationDateTime")
    return _build(
        event_type, image, event_id=event_id, occurred_at=_timestamp(occurred) if occurred else None
    )


def event_from_item(item: Mapping[str, Any], *, event_id: str) -> Event | None:
    """Return the event that created ``item`` (DynamoDB JSON), as a backfill sees it, or None.

    Articles give ``article_published``, likes ``article_liked``, finished images ``image_ready`` or
    ``image_failed``; ``occurred_at`` is the item's own timestamp.
    """
    entity = _get(item, ENTITY)
    if entity == "article":
        event_type: str | None = None if _is_draft(item) else "article_published"
    elif entity == "like":
        event_type = "article_liked"
    elif entity == "image":
        event_type = _image_event_type(new=item, old=None)
    else:
        return None
    return None if event_type is None else _build(event_type, item, event_id=event_id, occurred_at=None)


# --- Kinds ----------------------------------------------------------------------------------------


def _article_event_type(
    event_name: str, identity: Any, *, new: Mapping[str, Any] | None, old: Mapping[str, Any] | None
) -> str | None:
    """Drafts are not on the blog, so they are not analytics: a draft saved, edited or deleted gives
    nothing; a draft published (or scheduled) is ``article_published``, and an article taken back
    to draft left the blog as if deleted."""
    was_on_blog = old is not None and not _is_draft(old)
    is_on_blog = new is not None and not _is_draft(new)
    if event_name == "REMOVE":
        if not was_on_blog:
            return None
        return "article_expired" if identity == TTL_IDENTITY else "article_deleted"
    if not is_on_blog:
        return "article_deleted" if was_on_blog else None
    if not was_on_blog:
        return "article_published"
    if new is None or old is None:  # cannot happen: both are on the blog (for the type checker)
        return None
    changed = any(new.get(name) != old.get(name) for name in ARTICLE_CONTENT_ATTRIBUTES)
    return "article_updated" if changed else None


def _is_draft(image: Mapping[str, Any]) -> bool:
    return _get(image, "status") == STATUS_DRAFT


def _like_event_type(event_name: str, identity: Any) -> str | None:
    if event_name == "INSERT":
        return "article_liked"
    if event_name == "REMOVE" and identity != TTL_IDENTITY:
        return "article_unliked"
    return None  # likes carry their article's expiry: TTL removes them with it, not readers


def _image_event_type(*, new: Mapping[str, Any] | None, old: Mapping[str, Any] | None) -> str | None:
    """Return image_ready/image_failed when the image's status has just become ready/failed."""
    if new is None:
        return None  # a removed image record is not an analytics event
    status = _get(new, "status")
    if status not in ("ready", "failed") or (old is not None and _get(old, "status") == status):
        return None
    return f"image_{status}"


def _build(event_type: str, item: Mapping[str, Any], *, event_id: str, occurred_at: str | None) -> Event:
    event = dict(_EMPTY)
    event["event_id"] = event_id
    event["event_type"] = event_type
    if event_type.startswith("image_"):
        event.update(
            image_id=_str(item, "id") or _id_from_key(item),
            author_id=_str(item, "owner_id"),
            author_name=_name(item, "owner_name"),
            image_width=_int(item, "width"),
            image_height=_int(item, "height"),
            image_bytes=_int(item, "bytes"),
            image_renditions=_count(item, "renditions"),
            reason=_str(item, "error") if event_type == "image_failed" else None,
        )
        own_time = _get(item, "updated_at") or _get(item, "created_at")
    elif event_type in ("article_liked", "article_unliked"):
        country = _str(item, "country")
        device = _str(item, "device")
        event.update(
            article_id=_str(item, "article_id") or _id_from_key(item),
            article_title=_str(item, "article_title"),
            author_id=_str(item, "author_id"),
            author_name=_name(item, "author_name"),
            country=country if country and _COUNTRY.fullmatch(country) else UNKNOWN_COUNTRY,
            device=device if device in DEVICES else "unknown",
        )
        own_time = _get(item, "created_at")
    else:
        event.update(
            article_id=_str(item, "id") or _id_from_key(item),
            article_slug=_str(item, "slug"),
            article_title=_str(item, "title"),
            author_id=_str(item, "author_id"),
            author_name=_name(item, "author_name"),
            published_at=_optional_timestamp(_get(item, "published_at")),
            expires_at=_optional_timestamp(_get(item, "expires_at")),
            like_count=_int(item, "like_count"),
        )
        if event_type == "article_expired":
            event["actor"] = "ttl"
        elif event_type == "article_deleted":
            # DynamoDB does not say who deleted an item; an app may leave the role on the item.
            actor = _get(item, "deleted_by")
            event["actor"] = actor if actor in ("author", "admin") else "user"
        own_time = (
            _get(item, "published_at")
            if event_type == "article_published"
            else _get(item, "updated_at") or _get(item, "published_at")
        )
    if occurred_at is None:
        if not own_time:
            raise InvalidRecord(f"record {event_id} has no ApproximateCreationDateTime and no item timestamp")
        occurred_at = _timestamp(own_time)
    event["occurred_at"] = occurred_at
    return event


# --- Attribute access (DynamoDB JSON, one attribute at a time: cheaper than the whole image) -------


def _get(image: Mapping[str, Any], name: str) -> Any:
    value = image.get(name)
    if value is None:
        return None
    try:
        return _deserializer.deserialize(value)
    except (TypeError, AttributeError) as error:
        raise InvalidRecord(f"attribute {name!r} is not DynamoDB JSON: {error}") from None


def _str(image: Mapping[str, Any], name: str) -> str | None:
    value = _get(image, name)
    return value if isinstance(value, str) and value else None


def _name(image: Mapping[str, Any], name: str) -> str | None:
    value = _str(image, name)
    return None if value is None or "@" in value else value  # never an email address


def _int(image: Mapping[str, Any], name: str) -> int | None:
    value = _get(image, name)
    if isinstance(value, Decimal | int) and not isinstance(value, bool):
        return int(value)
    return None


def _count(image: Mapping[str, Any], name: str) -> int | None:
    value = _get(image, name)
    return len(value) if isinstance(value, list | set) else None


def _id_from_key(image: Mapping[str, Any]) -> str | None:
    """Return the id in the item's partition key (``ARTICLE#<id>``, ``IMAGE#<id>``)."""
    pk = _str(image, "pk")
    return (pk.partition("#")[2] or None) if pk else None


def _optional_timestamp(value: Any) -> str | None:
    return _timestamp(value) if value not in (None, "") else None


def _timestamp(value: Any) -> str:
    """Return ``value`` (epoch seconds, an ISO string, a datetime) as an ISO-8601 UTC string."""
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=UTC)
    elif isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        try:
            moment = datetime.fromtimestamp(float(value), UTC)
        except (OverflowError, OSError, ValueError):
            raise InvalidRecord(f"not an epoch timestamp: {value!r}") from None
    elif isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            raise InvalidRecord(f"not an ISO-8601 timestamp: {value!r}") from None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)  # the app writes UTC; a naive value is UTC too
    else:
        raise InvalidRecord(f"not a timestamp: {value!r}")
    moment = moment.astimezone(UTC)
    return f"{moment:%Y-%m-%dT%H:%M:%S}.{moment.microsecond // 1000:03d}Z"
