"""The emulator's state survives a restart: the recording is compacted and replayed."""

import json
from pathlib import Path

import boto3

from cloud.local import emulator


def entry(method: str, target: str | None = None) -> dict:
    headers = {"X-Amz-Target": target} if target else {}
    return {"method": method, "url": "http://x/", "headers": headers, "body": ""}


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
    assert emulator.compact_recording(recording) == 1
    assert json.loads(recording.read_text())["method"] == "PUT"


def test_state_survives_a_restart(tmp_path: Path) -> None:
    recording = tmp_path / "rec.jsonl"
    port = emulator.free_port()
    s3 = boto3.client(
        "s3",
        endpoint_url=f"http://127.0.0.1:{port}",
        region_name="us-east-1",
        aws_access_key_id="x",
        aws_secret_access_key="x",
    )
    process = emulator.start(port, recording=recording)
    try:
        s3.create_bucket(Bucket="kept")
        s3.put_object(Bucket="kept", Key="a/b c.bin", Body=b"\x00\x01binary")
        s3.get_object(Bucket="kept", Key="a/b c.bin")
    finally:
        process.terminate()
        process.wait()
    process = emulator.start(port, recording=recording)
    try:
        assert s3.get_object(Bucket="kept", Key="a/b c.bin")["Body"].read() == b"\x00\x01binary"
    finally:
        process.terminate()
        process.wait()
