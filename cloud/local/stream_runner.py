"""Imitate Lambda's DynamoDB-stream event-source mapping against the local emulator.

``python -m cloud.local.stream_runner`` (started by ``make run``) reads every shard of the table's
stream and calls ``analytics.stream_handler.handle`` with Lambda-shaped events, as the mapping in
infra/ does in AWS, and no more:

- batches of up to ``BATCH_SIZE`` records, waiting up to ``BATCHING_WINDOW_SECONDS`` to fill one;
- the partial batch response: records before the reported sequence number are done, the batch is
  invoked again from it; a raised exception fails the whole batch;
- after ``MAX_RETRY_ATTEMPTS`` retries the failed part of the batch is described (Lambda's
  on-failure record, ``DDBStreamBatchInfo``) in a message to the stream DLQ queue, and the runner
  moves on;
- a child shard is read only after its parent is finished (a shard's records stay in order);
- checkpoints: after each batch the last record done is written to a JSON file
  (``.local/stream-checkpoint.json``), keyed by table name and shard id, so a restart resumes
  after it: nothing is lost, nothing is sent twice.

Restarts and the emulator's replay. ``make run`` restores the emulator by replaying the recorded
write requests into a fresh moto (cloud/local/emulator.py). moto then recreates the table and its
stream: the stream ARN and label change (the label is the replay time), but the shard id is a
constant and the sequence numbers are positions (a fixed start + 0, 1, 2...), so the replayed
writes produce the same records at the same sequence numbers; only ``eventID`` and
``ApproximateCreationDateTime`` are drawn afresh. The checkpoint therefore keys by table + shard id
(not by stream ARN) and also keeps a fingerprint of the last record done (event name, keys and
images: what the replay reproduces). On start the runner reads the record at the checkpoint:

- same fingerprint (the normal case, replay or not): resume right after it;
- another record there (the history changed, e.g. a replayed write failed this time): warn and
  resume after the same position;
- no record there (the shard is shorter than it was): warn and start at the shard's end (LATEST),
  so new changes are not held back behind positions that will never be refilled;
- the position is no longer readable (AWS trimmed it after 24 h): read from the oldest record and
  skip those at or before the checkpoint.

A new stream with new shards (the stream was turned off and on) has no checkpoints: it is read from
the start (StartingPosition TRIM_HORIZON, as the mapping in infra/; LATEST can be asked for).
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import os
import signal
import sys
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from cloud import aws

logger = logging.getLogger("cloud.local.stream_runner")

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_CHECKPOINT = ROOT / ".local" / "stream-checkpoint.json"

BATCH_SIZE = 100  # the mapping's BatchSize (Lambda's default for DynamoDB streams)
BATCHING_WINDOW_SECONDS = 1.0  # MaximumBatchingWindowInSeconds: a fuller batch, fewer Firehose calls
MAX_RETRY_ATTEMPTS = 3  # MaximumRetryAttempts: then the batch's description goes to the DLQ
RETRY_DELAY_SECONDS = 1.0  # between retries of a failed batch
IDLE_POLL_SECONDS = 1.0  # an idle shard is polled once a second (the recorder logs every poll)
SHARD_REFRESH_SECONDS = 10.0  # new shards (AWS splits them every few hours) are found this often
ERROR_BACKOFF_SECONDS = 2.0  # the emulator is down or restarting

Handler = Callable[[dict[str, Any], Any], Any]


@dataclass(frozen=True)
class LocalContext:
    """The bits of Lambda's context object a handler may read."""

    function_name: str = "stream-handler-local"
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))

    def get_remaining_time_in_millis(self) -> int:
        return 300_000


def fingerprint(record: Mapping[str, Any]) -> str:
    """Return what identifies a record across an emulator replay (not its eventID or time)."""
    change = record.get("dynamodb", {})
    material = [record.get("eventName"), change.get("Keys"), change.get("NewImage"), change.get("OldImage")]
    return hashlib.sha256(json.dumps(material, sort_keys=True, default=_json_default).encode()).hexdigest()


def lambda_record(record: Mapping[str, Any], *, stream_arn: str) -> dict[str, Any]:
    """Return a GetRecords record as Lambda delivers it: JSON values only, plus eventSourceARN."""
    shaped = json.loads(json.dumps(record, default=_json_default))
    shaped["eventSourceARN"] = stream_arn
    return shaped


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime):  # ApproximateCreationDateTime: Lambda sends epoch seconds
        return int(value.replace(tzinfo=value.tzinfo or UTC).timestamp())
    if isinstance(value, bytes | bytearray):  # binary attributes: Lambda sends base64
        return base64.b64encode(value).decode()
    raise TypeError(f"cannot encode {type(value).__name__}")


