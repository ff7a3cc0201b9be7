"""Keep the search index in step with the table: article changes on its stream -> index writes.

Called by the stream handler (``analytics.stream_handler.handle``) for every batch, after the
analytics events. Article records only; everything else (likes, images, the index's own items)
is skipped. A change that leaves the searchable fields alone (a like's counter) writes nothing.
Delivery is at least once and in order per article, and indexing is idempotent (it replaces the
article's postings), so a batch delivered again converges to the same index.

Imported by Lambda on a cold start: no Django.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from search.index import Document, term_scores
from search.repository import SearchRepository

logger = logging.getLogger(__name__)

SEARCHED_FIELDS = (
    "title",
    "body",
    "tags",
    "slug",
    "excerpt",
    "author_name",
    "expires_at",
    "status",
    "published_at",
)
FINDABLE_STATUSES = (None, "published", "scheduled")  # no status: written before drafts existed


def _value(image: Mapping[str, Any], name: str) -> Any:
    attribute = image.get(name)
    if not isinstance(attribute, Mapping) or not attribute:
        return None
    kind, value = next(iter(attribute.items()))
    if kind == "N":
        return int(float(value))
    if kind == "SS":
        return tuple(sorted(value))
    if kind == "L":
        return tuple(str(next(iter(v.values()))) for v in value if isinstance(v, Mapping) and v)
    return value


def _epoch(value: Any) -> int:
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value:
        try:
            return int(datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp())
        except ValueError:
            return 0
    return 0


def document_from_image(image: Mapping[str, Any]) -> Document | None:
    """Return the searchable document of an article item (stream image), or None when it is not
    to be found (a draft, an expired article)."""
    if _value(image, "entity") != "article" or _value(image, "status") not in FINDABLE_STATUSES:
        return None
    expires_at = _value(image, "expires_at") or 0
    if expires_at <= time.time():
        return None
    tags = _value(image, "tags") or ()
    return Document(
        article_id=str(_value(image, "id")),
        slug=str(_value(image, "slug") or ""),
        title=str(_value(image, "title") or ""),
        excerpt=str(_value(image, "excerpt") or ""),
        body=str(_value(image, "body") or ""),
        tags=tuple(str(tag) for tag in (tags if isinstance(tags, tuple) else (tags,))),
        author_id=str(_value(image, "author_id") or ""),
        author_name=str(_value(image, "author_name") or ""),
        published_at=str(_value(image, "published_at") or ""),
        expires_at=int(expires_at),
        # A scheduled article (published_at in the future) is found from its publication on.
        visible_from=_epoch(_value(image, "published_at")),
    )


def _source_table(record: Mapping[str, Any]) -> str | None:
    arn = record.get("eventSourceARN")
    if not isinstance(arn, str) or ":table/" not in arn:
        return None
    return arn.split(":table/", 1)[1].split("/stream/", 1)[0]


def _unchanged(old: Mapping[str, Any] | None, new: Mapping[str, Any]) -> bool:
    return old is not None and all(_value(old, f) == _value(new, f) for f in SEARCHED_FIELDS)


def record_index(record: Mapping[str, Any], *, repository: SearchRepository) -> None:
    """Apply one stream record to the index."""
    change = record.get("dynamodb") or {}
    new = change.get("NewImage")
    old = change.get("OldImage")
    image = new or old or change.get("Keys") or {}
    if _value(image, "entity") != "article":
        return
    article_id = str(_value(image, "id") or "")
    if not article_id:
        return
    if record.get("eventName") == "REMOVE" or not new:
        repository.unindex(article_id)
        return
    if _unchanged(old, new):
        return
    document = document_from_image(new)
    if document is None:
        repository.unindex(article_id)
    else:
        repository.index(document, scores=term_scores(document))


def search_records_index(
    records: Sequence[Mapping[str, Any]], *, repository: SearchRepository | None = None
) -> str | None:
    """Index the batch's article changes in order; return the sequence number of the first
    record that failed (the stream delivers it and the rest again), or None."""
    repository = repository or SearchRepository()
    for record in records:
        if not isinstance(record, Mapping) or not isinstance(record.get("dynamodb"), Mapping):
            continue  # not a stream record: the analytics handler reports it
        if _source_table(record) not in (None, repository.table):
            continue  # another table's stream: its articles are not this blog's
        try:
            record_index(record, repository=repository)
        except Exception:
            sequence = str((record.get("dynamodb") or {}).get("SequenceNumber") or "")
            logger.exception(
                "search index not updated",
                extra={"event_id": record.get("eventID"), "sequence_number": sequence},
            )
            return sequence or None
    return None
