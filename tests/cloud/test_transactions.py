"""The emulator's TransactWriteItems: all or nothing, and a cancelled one leaves the stream alone.

Against the real emulator (cloud.local.moto_server). Every test writes under fresh keys, so the
shared table of the session stays usable by the others; stream records are filtered to those keys.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from botocore.exceptions import ClientError

from cloud import aws
from cloud.local.bootstrap import LocalStack
from cloud.resources import PK, SK


@dataclass(frozen=True)
class Table:
    name: str
    range_key: bool

    def key(self, partition: str, sort: str = "ITEM") -> dict[str, Any]:
        """The item ``sort`` of a test's partition; without a range key, its own hash key."""
        if self.range_key:
            return {PK: {"S": partition}, SK: {"S": sort}}
        return {PK: {"S": f"{partition}#{sort}"}}


@pytest.fixture(scope="module")
def hash_only_table(local_stack: LocalStack) -> Iterator[str]:
    """A table keyed by its hash key alone, streamed like the product's table."""
    dynamodb = aws.client("dynamodb")
    name = f"{aws.names().table}-hash-only-{uuid.uuid4().hex[:8]}"
    dynamodb.create_table(
        TableName=name,
        KeySchema=[{"AttributeName": PK, "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": PK, "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    )
    yield name
    dynamodb.delete_table(TableName=name)


@pytest.fixture(params=["hash+range", "hash-only"])
def table(request: pytest.FixtureRequest, local_stack: LocalStack) -> Table:
    if request.param == "hash-only":
        return Table(request.getfixturevalue("hash_only_table"), range_key=False)
    return Table(aws.names().table, range_key=True)


def _db() -> Any:
    return aws.client("dynamodb")


def _get(table: Table, key: dict[str, Any]) -> dict[str, Any] | None:
    return _db().get_item(TableName=table.name, Key=key, ConsistentRead=True).get("Item")


Reader = Callable[[], list[dict[str, Any]]]


def _stream_reader(table: Table, partition: str) -> Reader:
    """Take a LATEST iterator now; return a function that reads on from it (this test's keys only)."""
    streams = aws.client("dynamodbstreams")
    arn = _db().describe_table(TableName=table.name)["Table"]["LatestStreamArn"]
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    iterator = [
        streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType="LATEST")["ShardIterator"]
    ]

    def read() -> list[dict[str, Any]]:
        answer = streams.get_records(ShardIterator=iterator[0])
        iterator[0] = answer["NextShardIterator"]
        return [r for r in answer["Records"] if r["dynamodb"]["Keys"][PK]["S"].startswith(partition)]

    return read


def _put(table: Table, partition: str, sort: str = "ITEM", **attrs: Any) -> dict[str, Any]:
    item = {**table.key(partition, sort), **attrs}
    return {"Put": {"TableName": table.name, "Item": item}}


def _cancel_reasons(error: ClientError) -> list[str]:
    return [reason["Code"] for reason in error.response["CancellationReasons"]]


def test_cancelled_transaction_changes_nothing(table: Table) -> None:
    partition = uuid.uuid4().hex
    counter, existing, doomed = (table.key(partition, sort) for sort in ("ARTICLE", "LIKE#a", "LIKE#d"))
    created, upserted = table.key(partition, "LIKE#b"), table.key(partition, "NEW")
    _db().put_item(TableName=table.name, Item={**counter, "like_count": {"N": "0"}})
    _db().put_item(TableName=table.name, Item={**existing, "who": {"S": "a"}})
    _db().put_item(TableName=table.name, Item={**doomed, "who": {"S": "d"}})
    read = _stream_reader(table, partition)
    before = [_get(table, key) for key in (counter, existing, doomed)]

    # moto applies each write before it checks the next condition: all four must be undone.
    with pytest.raises(ClientError) as raised:
        _db().transact_write_items(
            TransactItems=[
                {
                    "Update": {
                        "TableName": table.name,
                        "Key": counter,
                        "UpdateExpression": "ADD like_count :one",
                        "ExpressionAttributeValues": {":one": {"N": "1"}},
                    }
                },
                {"Put": {"TableName": table.name, "Item": {**created, "who": {"S": "b"}}}},
                {"Delete": {"TableName": table.name, "Key": doomed}},
                {
                    "Update": {  # creates the item
                        "TableName": table.name,
                        "Key": upserted,
                        "UpdateExpression": "SET who = :n",
                        "ExpressionAttributeValues": {":n": {"S": "n"}},
                    }
                },
                {
                    "Put": {
                        "TableName": table.name,
                        "Item": {**existing, "who": {"S": "again"}},
                        "ConditionExpression": "attribute_not_exists(#pk)",
                        "ExpressionAttributeNames": {"#pk": PK},
                        "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
                    }
                },
            ]
        )
    assert raised.value.response["Error"]["Code"] == "TransactionCanceledException"
    reasons = raised.value.response["CancellationReasons"]
    assert [reason["Code"] for reason in reasons] == [
        "None",
        "None",
        "None",
        "None",
        "ConditionalCheckFailed",
    ]
    assert reasons[4]["Item"] == {**existing, "who": {"S": "a"}}

    after = [_get(table, key) for key in (counter, existing, doomed)]
    assert after == before
    assert (after[0] or {}).get("like_count") == {"N": "0"}
    assert _get(table, created) is None
    assert _get(table, upserted) is None
    assert read() == []


def test_cancelled_transaction_writes_no_stream_record(table: Table) -> None:
    partition = uuid.uuid4().hex
    _db().put_item(TableName=table.name, Item=table.key(partition, "LIKE#a"))
    read = _stream_reader(table, partition)
    with pytest.raises(ClientError) as raised:
        _db().transact_write_items(
            TransactItems=[
                _put(table, partition, "ARTICLE", like_count={"N": "1"}),
                {
                    "ConditionCheck": {
                        "TableName": table.name,
                        "Key": table.key(partition, "LIKE#a"),
                        "ConditionExpression": "attribute_not_exists(#pk)",
                        "ExpressionAttributeNames": {"#pk": PK},
                    }
                },
            ]
        )
    assert _cancel_reasons(raised.value) == ["None", "ConditionalCheckFailed"]
    assert "Item" not in raised.value.response["CancellationReasons"][1]  # not asked for: ALL_OLD
    assert read() == []


def test_successful_transaction_writes_items_and_stream_records(table: Table) -> None:
    partition = uuid.uuid4().hex
    counter, like_key = table.key(partition, "ARTICLE"), table.key(partition, "LIKE#v")
    _db().put_item(TableName=table.name, Item={**counter, "like_count": {"N": "0"}})
    read = _stream_reader(table, partition)
    like = {**like_key, "who": {"S": "v"}}
    _db().transact_write_items(
        TransactItems=[
            {
                "Put": {
                    "TableName": table.name,
                    "Item": like,
                    "ConditionExpression": "attribute_not_exists(#pk)",
                    "ExpressionAttributeNames": {"#pk": PK},
                }
            },
            {
                "Update": {
                    "TableName": table.name,
                    "Key": counter,
                    "UpdateExpression": "ADD like_count :one",
                    "ConditionExpression": "attribute_exists(#pk)",
                    "ExpressionAttributeNames": {"#pk": PK},
                    "ExpressionAttributeValues": {":one": {"N": "1"}},
                }
            },
        ]
    )
    assert _get(table, like_key) == like
    assert (_get(table, counter) or {}).get("like_count") == {"N": "1"}
    records = read()
    assert [r["eventName"] for r in records] == ["INSERT", "MODIFY"]
    assert records[0]["dynamodb"]["NewImage"] == like
    assert records[1]["dynamodb"]["OldImage"]["like_count"] == {"N": "0"}
    assert records[1]["dynamodb"]["NewImage"]["like_count"] == {"N": "1"}


def test_stream_iterator_survives_a_cancelled_transaction(table: Table) -> None:
    """An iterator (the stream runner holds one for hours) still sees writes after a cancellation."""
    partition = uuid.uuid4().hex
    _db().put_item(TableName=table.name, Item=table.key(partition))
    read = _stream_reader(table, partition)
    assert read() == []
    with pytest.raises(ClientError) as raised:  # a duplicate like, say
        _db().transact_write_items(
            TransactItems=[
                {
                    "Put": {
                        "TableName": table.name,
                        "Item": table.key(partition),
                        "ConditionExpression": "attribute_not_exists(#pk)",
                        "ExpressionAttributeNames": {"#pk": PK},
                    }
                }
            ]
        )
    assert _cancel_reasons(raised.value) == ["ConditionalCheckFailed"]
    _db().put_item(TableName=table.name, Item={**table.key(partition), "after": {"S": "yes"}})
    records = read()
    assert [r["eventName"] for r in records] == ["MODIFY"]
    assert records[0]["dynamodb"]["NewImage"]["after"] == {"S": "yes"}


def test_two_operations_on_one_item_are_refused(table: Table) -> None:
    partition = uuid.uuid4().hex
    read = _stream_reader(table, partition)
    with pytest.raises(ClientError) as raised:
        _db().transact_write_items(
            TransactItems=[
                _put(table, partition, like_count={"N": "1"}),
                {"Delete": {"TableName": table.name, "Key": table.key(partition)}},
            ]
        )
    assert raised.value.response["Error"]["Code"] == "ValidationException"
    assert "multiple operations on one item" in raised.value.response["Error"]["Message"]
    assert _get(table, table.key(partition)) is None  # the first Put, applied before the check, is undone
    assert read() == []
