"""The Firehose batch writer against the emulator's Firehose, with failures injected at the client.

The emulator never fails a PutRecordBatch (no FailedPutCount, no throttling), so ``FlakyFirehose``
wraps the real client: records it is told to fail are not forwarded and come back with an
ErrorCode, as Firehose answers; throttled calls raise ServiceUnavailableException before
anything is sent. Everything else reaches the emulator and lands in the private lake bucket.
"""

from __future__ import annotations

import logging
from typing import Any

import pytest
from botocore.exceptions import ClientError

from analytics.firehose import (
    MAX_BYTES_PER_CALL,
    MAX_RECORD_BYTES,
    MAX_RECORDS_PER_CALL,
    TOO_LARGE,
    BatchWriter,
    Record,
    batches,
    json_line,
)
from cloud import aws

from .conftest import Lake


class FlakyFirehose:
    """The real Firehose client, failing chosen records and calls the way Firehose reports failures."""

    def __init__(self, *, fail_times: dict[str, int] | None = None, throttle_calls: int = 0) -> None:
        self.real = aws.client("firehose")
        self.fail_times = dict(fail_times or {})  # event_id -> how many more times to fail it
        self.throttle_calls = throttle_calls
        self.calls: list[int] = []

    def put_record_batch(self, *, DeliveryStreamName: str, Records: list[dict[str, bytes]]) -> dict[str, Any]:
        self.calls.append(len(Records))
        if self.throttle_calls:
            self.throttle_calls -= 1
            raise ClientError(
                {"Error": {"Code": "ServiceUnavailableException", "Message": "Slow down."}}, "PutRecordBatch"
            )
        results: list[dict[str, str] | None] = []
        forward = []
        for record in Records:
            event_id = record["Data"].split(b'"event_id":"')[1].split(b'"')[0].decode()
            if self.fail_times.get(event_id, 0) > 0:
                self.fail_times[event_id] -= 1
                results.append({"ErrorCode": "ServiceUnavailableException", "ErrorMessage": "Slow down."})
            else:
                results.append(None)
                forward.append(record)
        answer = (
            self.real.put_record_batch(DeliveryStreamName=DeliveryStreamName, Records=forward)
            if forward
            else None
        )
        ids = iter(answer["RequestResponses"] if answer else [])
        responses = [result or next(ids) for result in results]
        return {
            "FailedPutCount": sum(1 for r in results if r),
            "Encrypted": False,
            "RequestResponses": responses,
        }


def records(count: int, *, prefix: str = "e") -> list[Record]:
    return [
        Record(record_id=f"{prefix}{i}", data=json_line({"event_id": f"{prefix}{i}", "n": i}))
        for i in range(count)
    ]


def delivered_ids(lake: Lake) -> list[str]:
    return sorted(event["event_id"] for event in lake.events())


def test_records_are_packed_into_calls_of_500_records() -> None:
    assert [len(b) for b in batches(records(1201))] == [500, 500, 201]
    assert MAX_RECORDS_PER_CALL == 500


def test_records_are_packed_into_calls_of_at_most_4_mib() -> None:
    big = [Record(record_id=str(i), data=b"x" * (MAX_RECORD_BYTES - 1) + b"\n") for i in range(9)]
    packed = list(batches(big))
    assert [len(b) for b in packed] == [4, 4, 1]
    assert all(sum(len(r.data) for r in b) <= MAX_BYTES_PER_CALL for b in packed)


def test_everything_lands_once_and_each_object_holds_json_lines(lake: Lake) -> None:
    writer = BatchWriter(client=aws.client("firehose"), stream_name=lake.stream_name)
    assert writer.put(records(1001)) == []
    assert writer.calls == 3
    assert delivered_ids(lake) == sorted(f"e{i}" for i in range(1001))
    assert len(lake.keys()) == 3  # one object per call in the emulator


def test_partly_failed_calls_retry_only_the_failed_records(lake: Lake) -> None:
    sleeps: list[float] = []
    client = FlakyFirehose(fail_times={"e3": 1, "e7": 2, "e8": 1})
    writer = BatchWriter(client=client, stream_name=lake.stream_name, sleep=sleeps.append, jitter=lambda: 1.0)
    assert writer.put(records(10)) == []
    assert client.calls == [10, 3, 1]
    assert sleeps == [0.1, 0.2]  # exponential backoff (jitter pinned to its ceiling)
    assert delivered_ids(lake) == sorted(f"e{i}" for i in range(10))  # nothing lost, nothing twice


def test_throttled_calls_are_retried(lake: Lake) -> None:
    client = FlakyFirehose(throttle_calls=2)
    writer = BatchWriter(client=client, stream_name=lake.stream_name, sleep=lambda _: None)
    assert writer.put(records(5)) == []
    assert client.calls == [5, 5, 5]
    assert delivered_ids(lake) == [f"e{i}" for i in range(5)]


def test_records_that_keep_failing_are_returned_and_logged(
    lake: Lake, caplog: pytest.LogCaptureFixture
) -> None:
    client = FlakyFirehose(fail_times={"e2": 99})
    writer = BatchWriter(client=client, stream_name=lake.stream_name, sleep=lambda _: None, max_attempts=3)
    with caplog.at_level(logging.ERROR, logger="analytics.firehose"):
        failed = writer.put(records(4))
    assert [(f.record_id, f.error_code) for f in failed] == [("e2", "ServiceUnavailableException")]
    assert client.calls == [4, 1, 1]
    assert delivered_ids(lake) == ["e0", "e1", "e3"]
    assert [
        getattr(r, "record_id", None)
        for r in caplog.records
        if r.getMessage() == "firehose record not delivered"
    ] == ["e2"]


def test_a_refused_call_is_not_retried(local_stack: object) -> None:
    writer = BatchWriter(client=aws.client("firehose"), stream_name="no-such-stream", sleep=lambda _: None)
    failed = writer.put(records(3))
    assert [(f.record_id, f.error_code) for f in failed] == [
        ("e0", "ResourceNotFoundException"),
        ("e1", "ResourceNotFoundException"),
        ("e2", "ResourceNotFoundException"),
    ]
    assert writer.calls == 1


def test_a_record_over_the_limit_fails_alone(lake: Lake, caplog: pytest.LogCaptureFixture) -> None:
    huge = Record(record_id="huge", data=json_line({"event_id": "huge", "pad": "x" * MAX_RECORD_BYTES}))
    writer = BatchWriter(client=aws.client("firehose"), stream_name=lake.stream_name)
    with caplog.at_level(logging.ERROR, logger="analytics.firehose"):
        failed = writer.put([*records(2), huge])
    assert [(f.record_id, f.error_code) for f in failed] == [("huge", TOO_LARGE)]
    assert delivered_ids(lake) == ["e0", "e1"]
    assert any(getattr(r, "record_id", None) == "huge" for r in caplog.records)
