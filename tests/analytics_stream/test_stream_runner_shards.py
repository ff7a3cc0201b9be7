"""Several shards, parents before children: the emulator's stream always has exactly one shard.

So this test alone gives the runner stand-ins for the two clients (DescribeTable, and
DescribeStream / GetShardIterator / GetRecords answering in the shapes AWS documents). The
records go to a handler that only notes their order.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cloud.local.stream_runner import StreamRunner

ARN = "arn:aws:dynamodb:us-east-1:123456789012:table/t/stream/2026-11-23T00:00:00.000"


class Table:
    def describe_table(self, *, TableName: str) -> dict[str, Any]:
        return {"Table": {"TableName": TableName, "LatestStreamArn": ARN}}


class Streams:
    """A parent shard (closed: it ends) and its child (open), listed child first over two pages."""

    def __init__(self) -> None:
        self.records = {
            "parent": [self.record(seq) for seq in (100, 101, 102)],
            "child": [self.record(seq) for seq in (200, 201)],
        }

    @staticmethod
    def record(seq: int) -> dict[str, Any]:
        item = {"pk": {"S": f"RATE#{seq}"}, "sk": {"S": "1"}, "entity": {"S": "rate"}}
        return {
            "eventID": f"id-{seq}",
            "eventName": "INSERT",
            "dynamodb": {"SequenceNumber": str(seq), "Keys": {"pk": item["pk"]}, "NewImage": item},
        }

    def describe_stream(self, *, StreamArn: str, ExclusiveStartShardId: str | None = None) -> dict[str, Any]:
        if ExclusiveStartShardId is None:
            shards = [{"ShardId": "child", "ParentShardId": "parent"}]
            return {
                "StreamDescription": {
                    "StreamArn": StreamArn,
                    "Shards": shards,
                    "LastEvaluatedShardId": "child",
                }
            }
        return {"StreamDescription": {"StreamArn": StreamArn, "Shards": [{"ShardId": "parent"}]}}

    def get_shard_iterator(self, *, StreamArn: str, ShardId: str, ShardIteratorType: str, **_: Any) -> dict:
        assert ShardIteratorType == "TRIM_HORIZON"
        return {"ShardIterator": f"{ShardId}|0"}

    def get_records(self, *, ShardIterator: str, Limit: int) -> dict[str, Any]:
        shard, position = ShardIterator.split("|")
        start = int(position)
        records = self.records[shard][start : start + Limit]
        end = start + len(records)
        closed = shard == "parent" and end == len(self.records[shard])
        return {"Records": records, "NextShardIterator": None if closed else f"{shard}|{end}"}


def test_every_shard_is_read_and_a_parent_before_its_child(local_stack: object, tmp_path: Path) -> None:
    seen: list[str] = []

    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        assert all(r["eventSourceARN"] == ARN for r in event["Records"])
        seen.extend(r["dynamodb"]["SequenceNumber"] for r in event["Records"])
        return {"batchItemFailures": []}

    runner = StreamRunner(table="t", handler=handler, checkpoint_path=tmp_path / "cp.json", batching_window=0)
    runner.ddb, runner.streams = Table(), Streams()
    while runner.poll_once():
        pass
    assert seen == ["100", "101", "102", "200", "201"]
    assert runner.checkpoints.get("t", "parent")["sequence"] == "102"  # type: ignore[index]
    assert runner.checkpoints.get("t", "child")["sequence"] == "201"  # type: ignore[index]
