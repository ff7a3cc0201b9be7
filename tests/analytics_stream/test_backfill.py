"""``manage.py backfill_lake``: the events behind the table's current items, idempotent by event_id."""

from __future__ import annotations

from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command

from cloud import aws
from cloud.resources import ResourceNames
from uploads.repository import ImageRepository

from .conftest import App, Lake
from .test_events import assert_matches_schema
from .test_stream_runner import new_image


@pytest.fixture
def private_deployment(monkeypatch: pytest.MonkeyPatch, private_names: ResourceNames) -> None:
    """Make the command see the private table and lake as this deployment's resources."""
    monkeypatch.setattr(aws, "names", lambda: private_names)


def test_backfill_twice_gives_the_same_events(
    app: App, table: str, lake: Lake, private_deployment: None
) -> None:
    first = app.publish()
    second = app.publish(title="Second")
    for visitor in ("v1", "v2"):
        app.like(first, visitor=visitor)
    app.like(second, visitor="v3", country="JP", device="tablet")
    images = ImageRepository(table=table)
    ready = new_image(images)
    images.mark_ready(ready, width=10, height=20, size=300, renditions=[], now="2026-01-01T00:00:00+00:00")
    new_image(images)  # still processing: nothing to say yet

    out = StringIO()
    call_command("backfill_lake", "--dry-run", stdout=out)
    assert "would send 6 events" in out.getvalue()
    assert lake.keys() == []

    call_command("backfill_lake", stdout=StringIO())
    once = {e["event_id"]: e for e in lake.events()}
    call_command("backfill_lake", stdout=StringIO())
    events = lake.events()

    assert Counter(e["event_id"] for e in events) == dict.fromkeys(once, 2)
    for event in events:
        assert event == once[event["event_id"]]  # the same event, not merely the same id
        assert_matches_schema(event)
    assert sorted(e["event_type"] for e in once.values()) == [
        "article_liked",
        "article_liked",
        "article_liked",
        "article_published",
        "article_published",
        "image_ready",
    ]
    assert f"backfill-ARTICLE#{first.id}-ARTICLE" in once
    liked = once[f"backfill-ARTICLE#{second.id}-LIKE#v3"]
    assert (liked["country"], liked["device"], liked["article_title"]) == ("JP", "tablet", "Second")
