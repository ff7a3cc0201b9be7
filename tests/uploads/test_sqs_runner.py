"""The local SQS event-source runner: batches, partial batch failures, retries and the DLQ."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from cloud import aws
from cloud.local import sqs_runner
from tests.uploads import images
from tests.uploads.conftest import event_fixture, post_file
from uploads.domain import STATUS_READY
from uploads.repository import ImageRepository
from uploads.services import image_create_upload

MAX_RECEIVES = 3


@pytest.fixture
def queues(local_stack: object) -> Iterator[tuple[str, str, str]]:
    """A private queue + DLQ wired like the upload queue (redrive after 3 receives)."""
    sqs = aws.client("sqs")
    name = f"uploads-test-{uuid.uuid4().hex[:8]}"
    dlq_url = sqs.create_queue(QueueName=f"{name}-dlq")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    url = sqs.create_queue(
        QueueName=name,
        Attributes={
            "VisibilityTimeout": "120",
            "RedrivePolicy": json.dumps(
                {"deadLetterTargetArn": dlq_arn, "maxReceiveCount": str(MAX_RECEIVES)}
            ),
        },
    )["QueueUrl"]
    yield name, url, dlq_url
    sqs.delete_queue(QueueUrl=url)
    sqs.delete_queue(QueueUrl=dlq_url)


def count(url: str) -> int:
    attributes = aws.client("sqs").get_queue_attributes(
        QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
    )["Attributes"]
    return int(attributes["ApproximateNumberOfMessages"]) + int(
        attributes["ApproximateNumberOfMessagesNotVisible"]
    )


def wait_for(condition: Callable[[], bool], *, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.2)


def test_poison_message_goes_to_the_dlq_and_good_ones_are_done(
    queues: tuple[str, str, str],
    uploaded: Callable[..., tuple[Any, dict[str, Any]]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    name, url, dlq_url = queues
    sqs = aws.client("sqs")
    ticket, notification = uploaded(images.jpeg_progressive((700, 400)))
    test_event = json.dumps(event_fixture("s3-test-event.json"))
    for body in (notification["Body"], "{not json", test_event):
        sqs.send_message(QueueUrl=url, MessageBody=body)

    calls: list[int] = []
    real_invoke = sqs_runner._invoke

    def counting_invoke(event: dict[str, Any]) -> set[str]:
        calls.append(len(event["Records"]))
        return real_invoke(event)

    monkeypatch.setattr(sqs_runner, "_invoke", counting_invoke)
    monkeypatch.setattr(sqs_runner, "RETRY_DELAY_SECONDS", 0)
    stop = threading.Event()
    thread = threading.Thread(
        target=sqs_runner.run, args=(stop,), kwargs={"poll_seconds": 1, "queue_name": name}
    )
    thread.start()
    try:
        wait_for(lambda: count(dlq_url) == 1 and count(url) == 0)
    finally:
        stop.set()
        thread.join(timeout=10)
    assert not thread.is_alive()

    assert ImageRepository().get(ticket.image.id).status == STATUS_READY
    dead = sqs.receive_message(QueueUrl=dlq_url, MessageSystemAttributeNames=["All"])["Messages"]
    assert [m["Body"] for m in dead] == ["{not json"]
    assert int(dead[0]["Attributes"]["ApproximateReceiveCount"]) >= MAX_RECEIVES
    assert sum(calls) >= 3 + (MAX_RECEIVES - 1)  # the poison was handed to the handler 3 times


def test_lambda_event_shape(local_stack: object) -> None:
    message = {
        "MessageId": "m1",
        "ReceiptHandle": "r1",
        "Body": "{}",
        "Attributes": {"ApproximateReceiveCount": "1"},
    }
    event = sqs_runner.lambda_event([message], queue_arn="arn:aws:sqs:us-east-1:123456789012:q")
    record = event["Records"][0]
    assert record["eventSource"] == "aws:sqs"
    assert record["messageId"] == "m1"
    assert record["receiptHandle"] == "r1"
    assert set(record) == set(event_fixture("sqs-s3-notification.json")["Records"][0])


def test_runner_process_as_make_run_starts_it(local_stack: object) -> None:
    """``python -m cloud.local.sqs_runner`` processes real notifications and stops on SIGTERM."""
    root = Path(__file__).resolve().parents[2]
    process = subprocess.Popen(
        [sys.executable, "-m", "cloud.local.sqs_runner"],
        cwd=root,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        ticket = image_create_upload(
            owner_id="runner-test", owner_name="Runner", filename="p.png", content_type="image/png", size=10
        )
        post_file(ticket, images.png_palette(), content_type="image/png")
        wait_for(lambda: ImageRepository().get(ticket.image.id).status == STATUS_READY)
    finally:
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=15)
    assert process.returncode == 0, output.decode()[-2000:]
    assert b"upload runner stopped" in output
