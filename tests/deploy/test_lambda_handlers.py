"""The Lambda entry point's routing and secret loading (the packaged run covers the whole path)."""

from __future__ import annotations

import gc
import uuid

import pytest

from cloud import aws
from cloud import lambda_handlers as entry
from cloud.local.bootstrap import LocalStack
from cloud.sqs import queue_of_arn
from common import coldstart


def test_names_are_read_from_stream_and_queue_arns() -> None:
    arn = "arn:aws:dynamodb:us-east-1:123456789012:table/blog-test-table/stream/2026-11-23T09:00:00.000"
    assert entry.table_of_stream_arn(arn) == "blog-test-table"
    assert entry.table_of_stream_arn("arn:aws:dynamodb:us-east-1:1:table/blog-test-table") is None
    assert queue_of_arn("arn:aws:sqs:us-east-1:123456789012:blog-test-uploads") == "blog-test-uploads"
    assert queue_of_arn("arn:aws:sns:us-east-1:123456789012:blog-test-uploads") is None


def test_records_are_routed_by_resource_name_and_the_rest_goes_to_zappa() -> None:
    names = aws.names()
    stream = {
        "Records": [
            {
                "eventSource": "aws:dynamodb",
                "eventSourceARN": f"arn:aws:dynamodb:us-east-1:1:table/{names.table}/stream/2026-01-01T00:00",
            }
        ]
    }
    uploads = {
        "Records": [
            {"eventSource": "aws:sqs", "eventSourceARN": f"arn:aws:sqs:us-east-1:1:{names.upload_queue}"}
        ]
    }
    other_table = {
        "Records": [
            {"eventSource": "aws:dynamodb", "eventSourceARN": "arn:aws:dynamodb:us-east-1:1:table/x/stream/y"}
        ]
    }
    assert entry.route_of(stream) is entry.stream_batch_handle
    assert entry.route_of(uploads) is entry.upload_batch_handle
    assert entry.route_of(other_table) is None
    assert entry.route_of({"httpMethod": "GET", "path": "/"}) is None
    assert entry.route_of({"Records": []}) is None
    assert entry.route_of({"detail-type": "Scheduled Event"}) is None


def test_record_batches_are_handled_without_building_zappas_wsgi_app(
    local_stack: LocalStack, monkeypatch: pytest.MonkeyPatch
) -> None:
    import zappa.handler

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a record batch built Zappa's handler (and Django's WSGI app)")

    monkeypatch.setattr(zappa.handler.LambdaHandler, "__new__", refuse)
    table = aws.names().table
    event = {
        "Records": [
            {
                "eventID": "not-analytics",
                "eventName": "INSERT",
                "eventSource": "aws:dynamodb",
                "eventSourceARN": f"arn:aws:dynamodb:us-east-1:1:table/{table}/stream/2026-01-01T00:00",
                "dynamodb": {
                    "SequenceNumber": "1",
                    "NewImage": {"entity": {"S": "slug"}, "pk": {"S": "SLUG#x"}, "sk": {"S": "SLUG"}},
                },
            }
        ]
    }
    assert entry.lambda_handler(event, None) == {"batchItemFailures": []}
    with pytest.raises(AssertionError, match="built Zappa's handler"):
        entry.lambda_handler({"httpMethod": "GET", "path": "/"}, None)


def test_the_first_invocation_of_any_kind_ends_start_up(local_stack: LocalStack) -> None:
    coldstart.collect_as_usual()  # this test process started when it imported the entry point
    usual = gc.get_threshold()
    coldstart.collect_rarely()  # as a fresh container's import of the entry point does
    batch = {
        "Records": [
            {
                "eventID": "not-analytics",
                "eventName": "INSERT",
                "eventSource": "aws:dynamodb",
                "eventSourceARN": f"arn:aws:dynamodb:us-east-1:1:table/{aws.names().table}/stream/x",
                "dynamodb": {"SequenceNumber": "1", "NewImage": {"pk": {"S": "SLUG#x"}, "sk": {"S": "SLUG"}}},
            }
        ]
    }
    try:
        assert gc.get_threshold()[0] == usual[0] * coldstart.STARTUP_FACTOR
        entry.lambda_handler(batch, None)  # a stream batch: no Django response is ever sent
        assert gc.get_threshold() == usual
    finally:
        gc.set_threshold(*usual)
        gc.unfreeze()


def test_secrets_come_from_ssm_only_when_unset(local_stack: LocalStack) -> None:
    parameter = f"/blog-test/{uuid.uuid4().hex}/django-secret-key"
    aws.client("ssm").put_parameter(Name=parameter, Value="from-ssm", Type="SecureString")
    environ = {"DJANGO_SECRET_KEY_PARAMETER": parameter}
    assert entry.load_secrets(environ) == ["DJANGO_SECRET_KEY"]
    assert environ["DJANGO_SECRET_KEY"] == "from-ssm"
    already = {"DJANGO_SECRET_KEY_PARAMETER": parameter, "DJANGO_SECRET_KEY": "set"}
    assert entry.load_secrets(already) == []
    assert already["DJANGO_SECRET_KEY"] == "set"
    assert entry.load_secrets({}) == []


def test_after_a_partial_failure_only_the_failed_upload_messages_stay_in_the_queue(
    local_stack: LocalStack,
) -> None:
    sqs = aws.client("sqs")
    name = f"uploads-{uuid.uuid4().hex[:12]}"
    url = sqs.create_queue(QueueName=name, Attributes={"VisibilityTimeout": "300"})["QueueUrl"]
    for body in ("ok-1", "poison", "ok-2"):
        sqs.send_message(QueueUrl=url, MessageBody=body)
    received = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    assert len(received) == 3
    records = [
        {
            "messageId": m["MessageId"],
            "receiptHandle": m["ReceiptHandle"],
            "body": m["Body"],
            "eventSource": "aws:sqs",
            "eventSourceARN": f"arn:aws:sqs:us-east-1:123456789012:{name}",
        }
        for m in received
    ]
    poison = next(r["messageId"] for r in records if r["body"] == "poison")
    assert entry.sqs_delete_succeeded(records, failures=[{"itemIdentifier": poison}]) == 2
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert attributes["ApproximateNumberOfMessagesNotVisible"] == "1"  # the poison message, in flight
    assert attributes["ApproximateNumberOfMessages"] == "0"
    assert (
        entry.sqs_delete_succeeded(records[:1], failures=[{"itemIdentifier": records[0]["messageId"]}]) == 0
    )
