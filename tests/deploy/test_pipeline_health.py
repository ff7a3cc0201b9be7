"""The pipeline health panel's selectors and template, against the emulator.

The emulator publishes no CloudWatch metrics for Firehose, so the Firehose figures are checked only
for what the panel says about their absence; everything else is real.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import django
from django.template.loader import render_to_string

from analytics import health
from analytics.stream_handler import handle as stream_handle
from cloud import aws
from cloud.local.bootstrap import LocalStack

EVENTS = Path(__file__).resolve().parents[1] / "events"


def _fresh_bucket() -> str:
    name = f"health-{uuid.uuid4().hex[:12]}"
    aws.client("s3").create_bucket(Bucket=name)
    return name


def test_dlq_depth_counts_waiting_messages(local_stack: LocalStack) -> None:
    sqs = aws.client("sqs")
    name = f"health-dlq-{uuid.uuid4().hex[:12]}"
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    assert health.dlq_depth_get(label="Test", queue_name=name) == health.QueueDepth("Test", name, messages=0)
    for body in ("one", "two"):
        sqs.send_message(QueueUrl=url, MessageBody=body)
    depth = health.dlq_depth_get(label="Test", queue_name=name)
    assert depth.messages == 2
    assert not depth.ok


def test_dlq_depth_reports_a_missing_queue_instead_of_raising(local_stack: LocalStack) -> None:
    depth = health.dlq_depth_get(label="Gone", queue_name=f"missing-{uuid.uuid4().hex[:8]}")
    assert depth.messages is None
    assert depth.error is not None
    assert "NonExistentQueue" in depth.error or "QueueDoesNotExist" in depth.error


def test_lake_last_event_finds_the_newest_object_in_either_layout(local_stack: LocalStack) -> None:
    bucket = _fresh_bucket()
    s3 = aws.client("s3")
    now = datetime.now(UTC)
    yesterday = now - timedelta(days=1)
    s3.put_object(Bucket=bucket, Key=f"events/{yesterday:%Y/%m/%d}/09/old", Body=b"{}")
    assert health.lake_last_event_get(bucket=bucket, now=now).key == f"events/{yesterday:%Y/%m/%d}/09/old"
    s3.put_object(Bucket=bucket, Key=f"events/dt={now:%Y-%m-%d}/new", Body=b"{}")
    freshness = health.lake_last_event_get(bucket=bucket, now=now)
    assert freshness.key == f"events/dt={now:%Y-%m-%d}/new"
    assert freshness.last_event_at is not None
    age = freshness.age(datetime.now(UTC))
    assert age is not None
    assert age < timedelta(minutes=5)


def test_lake_last_event_says_when_there_is_none_or_no_bucket(local_stack: LocalStack) -> None:
    assert health.lake_last_event_get(bucket=_fresh_bucket()).error == "no event in the last 7 days"
    missing = health.lake_last_event_get(bucket=f"missing-{uuid.uuid4().hex[:12]}")
    assert missing.error is not None
    assert missing.error.startswith("NoSuchBucket")


def test_lake_last_event_sees_what_the_stream_handler_delivered(local_stack: LocalStack) -> None:
    names = aws.names()
    event = json.loads((EVENTS / "ddb-article-published.json").read_text())
    event["Records"][0]["eventID"] = uuid.uuid4().hex
    before = datetime.now(UTC) - timedelta(seconds=2)
    assert stream_handle(event, None) == {"batchItemFailures": []}
    freshness = health.lake_last_event_get(bucket=names.lake_bucket)
    assert freshness.last_event_at is not None
    assert freshness.last_event_at >= before.replace(microsecond=0)


def test_firehose_health_says_metrics_are_not_available_locally_and_counts_error_objects(
    local_stack: LocalStack,
) -> None:
    bucket = _fresh_bucket()
    aws.client("s3").put_object(
        Bucket=bucket, Key="errors/format-conversion-failed/dt=2026-11-23/x", Body=b"{}"
    )
    firehose = health.firehose_health_get(stream_name=aws.names().firehose_stream, lake_bucket=bucket)
    assert firehose.error is None
    assert firehose.metrics_available is False
    assert firehose.note.startswith("not available locally")
    assert firehose.error_objects == 1
    assert not firehose.ok


def test_panel_renders_every_part_from_the_context(local_stack: LocalStack) -> None:
    django.setup()  # the template engine needs the apps (a no-op when another test loaded them)
    html = render_to_string("analytics/_health.html", {"health": health.pipeline_health_get()})
    names = aws.names()
    for text in (
        "Image uploads DLQ",
        "Table stream DLQ",
        names.upload_dlq,
        names.stream_dlq,
        names.firehose_stream,
    ):
        assert text in html, text
    assert "not available locally" in html
    broken = health.PipelineHealth(
        checked_at=datetime.now(UTC),
        dead_letter_queues=[health.QueueDepth("Image uploads", "q", messages=3)],
        firehose=health.FirehoseHealth(stream="s", error="AccessDenied: no"),
        lake=health.LakeFreshness(bucket="b", error="no event in the last 7 days"),
    )
    html = render_to_string("analytics/_health.html", {"health": broken})
    assert "needs attention" in html
    assert "3 messages" in html
    assert "AccessDenied: no" in html
    assert "no event in the last 7 days" in html
