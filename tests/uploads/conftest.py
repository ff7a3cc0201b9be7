"""Fixtures for uploads: real presigned POSTs to the emulator's S3 and its notifications on SQS."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import unquote_plus

import pytest
import requests

from cloud import aws
from cloud.local.bootstrap import LocalStack
from cloud.resources import ENTITY, GSI_OWNER_PK, GSI_OWNER_SK, TTL_ATTRIBUTE, article_key, owner_partition
from uploads.services import UploadTicket, image_create_upload

EVENTS = Path(__file__).resolve().parent.parent / "events"


def event_fixture(name: str) -> Any:
    return json.loads((EVENTS / name).read_text())


def post_file(ticket: UploadTicket, data: bytes, *, content_type: str = "image/jpeg") -> None:
    """Send the file to S3 as the browser does: a multipart POST of the presigned fields + file."""
    response = requests.post(
        ticket.url,
        data=ticket.fields,
        files={"file": (ticket.image.filename, data, content_type)},
        timeout=30,
    )
    assert response.status_code in (200, 201, 204), response.text


def receive_notification(key: str, *, timeout: float = 15.0) -> dict[str, Any]:
    """Return the SQS message announcing ``key``, leaving other tests' messages for them."""
    sqs = aws.client("sqs")
    url = sqs.get_queue_url(QueueName=aws.names().upload_queue)["QueueUrl"]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1).get(
            "Messages", []
        )
        for message in messages:
            body = json.loads(message["Body"])
            keys = [unquote_plus(r["s3"]["object"]["key"]) for r in body.get("Records", [])]
            if key in keys:
                sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
                return message
            sqs.change_message_visibility(
                QueueUrl=url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=0
            )
    raise AssertionError(f"no notification for {key} within {timeout} s")


def sqs_event(*messages: dict[str, Any]) -> dict[str, Any]:
    """Wrap received messages as Lambda does (the shape of tests/events/sqs-s3-notification.json)."""
    template = event_fixture("sqs-s3-notification.json")["Records"][0]
    return {
        "Records": [
            {**template, "messageId": m["MessageId"], "receiptHandle": m["ReceiptHandle"], "body": m["Body"]}
            for m in messages
        ]
    }


def put_article(
    *, owner_id: str, title: str, body: str, cover: str | None = None, ttl: int | None = None
) -> None:
    """Write an article item as blog/ does (only the attributes uploads reads)."""
    item: dict[str, Any] = {
        **{k: {"S": v} for k, v in article_key(uuid.uuid4().hex).items()},
        ENTITY: {"S": "article"},
        GSI_OWNER_PK: {"S": owner_partition(owner_id)},
        GSI_OWNER_SK: {"S": f"ARTICLE#2026-11-23T09:00:00.000+00:00#{uuid.uuid4().hex[:6]}"},
        "title": {"S": title},
        "body": {"S": body},
    }
    if cover:
        item["cover_image_id"] = {"S": cover}
    if ttl is not None:
        item[TTL_ATTRIBUTE] = {"N": str(ttl)}
    aws.client("dynamodb").put_item(TableName=aws.names().table, Item=item)


@pytest.fixture
def owner_id() -> str:
    return f"user-{uuid.uuid4().hex[:10]}"


@pytest.fixture
def uploaded(local_stack: LocalStack, owner_id: str) -> Callable[..., tuple[UploadTicket, dict[str, Any]]]:
    """Upload bytes through a real presigned POST; return the ticket and S3's notification message."""

    def upload(
        data: bytes,
        *,
        filename: str = "photo.jpg",
        content_type: str = "image/jpeg",
        declared_size: int | None = None,
    ) -> tuple[UploadTicket, dict[str, Any]]:
        ticket = image_create_upload(
            owner_id=owner_id,
            owner_name="Test Owner",
            filename=filename,
            content_type=content_type,
            size=declared_size or max(1, len(data)),
        )
        post_file(ticket, data, content_type=content_type)
        return ticket, receive_notification(ticket.image.original_key)

    return upload


def delete_article_items(*, owner_id: str, title: str) -> None:
    """Remove the article items ``put_article`` wrote (the shared demo author must stay tidy)."""
    ddb = aws.client("dynamodb")
    items = ddb.query(
        TableName=aws.names().table,
        IndexName="gsi2",
        KeyConditionExpression="gsi2pk = :pk AND begins_with(gsi2sk, :prefix)",
        ExpressionAttributeValues={":pk": {"S": owner_partition(owner_id)}, ":prefix": {"S": "ARTICLE#"}},
    )["Items"]
    for item in items:
        if item.get("title", {}).get("S") == title:
            ddb.delete_item(TableName=aws.names().table, Key={"pk": item["pk"], "sk": item["sk"]})
