"""cloud.local.moto_speed answers exactly as moto does, only faster.

Runs moto in this process (``mock_aws``), not the session's emulator, so that the same requests
can be answered by moto's own code and by the patched one and the answers compared byte for byte.
"""

from __future__ import annotations

import copy
import itertools
import json
from collections.abc import Callable
from typing import Any

import boto3
import pytest
from moto import mock_aws
from moto.core.serialize import BaseJSONSerializer
from moto.dynamodb.exceptions import ItemSizeTooLarge
from moto.dynamodb.models.dynamo_type import DynamoType, Item

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


GSI: dict[str, Any] = {
    "all": {"ProjectionType": "ALL"},
    "some": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["title", "meta", "photo"]},
    "keys": {"ProjectionType": "KEYS_ONLY"},
}


@pytest.fixture(autouse=True)
def in_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)


def _answers_from_new_table() -> list[str]:
    with mock_aws():
        client = boto3.client("dynamodb", region_name="us-east-1")
        client.create_table(
            TableName="t",
            KeySchema=[
                {"AttributeName": "pk", "KeyType": "HASH"},
                {"AttributeName": "sk", "KeyType": "RANGE"},
            ],
            AttributeDefinitions=[
                {"AttributeName": a, "AttributeType": "S"} for a in ("pk", "sk", "gpk", "gsk")
            ],
            GlobalSecondaryIndexes=[
                {
                    "IndexName": name,
                    "KeySchema": [
                        {"AttributeName": "gpk", "KeyType": "HASH"},
                        {"AttributeName": "gsk", "KeyType": "RANGE"},
                    ],
                    "Projection": projection,
                }
                for name, projection in GSI.items()
            ],
            BillingMode="PAY_PER_REQUEST",
        )
        client.put_item(TableName="t", Item=ITEM)
        client.put_item(TableName="t", Item={**ITEM, "sk": {"S": "OTHER"}, "likes": {"N": "-3"}})
        for i in range(7):  # the blog's home page: a GSI partition, paged newest first, some expired
            client.put_item(
                TableName="t",
                Item={
                    **ITEM,
                    "pk": {"S": f"A#{i + 2}"},
                    "gpk": {"S": "LATEST"},
                    "gsk": {"S": f"2024-0{i % 3 + 1}-0{i}"},
                    "ttl": {"N": str(100 + 10 * i)},
                    "body": {"S": "Ünïcode body. " * 40 * i},
                },
            )
        return _answers(client)


def _answer(answer: dict[str, Any]) -> str:
    answer.pop("ResponseMetadata")
    return json.dumps(answer, sort_keys=True, default=repr, ensure_ascii=False)


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
        scan = client.scan(TableName="t", **extra)
        answers += [_answer(get), _answer(query), _answer(scan)]
    for index, projection, capacity, ttl in itertools.product(
        ("all", "some", "keys"), PROJECTIONS[:3], ("NONE", "TOTAL", "INDEXES"), (None, 125)
    ):
        request: dict[str, Any] = {
            "TableName": "t",
            "IndexName": index,
            "KeyConditionExpression": "gpk = :p AND gsk <= :upto",
            "ExpressionAttributeValues": {":p": {"S": "LATEST"}, ":upto": {"S": "2024-03"}},
            "ScanIndexForward": False,
            "Limit": 2,
            "ReturnConsumedCapacity": capacity,
        }
        if projection and index == "all":  # the other indexes do not hold every attribute projected
            request["ProjectionExpression"] = projection
        if ttl:
            request["FilterExpression"] = "#ttl > :now"
            request["ExpressionAttributeNames"] = {"#ttl": "ttl"}
            request["ExpressionAttributeValues"][":now"] = {"N": str(ttl)}
        while True:  # every page, through LastEvaluatedKey
            page = client.query(**request)
            answers.append(_answer(page))
            if "LastEvaluatedKey" not in page:
                break
            request["ExclusiveStartKey"] = page["LastEvaluatedKey"]
    # Writes that copy items (the old values returned) and read them back.
    key = {"pk": ITEM["pk"], "sk": ITEM["sk"]}
    update = client.update_item(
        TableName="t",
        Key=key,
        UpdateExpression="SET meta.nested.deep = :n, parts[0] = :s ADD tags :t",
        ExpressionAttributeValues={":n": {"N": "8"}, ":s": {"S": "uno"}, ":t": {"SS": ["new"]}},
        ReturnValues="ALL_OLD",
    )
    answers.append(_answer(update))
    answers.append(_answer(client.get_item(TableName="t", Key=key)))
    answers.append(_answer(client.batch_get_item(RequestItems={"t": {"Keys": [key]}})))
    return answers


@pytest.fixture
def patched(monkeypatch: pytest.MonkeyPatch) -> Callable[[], None]:
    """``moto_speed.install``, every patch it makes undone when the test ends."""
    from moto import backends
    from moto.core import responses
    from moto.dynamodb import responses as dynamodb_responses
    from moto.dynamodb.models import utilities

    for owner, attribute in (
        (backends, "list_of_moto_modules"),
        (responses, "method_names_from_class"),
        (Item, "project"),
        (Item, "__deepcopy__"),
        (DynamoType, "__deepcopy__"),
        (DynamoType, "size"),
        (utilities, "dynamo_to_dict"),
        (dynamodb_responses, "dynamo_to_dict"),
        (BaseJSONSerializer, "_serialize_type_structure"),
    ):
        monkeypatch.setattr(owner, attribute, getattr(owner, attribute))
    return moto_speed.install


