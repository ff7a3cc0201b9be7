"""What the IAM rehearsal's emulator authorizes for a request (cloud/local/moto_iam.py), without a server.

The requests are stand-ins for moto's response objects: only the fields the rules read.
"""

from __future__ import annotations

import json
from types import SimpleNamespace
from typing import Any

from cloud.local.moto_iam import requested_permissions

TABLE = "arn:aws:dynamodb:us-east-1:123456789012:table"


def request(body: dict[str, Any] | str, **querystring: list[str]) -> SimpleNamespace:
    return SimpleNamespace(
        body=body if isinstance(body, str) else json.dumps(body),
        region="us-east-1",
        current_account="123456789012",
        querystring=querystring,
    )


def test_a_transaction_is_authorized_item_by_item_on_each_table() -> None:
    body = {
        "TransactItems": [
            {"Put": {"TableName": "t", "Item": {}}},
            {"Update": {"TableName": "t", "Key": {}}},
            {"ConditionCheck": {"TableName": "other", "Key": {}}},
        ]
    }
    assert requested_permissions(request(body), "dynamodb", "TransactWriteItems", "*") == [
        ("PutItem", f"{TABLE}/t"),
        ("UpdateItem", f"{TABLE}/t"),
        ("ConditionCheckItem", f"{TABLE}/other"),
    ]


def test_indexes_streams_and_batches_name_their_resources() -> None:
    query = request({"TableName": "t", "IndexName": "latest"})
    assert requested_permissions(query, "dynamodb", "Query", "*") == [("Query", f"{TABLE}/t/index/latest")]
    stream = f"{TABLE}/t/stream/2026-01-01T00:00:00.000"
    records = request({"ShardIterator": f"{stream}|1|abc"})
    assert requested_permissions(records, "dynamodb", "GetRecords", "*") == [("GetRecords", stream)]
    batch = request({"RequestItems": {"a": [], "b": []}})
    assert requested_permissions(batch, "dynamodb", "BatchWriteItem", "*") == [
        ("BatchWriteItem", f"{TABLE}/a"),
        ("BatchWriteItem", f"{TABLE}/b"),
    ]
    assert requested_permissions(request({}), "dynamodb", "ListStreams", "*") == [("ListStreams", "*")]


def test_other_services_resources_and_sqs_batches() -> None:
    ssm = request({"Name": "/blog-production/django-secret-key", "WithDecryption": True})
    assert requested_permissions(ssm, "ssm", "GetParameter", "*") == [
        ("GetParameter", "arn:aws:ssm:us-east-1:123456789012:parameter/blog-production/django-secret-key")
    ]
    firehose = request({"DeliveryStreamName": "events", "Records": []})
    assert requested_permissions(firehose, "firehose", "PutRecordBatch", "*") == [
        ("PutRecordBatch", "arn:aws:firehose:us-east-1:123456789012:deliverystream/events")
    ]
    queue = "arn:aws:sqs:us-east-1:123456789012:uploads"
    assert requested_permissions(request({"QueueName": "uploads"}), "sqs", "GetQueueUrl", "*") == [
        ("GetQueueUrl", queue)
    ]
    assert requested_permissions(request({}), "sqs", "DeleteMessageBatch", queue) == [
        ("DeleteMessage", queue)
    ]
    # S3 keeps moto's own resource (bucket or object ARN).
    assert requested_permissions(request(""), "s3", "GetObject", "arn:aws:s3:::b/k") == [
        ("GetObject", "arn:aws:s3:::b/k")
    ]