class Checkpoints:
    """Sequence numbers done, per table and shard, kept in a JSON file written atomically."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.data: dict[str, Any] = {"version": 1, "tables": {}}
        if path.exists():
            try:
                loaded = json.loads(path.read_text())
            except ValueError:
                loaded = None
            if not (
                isinstance(loaded, dict)
                and loaded.get("version") == 1
                and isinstance(loaded.get("tables"), dict)
            ):
                # Starting afresh would send the whole stream again: let a person decide.
                raise ValueError(
                    f"{path} is not a checkpoint file: delete it to read the stream from the start"
                )
            self.data = loaded

    def get(self, table: str, shard_id: str) -> dict[str, str] | None:
        return self.data["tables"].get(table, {}).get(shard_id)

    def set(self, table: str, shard_id: str, *, record: Mapping[str, Any]) -> None:
        self.data["tables"].setdefault(table, {})[shard_id] = {
            "sequence": record["dynamodb"]["SequenceNumber"],
            "fingerprint": fingerprint(record),
        }
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_suffix(".tmp")
        temporary.write_text(json.dumps(self.data, indent=1))
        os.replace(temporary, self.path)  # a crash leaves the old file or the new one, never half


@dataclass
class Shard:
    shard_id: str
    parent_id: str | None
    iterator: str | None = None
    closed: bool = False
    skip_through: int | None = None  # sequence numbers at or below this were done already


class StreamRunner:
    """Read every shard of ``table``'s stream and feed the records to ``handler`` in batches."""

    def __init__(
        self,
        *,
        table: str | None = None,
        handler: Handler | None = None,
        checkpoint_path: Path = DEFAULT_CHECKPOINT,
        dlq_queue: str | None = None,
        batch_size: int = BATCH_SIZE,
        batching_window: float = BATCHING_WINDOW_SECONDS,
        max_retry_attempts: int = MAX_RETRY_ATTEMPTS,
        retry_delay: float = RETRY_DELAY_SECONDS,
        starting_position: str = "TRIM_HORIZON",
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if not 1 <= batch_size <= 10_000:
            raise ValueError("batch_size must be 1..10000 (Lambda's range for streams)")
        if starting_position not in ("TRIM_HORIZON", "LATEST"):
            raise ValueError("starting_position must be TRIM_HORIZON or LATEST")
        self.starting_position = starting_position
        names = aws.names()
        self.table = table or names.table
        self.dlq_queue = dlq_queue or names.stream_dlq
        if handler is None:
            from analytics.stream_handler import handle

            handler = handle
        self.handler = handler
        self.checkpoints = Checkpoints(checkpoint_path)
        self.batch_size = batch_size
        self.batching_window = batching_window
        self.max_retry_attempts = max_retry_attempts
        self.retry_delay = retry_delay
        self.sleep = sleep
        self.stream_arn: str | None = None
        self.shards: dict[str, Shard] = {}
        self.refreshed_at = float("-inf")
        self.ddb = aws.client("dynamodb")
        self.streams = aws.client("dynamodbstreams")

    # --- Shards -------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Find the table's current stream and its shards (a new stream starts afresh)."""
        table = self.ddb.describe_table(TableName=self.table)["Table"]
        stream_arn = table.get("LatestStreamArn")
        if not stream_arn:
            raise RuntimeError(f"table {self.table} has no stream: turn on NEW_AND_OLD_IMAGES")
        if stream_arn != self.stream_arn:
            if self.stream_arn is not None:
                logger.warning("the table's stream changed", extra={"stream_arn": stream_arn})
            self.stream_arn, self.shards = stream_arn, {}
        request: dict[str, Any] = {"StreamArn": stream_arn}
        while True:
            description = self.streams.describe_stream(**request)["StreamDescription"]
            for shard in description.get("Shards", []):
                if shard["ShardId"] not in self.shards:
                    self.shards[shard["ShardId"]] = Shard(shard["ShardId"], shard.get("ParentShardId"))
            last = description.get("LastEvaluatedShardId")
            if not last:
                break
            request["ExclusiveStartShardId"] = last
        self.refreshed_at = time.monotonic()

    def _ready(self, shard: Shard) -> bool:
        parent = self.shards.get(shard.parent_id) if shard.parent_id else None
        return not shard.closed and (parent is None or parent.closed)

    def _open_iterator(self, shard: Shard) -> None:
        assert self.stream_arn is not None
        checkpoint = self.checkpoints.get(self.table, shard.shard_id)
        # StartingPosition applies only to a shard without a checkpoint, as in the mapping.
        position: dict[str, str] = {"ShardIteratorType": self.starting_position}
        if checkpoint is not None:
            position = self._resume_position(shard, checkpoint)
        shard.iterator = self.streams.get_shard_iterator(
            StreamArn=self.stream_arn, ShardId=shard.shard_id, **position
        )["ShardIterator"]

    def _resume_position(self, shard: Shard, checkpoint: dict[str, str]) -> dict[str, str]:
        assert self.stream_arn is not None
        sequence = checkpoint["sequence"]
        after = {"ShardIteratorType": "AFTER_SEQUENCE_NUMBER", "SequenceNumber": sequence}
        context = {"shard_id": shard.shard_id, "sequence_number": sequence}
        try:
            iterator = self.streams.get_shard_iterator(
                StreamArn=self.stream_arn,
                ShardId=shard.shard_id,
                ShardIteratorType="AT_SEQUENCE_NUMBER",
                SequenceNumber=sequence,
            )["ShardIterator"]
            found = self.streams.get_records(ShardIterator=iterator, Limit=1)["Records"]
        except ClientError:
            logger.warning("checkpoint no longer readable: reading from the oldest record", extra=context)
            shard.skip_through = int(sequence)
            return {"ShardIteratorType": "TRIM_HORIZON"}
        if not found:
            logger.warning("the stream is shorter than the checkpoint: starting at its end", extra=context)
            return {"ShardIteratorType": "LATEST"}
        if fingerprint(found[0]) != checkpoint["fingerprint"]:
            logger.warning("the stream's history changed: resuming by position", extra=context)
        return after

    # --- Reading and delivering ---------------------------------------------------------------

    def poll_once(self) -> int:
        """Read one batch from every shard and deliver it; return how many records were handled."""
        if not self.shards or time.monotonic() - self.refreshed_at > SHARD_REFRESH_SECONDS:
            self.refresh()
        handled = 0
        for shard in list(self.shards.values()):
            if not self._ready(shard):
                continue
            if shard.iterator is None:
                self._open_iterator(shard)
            batch = self._read_batch(shard)
            if batch:
                self._deliver(shard, batch)
                handled += len(batch)
        return handled

    def drain(self) -> int:
        """Poll until a poll handles nothing (the stream read to its end); return the records handled."""
        total = 0
        while handled := self.poll_once():
            total += handled
        return total

    def _read_batch(self, shard: Shard) -> list[dict[str, Any]]:
        batch: list[dict[str, Any]] = []
        deadline: float | None = None
        while len(batch) < self.batch_size and shard.iterator is not None:
            response = self.streams.get_records(
                ShardIterator=shard.iterator, Limit=self.batch_size - len(batch)
            )
            shard.iterator = response.get("NextShardIterator")
            if shard.iterator is None:
                shard.closed = True  # a closed shard, read to its end: its children may start
            for record in response.get("Records", []):
                if (
                    shard.skip_through is None
                    or int(record["dynamodb"]["SequenceNumber"]) > shard.skip_through
                ):
                    batch.append(record)
            if not batch:
                break  # nothing new: the caller idles
            deadline = deadline if deadline is not None else time.monotonic() + self.batching_window
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            if not response.get("Records"):
                self.sleep(min(0.2, remaining))
        return batch

    def _deliver(self, shard: Shard, batch: list[dict[str, Any]]) -> None:
        assert self.stream_arn is not None
        remaining = batch
        attempts = 0
        while True:
            attempts += 1
            failed_at = self._invoke(remaining)
            if failed_at is None:
                self.checkpoints.set(self.table, shard.shard_id, record=remaining[-1])
                logger.info(
                    "stream batch delivered",
                    extra={
                        "records": len(remaining),
                        "sequence_number": remaining[-1]["dynamodb"]["SequenceNumber"],
                    },
                )
                return
            if failed_at > 0:  # the records before the reported one are done
                self.checkpoints.set(self.table, shard.shard_id, record=remaining[failed_at - 1])
                remaining = remaining[failed_at:]
            if attempts > self.max_retry_attempts:
                self._send_to_dlq(shard, remaining, attempts=attempts)
                self.checkpoints.set(self.table, shard.shard_id, record=remaining[-1])
                return
            logger.warning(
                "retrying stream batch",
                extra={
                    "shard_id": shard.shard_id,
                    "sequence_number": remaining[0]["dynamodb"]["SequenceNumber"],
                    "attempt": attempts,
                },
            )
            self.sleep(self.retry_delay)

    def _invoke(self, records: list[dict[str, Any]]) -> int | None:
        """Call the handler; return the index of the first record to retry, or None when all done."""
        assert self.stream_arn is not None
        event = {"Records": [lambda_record(r, stream_arn=self.stream_arn) for r in records]}
        try:
            response = self.handler(event, LocalContext())
        except Exception:
            logger.exception(
                "stream handler failed: the whole batch is retried",
                extra={"sequence_number": records[0]["dynamodb"]["SequenceNumber"], "records": len(records)},
            )
            return 0
        failures = response.get("batchItemFailures") if isinstance(response, Mapping) else None
        if not failures:
            return None
        sequences = [r["dynamodb"]["SequenceNumber"] for r in records]
        reported = [f.get("itemIdentifier") if isinstance(f, Mapping) else None for f in failures]
        if not all(isinstance(s, str) and s in sequences for s in reported):
            # Lambda's rule: an empty, null or unknown itemIdentifier fails the whole batch.
            logger.error(
                "invalid batchItemFailures: the whole batch is retried", extra={"reported": reported}
            )
            return 0
        return min(sequences.index(s) for s in reported)  # Lambda resumes at the lowest one

    def _send_to_dlq(self, shard: Shard, records: list[dict[str, Any]], *, attempts: int) -> None:
        """Describe the batch as Lambda's on-failure record does (the records stay in the stream)."""
        first, last = records[0]["dynamodb"], records[-1]["dynamodb"]
        message = {
            "version": "1.0",
            "timestamp": datetime.now(UTC).isoformat(),
            "requestContext": {
                "requestId": str(uuid.uuid4()),
                "functionArn": "local:stream-handler",
                "condition": "RetryAttemptsExhausted",
                "approximateInvokeCount": attempts,
            },
            "responseContext": {
                "statusCode": 200,
                "executedVersion": "$LATEST",
                "functionError": "Unhandled",
            },
            "DDBStreamBatchInfo": {
                "shardId": shard.shard_id,
                "startSequenceNumber": first["SequenceNumber"],
                "endSequenceNumber": last["SequenceNumber"],
                "approximateArrivalOfFirstRecord": _iso(first.get("ApproximateCreationDateTime")),
                "approximateArrivalOfLastRecord": _iso(last.get("ApproximateCreationDateTime")),
                "batchSize": len(records),
                "streamArn": self.stream_arn,
            },
        }
        sqs = aws.client("sqs")
        url = sqs.get_queue_url(QueueName=self.dlq_queue)["QueueUrl"]
        sqs.send_message(QueueUrl=url, MessageBody=json.dumps(message))
        logger.error(
            "stream batch sent to the DLQ",
            extra={
                "shard_id": shard.shard_id,
                "start_sequence_number": first["SequenceNumber"],
                "end_sequence_number": last["SequenceNumber"],
                "event_ids": [r.get("eventID") for r in records],
            },
        )


def _iso(value: Any) -> str | None:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    return None


def run(stop: threading.Event, **options: Any) -> None:
    """Feed the stream to the handler until ``stop`` is set; survive the emulator restarting."""
    runner: StreamRunner | None = None
    while not stop.is_set():
        try:
            runner = runner or StreamRunner(**options)
            handled = runner.poll_once()
        except (BotoCoreError, ClientError, RuntimeError) as error:
            logger.warning("stream runner waiting for the emulator: %s", error)
            if runner is not None:
                runner.shards = {}  # re-read shards and checkpoints when it is back
            stop.wait(ERROR_BACKOFF_SECONDS)
            continue
        if not handled:
            stop.wait(IDLE_POLL_SECONDS)


def main() -> int:
    from common.library_logs import quiet_libraries
    from common.logging import JsonFormatter  # structured lines, as the Lambda would log them

    console = logging.StreamHandler()
    console.setFormatter(JsonFormatter())
    logging.basicConfig(level=logging.INFO, handlers=[console])
    quiet_libraries()
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    path = Path(os.environ.get("STREAM_CHECKPOINT_PATH", str(DEFAULT_CHECKPOINT)))
    logger.info("stream runner started (checkpoints in %s)", path)
    run(stop, checkpoint_path=path)
    logger.info("stream runner stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
