"""The local event-source runner: real writes to a table -> its stream -> handler -> lake."""

from __future__ import annotations

import json
import threading
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from cloud import aws
from cloud.local import bootstrap
from cloud.local.stream_runner import StreamRunner, run
from cloud.resources import ResourceNames
from uploads.domain import RenditionInfo
from uploads.repository import ImageRecord, ImageRepository

from .conftest import App, Lake
from .test_events import assert_matches_schema


def runner(table: str, lake: Lake, tmp_path: Path, **options: Any) -> StreamRunner:
    options.setdefault("handler", lake.handler())
    return StreamRunner(
        table=table,
        checkpoint_path=tmp_path / "checkpoint.json",
        batching_window=0.1,
        retry_delay=0,
        **options,
    )


def new_image(images: ImageRepository) -> str:
    now = datetime.now(UTC).isoformat()
    image_id = uuid.uuid4().hex
    images.create(
        ImageRecord(
            id=image_id,
            owner_id="author",
            owner_name="Arthur Author",
            original_key=f"uploads/raw/author/{image_id}",
            filename="cat.png",
            content_type="image/png",
            status="processing",
            created_at=now,
            updated_at=now,
        )
    )
    return image_id


def test_app_writes_of_every_kind_reach_the_lake_in_one_pass(
    app: App, table: str, lake: Lake, tmp_path: Path
) -> None:
    started = datetime.now(UTC)
    article = app.publish()
    app.like(article, visitor="v1", country="DE", device="desktop")
    app.like(article, visitor="v2")
    app.unlike(article, visitor="v2")
    edited = article._replace(title="Serverless Django, revised")
    edited = app.articles.update(old=article, new=edited, now=int(datetime.now(UTC).timestamp()))
    images = ImageRepository(table=table)
    ready = new_image(images)
    rendition = RenditionInfo(width=320, height=180, format="webp", bytes=9000, key="renditions/x-320.webp")
    images.mark_ready(
        ready, width=1600, height=900, size=245760, renditions=[rendition], now="2026-01-01T00:00:00+00:00"
    )
    failed = new_image(images)
    images.mark_failed(failed, error="not an image", now="2026-01-01T00:00:00+00:00")
    app.articles.delete(edited)

    # One pass: every record of the table's stream is in one batch (fewer than 100).
    assert runner(table, lake, tmp_path).poll_once() > 0
    events = lake.events()
    assert [(e["event_type"], e["article_id"] or e["image_id"]) for e in events] == [
        ("article_published", article.id),
        ("article_liked", article.id),
        ("article_liked", article.id),
        ("article_unliked", article.id),
        ("article_updated", article.id),  # the like_count changes in between were noise
        ("image_ready", ready),
        ("image_failed", failed),
        ("article_deleted", article.id),
    ]
    for event in events:
        assert_matches_schema(event)
        # occurred_at is the record's ApproximateCreationDateTime (whole seconds), in UTC.
        occurred = datetime.fromisoformat(event["occurred_at"])
        assert started - timedelta(seconds=1) <= occurred <= datetime.now(UTC)
    assert len({e["event_id"] for e in events}) == len(events)
    liked = events[1]
    assert (liked["country"], liked["device"], liked["author_name"]) == ("DE", "desktop", "Arthur Author")
    assert (events[4]["article_title"], events[4]["like_count"]) == ("Serverless Django, revised", 1)
    assert (events[5]["image_width"], events[5]["image_renditions"]) == (1600, 1)
    assert events[6]["reason"] == "not an image"
    assert (events[7]["actor"], events[7]["like_count"]) == ("user", 1)


def test_a_restart_neither_loses_nor_repeats(app: App, table: str, lake: Lake, tmp_path: Path) -> None:
    first = app.publish()
    app.like(first, visitor="v1")
    assert runner(table, lake, tmp_path).drain() > 0
    second = app.publish(title="Another one")
    app.like(second, visitor="v1")

    restarted = runner(table, lake, tmp_path)  # a new process: only the checkpoint file survives
    assert restarted.drain() > 0
    assert runner(table, lake, tmp_path).drain() == 0

    # Several objects written within a second: their order in the bucket is not the stream's.
    assert sorted((e["event_type"], e["article_id"]) for e in lake.events()) == sorted(
        [
            ("article_published", first.id),
            ("article_liked", first.id),
            ("article_published", second.id),
            ("article_liked", second.id),
        ]
    )
    checkpoint = json.loads((tmp_path / "checkpoint.json").read_text())
    (shard,) = checkpoint["tables"][table].values()
    assert set(shard) == {"sequence", "fingerprint"}


