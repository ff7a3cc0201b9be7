"""The emulator's state survives a restart: the recording is written safely, repaired, compacted, replayed."""

from __future__ import annotations

import datetime
import json
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import boto3
import pytest

from cloud.local import emulator, moto_recording


def entry(method: str, target: str | None = None) -> dict:
    headers = {"X-Amz-Target": target} if target else {}
    return {"method": method, "url": "http://x/", "headers": headers, "body": ""}


def client(service: str, port: int) -> Any:
    return boto3.client(  # type: ignore[call-overload]
        service,
        endpoint_url=f"http://127.0.0.1:{port}",
        region_name="us-east-1",
        aws_access_key_id="x",
        aws_secret_access_key="x",
    )


@contextmanager
def running(port: int, recording: Path, **env: str) -> Iterator[None]:
    """Run a recording emulator on ``port`` (with ``env`` set for it) until the block ends."""
    saved = {name: os.environ.get(name) for name in env}
    os.environ.update(env)
    try:
        process = emulator.start(port, recording=recording)
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    try:
        yield
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_reads_are_not_replayed() -> None:
    assert not emulator.is_state_changing(entry("GET"))
    assert not emulator.is_state_changing(entry("POST", "DynamoDB_20120810.Query"))
    assert not emulator.is_state_changing(entry("POST", "DynamoDBStreams_20120810.GetRecords"))
    assert not emulator.is_state_changing(entry("POST", "AmazonSQS.ReceiveMessage"))
    assert emulator.is_state_changing(entry("POST", "DynamoDB_20120810.TransactWriteItems"))
    assert emulator.is_state_changing(entry("PUT"))  # an S3 upload
    assert emulator.is_state_changing(entry("POST"))  # a presigned POST upload


def test_compaction_keeps_only_writes(tmp_path: Path) -> None:
    recording = tmp_path / "rec.jsonl"
    recording.write_text("\n".join(json.dumps(e) for e in [entry("GET"), entry("PUT"), entry("HEAD")]) + "\n")
    repair = emulator.compact_recording(recording)
    assert (repair.kept, repair.dropped_lines, repair.dropped_to) == (1, 0, None)
    assert json.loads(recording.read_text())["method"] == "PUT"


def test_compaction_keeps_what_is_whole_and_sets_the_rest_aside(tmp_path: Path) -> None:
    """Two entries on one line (the old recorder's interleaving) are both whole; a torn tail is not."""
    recording = tmp_path / "rec.jsonl"
    put, post = entry("PUT"), entry("POST")
    torn = json.dumps(entry("DELETE"))[:20]
    recording.write_text(f"{json.dumps(put)}{json.dumps(post)}\n\n{json.dumps(put)}\n{torn}")
    repair = emulator.compact_recording(recording)
    assert (repair.kept, repair.dropped_lines) == (3, 1)
    methods = [json.loads(line)["method"] for line in recording.read_text().splitlines()]
    assert methods == ["PUT", "POST", "PUT"]
    assert repair.dropped_to is not None
    assert repair.dropped_to.read_text() == f"{torn}\n"


def test_state_survives_a_restart(tmp_path: Path) -> None:
    recording = tmp_path / "rec.jsonl"
    port = emulator.free_port()
    s3 = client("s3", port)
    with running(port, recording):
        s3.create_bucket(Bucket="kept")
        s3.put_object(Bucket="kept", Key="a/b c.bin", Body=b"\x00\x01binary")
        s3.get_object(Bucket="kept", Key="a/b c.bin")
    with running(port, recording):
        assert s3.get_object(Bucket="kept", Key="a/b c.bin")["Body"].read() == b"\x00\x01binary"


def test_concurrent_large_uploads_keep_the_recording_whole(tmp_path: Path) -> None:
    """moto wrote an entry and its newline in two unlocked writes: 8 threads of 1 MB uploads mixed lines."""
    recording = tmp_path / "rec.jsonl"
    port = emulator.free_port()
    s3 = client("s3", port)
    threads, per_thread = 8, 8
    body = os.urandom(1024 * 1024)
    with running(port, recording):
        s3.create_bucket(Bucket="uploads")

        def upload(thread: int) -> None:
            for n in range(per_thread):
                s3.put_object(Bucket="uploads", Key=f"{thread}/{n}", Body=body)

        workers = [threading.Thread(target=upload, args=(t,)) for t in range(threads)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
    _, damaged = emulator.read_recording(recording)
    assert damaged == []
    assert all(line.startswith("{") for line in recording.read_text().splitlines())
    with running(port, recording):
        keys = [o["Key"] for o in s3.list_objects_v2(Bucket="uploads", MaxKeys=1000)["Contents"]]
        assert len(keys) == threads * per_thread
        assert s3.get_object(Bucket="uploads", Key="7/7")["Body"].read() == body


def test_a_start_survives_a_torn_last_line(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    """A kill during a write leaves half a line: the start keeps the rest and says what it dropped."""
    recording = tmp_path / "rec.jsonl"
    port = emulator.free_port()
    s3 = client("s3", port)
    with running(port, recording):
        s3.create_bucket(Bucket="torn")
        s3.put_object(Bucket="torn", Key="whole", Body=b"kept")
        s3.put_object(Bucket="torn", Key="half", Body=b"x" * 100_000)
    lines = recording.read_bytes().splitlines(keepends=True)
    recording.write_bytes(b"".join(lines[:-1]) + lines[-1][: len(lines[-1]) // 2])  # the kill, mid-write

    with running(port, recording):
        assert s3.get_object(Bucket="torn", Key="whole")["Body"].read() == b"kept"
        keys = [o["Key"] for o in s3.list_objects_v2(Bucket="torn")["Contents"]]
        assert keys == ["whole"]
        s3.put_object(Bucket="torn", Key="after", Body=b"new")
    assert "1 damaged line(s)" in capfd.readouterr().err
    assert len(list(tmp_path.glob("rec.jsonl.dropped-*"))) == 1
    with running(port, recording):  # and what came after the repair is recorded whole
        assert s3.get_object(Bucket="torn", Key="after")["Body"].read() == b"new"


def lake_days(port: int) -> list[str]:
    objects = client("s3", port).list_objects_v2(Bucket="days-lake").get("Contents", [])
    return sorted({"-".join(o["Key"].split("/")[1:4]) for o in objects})


def test_the_lake_keeps_past_days_across_restarts(tmp_path: Path) -> None:
    """The replay re-sends Firehose batches; each lands on the day it was first sent, not the restart's."""
    recording = tmp_path / "rec.jsonl"
    port = emulator.free_port()
    today = datetime.datetime.now(datetime.UTC).date()
    days_ago = [today - datetime.timedelta(days=n) for n in (9, 3)]
    for day in days_ago:
        offset = (today - day).days * 86_400
        with running(port, recording, **{moto_recording.CLOCK_OFFSET_ENV: str(-offset)}):
            if day == days_ago[0]:
                client("s3", port).create_bucket(Bucket="days-lake")
                client("firehose", port).create_delivery_stream(
                    DeliveryStreamName="days",
                    ExtendedS3DestinationConfiguration={
                        "RoleARN": "arn:aws:iam::123456789012:role/firehose",
                        "BucketARN": "arn:aws:s3:::days-lake",
                        "Prefix": "events/",
                    },
                )
            client("firehose", port).put_record_batch(
                DeliveryStreamName="days", Records=[{"Data": f'{{"day": "{day}"}}\n'.encode()}]
            )
    expected = [day.isoformat() for day in days_ago]
    for _restart in range(2):
        with running(port, recording):
            assert lake_days(port) == expected
