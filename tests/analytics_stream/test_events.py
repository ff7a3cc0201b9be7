"""Stream record -> analytics event, from fixtures shaped like AWS's documented stream events."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest

from analytics.events import InvalidRecord, event_from_item, event_from_record
from analytics.schema import COLUMN_NAMES, COLUMNS

EVENTS_DIR = Path(__file__).resolve().parents[1] / "events"
ISO_UTC = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z")


def load(name: str) -> list[dict[str, Any]]:
    return json.loads((EVENTS_DIR / f"ddb-{name}.json").read_text())["Records"]


def assert_matches_schema(event: dict[str, Any]) -> None:
    """Check names and types against analytics.schema.COLUMNS: the Glue table is the contract."""
    assert tuple(event) == COLUMN_NAMES
    for name, glue_type, _ in COLUMNS:
        value = event[name]
        if value is None:
            continue
        if glue_type == "string":
            assert isinstance(value, str), name
        elif glue_type == "timestamp":
            assert isinstance(value, str), name
            assert ISO_UTC.fullmatch(value), (name, value)
        elif glue_type in ("int", "bigint"):
            assert isinstance(value, int), name
            assert not isinstance(value, bool), name
            assert -(2**31) <= value < 2**31 or glue_type == "bigint", name
        else:
            pytest.fail(f"a column type the test does not know: {glue_type}")
    assert event["event_id"]
    assert event["event_type"]
    assert event["occurred_at"]


ARTICLE = {
    "article_id": "01JDARTICLE0001",
    "article_slug": "serverless-django",
    "article_title": "Serverless Django",
    "author_id": "author",
    "author_name": "Arthur Author",
    "published_at": "2025-11-20T09:15:30.250Z",
    "expires_at": "2025-12-20T09:15:30.000Z",
}
LIKE = {
    "article_id": "01JDARTICLE0001",
    "article_title": "Serverless Django",
    "author_id": "author",
    "author_name": "Arthur Author",
    "country": "FR",
    "device": "mobile",
}
IMAGE = {"image_id": "01JDIMAGE00001", "author_id": "author", "author_name": "Arthur Author"}


def expected(event_id_suffix: str, event_type: str, occurred_at: str, **fields: Any) -> dict[str, Any]:
    return {
        **dict.fromkeys(COLUMN_NAMES),
        "event_id": f"c4ca4238a0b923820dcc509a6f75849b{event_id_suffix}",
        "event_type": event_type,
        "occurred_at": occurred_at,
        **fields,
    }


CASES = {
    "article-published": [
        expected("91", "article_published", "2025-11-20T09:15:30.000Z", **ARTICLE, like_count=0)
    ],
    "article-updated": [
        expected(
            "92",
            "article_updated",
            "2025-11-21T08:00:00.000Z",
            **{**ARTICLE, "article_title": "Serverless Django, revised"},
            like_count=0,
        )
    ],
    "article-like-count-only": [],
    "article-deleted": [
        expected("94", "article_deleted", "2025-11-22T08:00:00.000Z", **ARTICLE, like_count=1, actor="user")
    ],
    "article-expired": [
        expected("95", "article_expired", "2025-12-20T09:20:00.000Z", **ARTICLE, like_count=1, actor="ttl")
    ],
    "like-inserted": [expected("96", "article_liked", "2025-11-20T10:00:00.000Z", **LIKE)],
    "like-removed": [expected("97", "article_unliked", "2025-11-20T11:00:00.000Z", **LIKE)],
    "image-ready": [
        expected(
            "98",
            "image_ready",
            "2025-11-20T11:00:05.000Z",
            **IMAGE,
            image_width=1600,
            image_height=900,
            image_bytes=245760,
            image_renditions=3,
        )
    ],
    "image-failed": [
        expected(
            "99",
            "image_failed",
            "2025-11-20T11:00:05.000Z",
            **IMAGE,
            image_bytes=1024,
            reason="not an image: cannot identify image file",
        )
    ],
    "ignored-items": [],
    "like-expired": [],  # TTL removes an article's likes with it: not unlikes
}


@pytest.mark.parametrize("fixture", sorted(CASES))
def test_fixture_gives_exactly_the_expected_events(fixture: str) -> None:
    events = [e for e in map(event_from_record, load(fixture)) if e is not None]
    assert events == CASES[fixture]
    for event in events:
        assert_matches_schema(event)


def test_every_fixture_file_is_checked() -> None:
    files = {p.name.removeprefix("ddb-").removesuffix(".json") for p in EVENTS_DIR.glob("ddb-*.json")}
    assert files == set(CASES)


def test_every_kind_is_covered() -> None:
    kinds = {e["event_type"] for events in CASES.values() for e in events}
    assert kinds == {
        "article_published",
        "article_updated",
        "article_deleted",
        "article_expired",
        "article_liked",
        "article_unliked",
        "image_ready",
        "image_failed",
    }


def test_only_the_ttl_service_identity_means_expired() -> None:
    (record,) = load("article-expired")
    record["userIdentity"] = {"type": "Service", "principalId": "someone-else.amazonaws.com"}
    assert event_from_record(record)["event_type"] == "article_deleted"  # type: ignore[index]


def test_an_image_already_ready_gives_no_second_event() -> None:
    (record,) = load("image-ready")
    record["dynamodb"]["OldImage"] = copy.deepcopy(record["dynamodb"]["NewImage"])
    assert event_from_record(record) is None


def test_an_image_inserted_ready_gives_image_ready() -> None:
    (record,) = load("image-ready")
    record["eventName"] = "INSERT"
    del record["dynamodb"]["OldImage"]
    assert event_from_record(record)["event_type"] == "image_ready"  # type: ignore[index]


def test_no_address_and_no_email_reach_an_event() -> None:
    (record,) = load("like-inserted")
    image = record["dynamodb"]["NewImage"]
    image["ip"] = {"S": "203.0.113.7"}
    image["email"] = {"S": "reader@example.com"}
    image["author_name"] = {"S": "arthur@example.com"}
    event = event_from_record(record)
    assert event is not None
    text = json.dumps(event)
    assert "203.0.113.7" not in text
    assert "@" not in text
    assert event["author_name"] is None


def test_unknown_country_and_device_are_normalised() -> None:
    (record,) = load("like-inserted")
    record["dynamodb"]["NewImage"]["country"] = {"S": "<script>"}
    record["dynamodb"]["NewImage"]["device"] = {"S": "toaster"}
    event = event_from_record(record)
    assert event is not None
    assert (event["country"], event["device"]) == ("ZZ", "unknown")


def test_without_approximate_time_the_items_own_time_is_used() -> None:
    (record,) = load("like-inserted")
    del record["dynamodb"]["ApproximateCreationDateTime"]
    assert event_from_record(record)["occurred_at"] == "2025-11-20T10:00:00.000Z"  # type: ignore[index]


@pytest.mark.parametrize(
    "mutate",
    [
        lambda r: r.pop("eventID"),
        lambda r: r.update(eventName="UPSERT"),
        lambda r: r.pop("dynamodb"),
        lambda r: r["dynamodb"].pop("NewImage"),
        lambda r: (
            r["dynamodb"]["NewImage"].update(created_at={"S": "yesterday"})
            or r["dynamodb"].pop("ApproximateCreationDateTime")
        ),
        lambda r: r["dynamodb"]["NewImage"].update(entity={"X": "like"}),
    ],
    ids=["no-id", "bad-name", "no-dynamodb", "no-image", "bad-time", "not-ddb-json"],
)
def test_malformed_records_are_refused_with_a_clear_error(mutate: Any) -> None:
    (record,) = load("like-inserted")
    mutate(record)
    with pytest.raises(InvalidRecord):
        event_from_record(record)


def test_backfill_events_use_the_items_time_and_the_given_id() -> None:
    (record,) = load("article-published")
    event = event_from_item(
        record["dynamodb"]["NewImage"], event_id="backfill-ARTICLE#01JDARTICLE0001-ARTICLE"
    )
    assert event == {
        **CASES["article-published"][0],
        "event_id": "backfill-ARTICLE#01JDARTICLE0001-ARTICLE",
        "occurred_at": "2025-11-20T09:15:30.250Z",
    }
    assert_matches_schema(event)


def _as_draft(image: dict[str, Any]) -> dict[str, Any]:
    return {**copy.deepcopy(image), "status": {"S": "draft"}}


def test_drafts_are_not_analytics_until_published() -> None:
    (published,) = load("article-published")
    draft_saved = copy.deepcopy(published)
    draft_saved["dynamodb"]["NewImage"] = _as_draft(published["dynamodb"]["NewImage"])
    assert event_from_record(draft_saved) is None

    draft_edited = copy.deepcopy(draft_saved)
    draft_edited["eventName"] = "MODIFY"
    draft_edited["dynamodb"]["OldImage"] = _as_draft(published["dynamodb"]["NewImage"])
    assert event_from_record(draft_edited) is None

    draft_published = copy.deepcopy(draft_edited)
    draft_published["dynamodb"]["NewImage"] = copy.deepcopy(published["dynamodb"]["NewImage"])
    assert event_from_record(draft_published)["event_type"] == "article_published"  # type: ignore[index]

    withdrawn = copy.deepcopy(draft_published)
    withdrawn["dynamodb"]["OldImage"], withdrawn["dynamodb"]["NewImage"] = (
        withdrawn["dynamodb"]["NewImage"],
        withdrawn["dynamodb"]["OldImage"],
    )
    assert event_from_record(withdrawn)["event_type"] == "article_deleted"  # type: ignore[index]

    draft_removed = copy.deepcopy(draft_saved)
    draft_removed["eventName"] = "REMOVE"
    draft_removed["dynamodb"]["OldImage"] = draft_removed["dynamodb"].pop("NewImage")
    assert event_from_record(draft_removed) is None
    assert event_from_item(_as_draft(published["dynamodb"]["NewImage"]), event_id="b-1") is None