def test_patched_moto_answers_as_moto_does(patched: Callable[[], None]) -> None:
    expected = _answers_from_new_table()
    patched()
    assert Item.__deepcopy__ is moto_speed.copy_item  # the patches are in place
    assert _answers_from_new_table() == expected
    assert '"B": "b\'\\\\x00\\\\x01binary\'"' in expected[0]  # binary went through moto's own encoding
    assert any('"Ünïcode body. Ünïcode' in answer for answer in expected)  # whole bodies, unprojected
    assert any('"LastEvaluatedKey"' in answer for answer in expected)
    assert any('"CapacityUnits"' in answer for answer in expected)
    assert len({answer for answer in expected if '"Count": 0' not in answer}) > 50


def test_only_plain_values_skip_the_generic_serializer() -> None:
    assert moto_speed._wire_ready({"M": {"a": {"L": [{"S": "x"}, {"N": "1"}]}}})
    assert not moto_speed._wire_ready({"M": {"a": {"L": [{"B": "eA=="}]}}})
    assert not moto_speed._wire_ready({"BS": ["eA=="]})
    assert not moto_speed._wire_ready({"S": "x", "N": "1"})


def test_what_moto_reads_once_answers_as_moto_reads_it_every_time(patched: Callable[[], None]) -> None:
    from moto import backends
    from moto.core import responses
    from moto.dynamodb.responses import DynamoHandler
    from moto.sqs.responses import SQSResponse

    listing, names = list(backends.list_of_moto_modules()), responses.method_names_from_class
    patched()
    assert {"dynamodb", "s3", "sqs"} <= set(listing)
    assert list(backends.list_of_moto_modules()) == listing
    assert list(backends.list_of_moto_modules()) == listing  # read again: the same, not exhausted
    assert "query" in names(DynamoHandler)
    for handler in (DynamoHandler, SQSResponse):
        assert responses.method_names_from_class(handler) == names(handler)


VALUES = [*ITEM.values(), {"S": "Ünïcode ✓"}, {"S": ""}, {"N": "-1.5E+3"}, {"BOOL": False}]
VALUES += [{"L": []}, {"M": {}}]


def _nodes(value: Any) -> list[Any]:
    """A value and every DynamoType, list, dict and leaf it holds."""
    if isinstance(value, DynamoType):
        return [value, *_nodes(value.value)]
    held = value.values() if isinstance(value, dict) else value if isinstance(value, list) else []
    return [value, *(node for v in held for node in _nodes(v))]


def test_deep_copies_are_moto_s_deep_copies(patched: Callable[[], None]) -> None:
    item = Item(hash_key=DynamoType(ITEM["pk"]), range_key=DynamoType(ITEM["sk"]), attrs=ITEM)
    shared = item.attrs["meta"]
    item.attrs["again"] = shared  # one value held twice: copied once, as copy.deepcopy does
    expected = copy.deepcopy([item, item])
    patched()
    copied = copy.deepcopy([item, item])
    assert copied[0] is copied[1]
    assert expected[0] is expected[1]
    assert copied[0].attrs["again"] is copied[0].attrs["meta"] is not shared
    assert type(copied[0].attrs) is type(expected[0].attrs)
    for mine, moto_s in ((copied[0].hash_key, expected[0].hash_key), (copied[0].attrs, expected[0].attrs)):
        assert repr(mine) == repr(moto_s)
        assert [type(n) for n in _nodes(mine)] == [type(n) for n in _nodes(moto_s)]
    # Nothing is shared with the original but what cannot change (strings, numbers, bytes).
    originals = {id(n) for n in _nodes(item.attrs) if isinstance(n, DynamoType | list | dict)}
    assert not [n for n in _nodes(copied[0].attrs) if id(n) in originals]


def test_sizes_are_moto_s_sizes(patched: Callable[[], None]) -> None:
    values = [DynamoType(value) for value in VALUES]
    expected = [value.size() for value in values]
    patched()
    assert DynamoType.size is moto_speed.size
    assert [value.size() for value in values] == expected
    assert expected[VALUES.index({"S": "Ünïcode ✓"})] == len("Ünïcode ✓".encode())


@pytest.mark.parametrize("over", [0, 1])
def test_projected_items_are_limited_in_size_as_moto_limits_them(over: int) -> None:
    attrs = {"a": {"S": "x" * 200_000}, "b": {"S": "y" * (405_000 - 200_002 + over)}}
    key = DynamoType({"S": "k"})
    try:
        expected: Any = Item(hash_key=key, range_key=None, attrs=attrs).attrs
    except ItemSizeTooLarge as error:
        expected = type(error)
    try:
        mine: Any = moto_speed._limited_item(key, None, attrs).attrs
    except ItemSizeTooLarge as error:
        mine = type(error)
    assert mine == expected
    assert (expected is ItemSizeTooLarge) == bool(over)


def test_response_values_are_moto_s(patched: Callable[[], None]) -> None:
    from moto.dynamodb.models import utilities

    item = Item(
        hash_key=DynamoType(ITEM["pk"]), range_key=None, attrs={f"a{i}": v for i, v in enumerate(VALUES)}
    )
    result = {"Items": [item.attrs], "Count": 1, "LastEvaluatedKey": {"pk": ITEM["pk"]}, "Item": item}
    expected = utilities.dynamo_to_dict(result)
    patched()
    assert utilities.dynamo_to_dict is moto_speed.dynamo_to_dict
    assert repr(utilities.dynamo_to_dict(result)) == repr(expected)
