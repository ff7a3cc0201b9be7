"""cloud.local.moto_speed answers exactly as moto does, only faster.

Runs moto in this process (``mock_aws``), not the session's emulator, so that the same requests
can be answered by moto's own code and by the patched one and the answers compared byte for byte.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws
from moto.core.serialize import BaseJSONSerializer
from moto.dynamodb.models.dynamo_type import Item

from cloud.local import moto_speed

ITEM: dict[str, Any] = {
    "pk": {"S": "A#1"},
    "sk": {"S": "META"},
    "title": {"S": "Héllo"},
    "likes": {"N": "42"},
    "ratio": {"N": "0.5"},
    "flag": {"BOOL": True},
    "nothing": {"NULL": True},
    "tags": {"SS": ["aws", "django"]},
    "scores": {"NS": ["1", "2.5"]},
    "photo": {"B": b"\x00\x01binary"},
    "photos": {"BS": [b"a", b"b"]},
    "meta": {"M": {"author": {"S": "ann"}, "nested": {"M": {"deep": {"N": "7"}}}, "raw": {"B": b"x"}}},
    "parts": {"L": [{"S": "one"}, {"N": "2"}, {"M": {"k": {"S": "v"}}}]},
}
PROJECTIONS = (
    None,
    "title, likes, tags",
    "meta.author, meta.nested.deep, parts[1], parts[2].k",
    "meta, meta.author",
    "photo, photos, meta.raw",
    "absent_attr, title",
)


@pytest.fixture
def dynamodb(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    with mock_aws():
        client = boto3.client("dynamodb", region_name="us-east-1")
        client.create_table(
            TableName="t",
            KeySchema=[
                {"AttributeName": "pk", "KeyType": "HASH"},
                {"AttributeName": "sk", "KeyType": "RANGE"},
            ],
            AttributeDefinitions=[
                {"AttributeName": "pk", "AttributeType": "S"},
                {"AttributeName": "sk", "AttributeType": "S"},
            ],
            BillingMode="PAY_PER_REQUEST",
        )
        client.put_item(TableName="t", Item=ITEM)
        client.put_item(TableName="t", Item={**ITEM, "sk": {"S": "OTHER"}, "likes": {"N": "-3"}})
        yield client


def _answers(client: Any) -> list[str]:
    answers = []
    for projection in PROJECTIONS:
        extra = {"ProjectionExpression": projection} if projection else {}
        get = client.get_item(TableName="t", Key={"pk": ITEM["pk"], "sk": ITEM["sk"]}, **extra)
        query = client.query(
            TableName="t",
            KeyConditionExpression="pk = :p",
            ExpressionAttributeValues={":p": ITEM["pk"]},
            **extra,
        )
        for answer in (get, query):
            answer.pop("ResponseMetadata")
            answers.append(json.dumps(answer, sort_keys=True, default=repr))
    return answers


def test_patched_moto_answers_as_moto_does(dynamodb: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    expected = _answers(dynamodb)
    monkeypatch.setattr(Item, "project", moto_speed.project)
    monkeypatch.setattr(BaseJSONSerializer, "_serialize_type_structure", moto_speed.serialize_structure)
    assert _answers(dynamodb) == expected
    assert len(expected) == 2 * len(PROJECTIONS)
    assert '"B": "b\'\\\\x00\\\\x01binary\'"' in expected[0]  # binary went through moto's own encoding


def test_only_plain_values_skip_the_generic_serializer() -> None:
    assert moto_speed._wire_ready({"M": {"a": {"L": [{"S": "x"}, {"N": "1"}]}}})
    assert not moto_speed._wire_ready({"M": {"a": {"L": [{"B": "eA=="}]}}})
    assert not moto_speed._wire_ready({"BS": ["eA=="]})
    assert not moto_speed._wire_ready({"S": "x", "N": "1"})


def test_what_moto_reads_once_answers_as_moto_reads_it_every_time(monkeypatch: pytest.MonkeyPatch) -> None:
    from moto import backends
    from moto.core import responses
    from moto.dynamodb.responses import DynamoHandler
    from moto.sqs.responses import SQSResponse

    listing, names = list(backends.list_of_moto_modules()), responses.method_names_from_class
    # Every patch install makes, undone when the test ends.
    for owner, attribute in (
        (backends, "list_of_moto_modules"),
        (responses, "method_names_from_class"),
        (Item, "project"),
        (BaseJSONSerializer, "_serialize_type_structure"),
    ):
        monkeypatch.setattr(owner, attribute, getattr(owner, attribute))
    moto_speed.install()
    assert {"dynamodb", "s3", "sqs"} <= set(listing)
    assert list(backends.list_of_moto_modules()) == listing
    assert list(backends.list_of_moto_modules()) == listing  # read again: the same, not exhausted
    assert "query" in names(DynamoHandler)
    for handler in (DynamoHandler, SQSResponse):
        assert responses.method_names_from_class(handler) == names(handler)