def test_a_checkpoint_past_the_end_of_a_shorter_stream_starts_at_its_end(
    app: App, table: str, lake: Lake, tmp_path: Path
) -> None:
    """What a replay that produced fewer records would look like: positions that will not be refilled."""
    old = app.publish()
    first = runner(table, lake, tmp_path)
    first.drain()
    checkpoint = json.loads((tmp_path / "checkpoint.json").read_text())
    for shard in checkpoint["tables"][table].values():
        shard["sequence"] = str(int(shard["sequence"]) + 1000)
    (tmp_path / "checkpoint.json").write_text(json.dumps(checkpoint))

    restarted = runner(table, lake, tmp_path)
    restarted.poll_once()  # opens its iterator at the end
    new = app.publish(title="After the restart")
    restarted.drain()
    assert sorted(e["article_id"] for e in lake.events()) == sorted([old.id, new.id])


def test_a_changed_history_resumes_by_position(app: App, table: str, lake: Lake, tmp_path: Path) -> None:
    app.publish()
    runner(table, lake, tmp_path).drain()
    checkpoint = json.loads((tmp_path / "checkpoint.json").read_text())
    for shard in checkpoint["tables"][table].values():
        shard["fingerprint"] = "another record"
    (tmp_path / "checkpoint.json").write_text(json.dumps(checkpoint))
    later = app.publish(title="Later")
    runner(table, lake, tmp_path).drain()
    assert [e["article_id"] for e in lake.events()].count(later.id) == 1
    assert len(lake.events()) == 2


@pytest.fixture
def dlq(private_names: ResourceNames) -> str:
    url, _ = bootstrap.ensure_queue(f"{private_names.table}-dlq")
    return url


def dlq_messages(url: str) -> list[dict[str, Any]]:
    answer = aws.client("sqs").receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=0)
    return [json.loads(m["Body"]) for m in answer.get("Messages", [])]


def test_a_record_that_keeps_failing_is_retried_then_described_in_the_dlq(
    app: App, table: str, lake: Lake, tmp_path: Path, dlq: str
) -> None:
    article = app.publish()
    for visitor in ("v1", "v2", "v3"):
        app.like(article, visitor=visitor)
    calls: list[list[str]] = []
    real = lake.handler()

    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        """Deliver everything, but report the second like as failed, always."""
        sequences = [r["dynamodb"]["SequenceNumber"] for r in event["Records"]]
        calls.append(sequences)
        real(event, context)
        poison = [r for r in event["Records"] if r["dynamodb"].get("Keys", {}).get("sk") == {"S": "LIKE#v2"}]
        if poison:
            return {"batchItemFailures": [{"itemIdentifier": poison[0]["dynamodb"]["SequenceNumber"]}]}
        return {"batchItemFailures": []}

    stream_runner = runner(
        table, lake, tmp_path, handler=handler, dlq_queue=f"{table}-dlq", max_retry_attempts=2
    )
    assert stream_runner.drain() > 0
    assert stream_runner.drain() == 0  # moved on

    first, *retries = calls
    assert len(retries) == 2
    assert all(retry == first[first.index(retries[0][0]) :] for retry in retries)  # from the failed record on
    (message,) = dlq_messages(dlq)
    info = message["DDBStreamBatchInfo"]
    assert info["startSequenceNumber"] == retries[0][0]
    assert info["endSequenceNumber"] == first[-1]
    assert info["batchSize"] == len(retries[0])
    assert message["requestContext"]["condition"] == "RetryAttemptsExhausted"
    # At least once: the events of the retried records arrived more than once, with the same ids.
    events = lake.events()
    assert len({e["event_id"] for e in events}) == 4
    assert len(events) > 4


def test_a_handler_that_fails_once_delivers_on_the_retry(
    app: App, table: str, lake: Lake, tmp_path: Path
) -> None:
    article = app.publish()
    attempts: list[int] = []
    real = lake.handler()

    def handler(event: dict[str, Any], context: Any) -> Any:
        attempts.append(len(event["Records"]))
        if len(attempts) == 1:
            raise RuntimeError("cold start went wrong")
        return real(event, context)

    runner(table, lake, tmp_path, handler=handler).drain()
    assert len(attempts) == 2
    assert [e["article_id"] for e in lake.events()] == [article.id]


def test_run_stops_when_asked(app: App, table: str, lake: Lake, tmp_path: Path) -> None:
    article = app.publish()
    stop = threading.Event()
    thread = threading.Thread(
        target=run,
        args=(stop,),
        kwargs={"table": table, "handler": lake.handler(), "checkpoint_path": tmp_path / "c.json"},
    )
    thread.start()
    try:
        for _ in range(100):
            if lake.keys():
                break
            stop.wait(0.1)
    finally:
        stop.set()
        thread.join(timeout=10)
    assert not thread.is_alive()
    assert [e["article_id"] for e in lake.events()] == [article.id]


def test_a_damaged_checkpoint_file_stops_the_runner_with_a_clear_error(table: str, tmp_path: Path) -> None:
    (tmp_path / "checkpoint.json").write_text("{not json")
    with pytest.raises(ValueError, match="delete it"):
        StreamRunner(table=table, checkpoint_path=tmp_path / "checkpoint.json")
