"""Send records to Kinesis Data Firehose with ``PutRecordBatch``, losing none silently.

Records are packed greedily into calls within Firehose's limits. A call can fail whole (throttling,
a service error) or in part (``FailedPutCount`` > 0, an ``ErrorCode`` per failed record): both are
retried with exponential backoff and full jitter, only the records that failed. What still fails
after ``max_attempts`` (and any record too large to ever be accepted) is returned, with its id, so
the caller can report it; each is logged with its id.

botocore's own retries (``cloud.aws.CLIENT_CONFIG``) already repeat a throttled call a few times
before we see the error; ours come on top and also cover what botocore cannot see: records that
failed inside a call that succeeded.
"""

from __future__ import annotations

import json
import logging
import random
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

logger = logging.getLogger(__name__)

MAX_RECORDS_PER_CALL = 500  # PutRecordBatch hard limit: records per call
MAX_BYTES_PER_CALL = 4 * 1024 * 1024  # PutRecordBatch hard limit: 4 MiB of record data per call
MAX_RECORD_BYTES = 1000 * 1024  # Firehose hard limit: 1,000 KiB per record, before base64
MAX_ATTEMPTS = 4  # first call + 3 retries: a stream batch must finish well inside its Lambda timeout
BASE_DELAY_SECONDS = 0.1  # first backoff ceiling; doubles every attempt
MAX_DELAY_SECONDS = 2.0

# Whole-call errors worth retrying: Firehose throttles with ServiceUnavailableException (HTTP 503).
RETRYABLE_ERRORS = frozenset(
    {"ServiceUnavailableException", "ThrottlingException", "InternalFailure", "InternalServerError"}
)
TOO_LARGE = "RecordTooLarge"  # our code for a record Firehose would refuse whatever we do


@dataclass(frozen=True)
class Record:
    """One Firehose record: ``record_id`` is ours (for reports and logs), ``data`` what is sent."""

    record_id: str
    data: bytes


@dataclass(frozen=True)
class FailedRecord:
    record_id: str
    error_code: str
    error_message: str


def json_line(document: Any) -> bytes:
    """Encode ``document`` as one compact JSON line: moto and S3 concatenate records as sent."""
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode() + b"\n"


def batches(records: Iterable[Record]) -> Iterable[list[Record]]:
    """Yield records packed in order into calls of <= 500 records and <= 4 MiB."""
    batch: list[Record] = []
    size = 0
    for record in records:
        length = len(record.data)
        if batch and (len(batch) == MAX_RECORDS_PER_CALL or size + length > MAX_BYTES_PER_CALL):
            yield batch
            batch, size = [], 0
        batch.append(record)
        size += length
    if batch:
        yield batch


class BatchWriter:
    """Put records into one delivery stream; ``put`` returns the records that could not be delivered."""

    def __init__(
        self,
        *,
        client: Any,
        stream_name: str,
        max_attempts: int = MAX_ATTEMPTS,
        sleep: Callable[[float], None] = time.sleep,
        jitter: Callable[[], float] = random.random,
    ) -> None:
        if max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        self.client = client
        self.stream_name = stream_name
        self.max_attempts = max_attempts
        self.sleep = sleep
        self.jitter = jitter
        self.calls = 0  # PutRecordBatch calls made, for benchmarks and logs

    def put(self, records: Iterable[Record]) -> list[FailedRecord]:
        """Deliver ``records`` (in order, at least once); return those that still failed."""
        failed: list[FailedRecord] = []
        sendable: list[Record] = []
        for record in records:
            if len(record.data) > MAX_RECORD_BYTES:
                failure = FailedRecord(
                    record.record_id,
                    TOO_LARGE,
                    f"{len(record.data)} bytes is over Firehose's {MAX_RECORD_BYTES} bytes per record",
                )
                logger.error(
                    "firehose record too large",
                    extra={"record_id": record.record_id, "bytes": len(record.data)},
                )
                failed.append(failure)
            else:
                sendable.append(record)
        for batch in batches(sendable):
            failed.extend(self._put_batch(batch))
        return failed

    def _put_batch(self, batch: Sequence[Record]) -> list[FailedRecord]:
        pending = list(batch)
        errors: dict[str, tuple[str, str]] = {}
        for attempt in range(self.max_attempts):
            if attempt:
                ceiling = min(MAX_DELAY_SECONDS, BASE_DELAY_SECONDS * 2 ** (attempt - 1))
                self.sleep(ceiling * self.jitter())  # full jitter: retries of many shards spread out
            pending, errors, retryable = self._attempt(pending)
            if not pending:
                return []
            if not retryable:
                break
        failures = [FailedRecord(r.record_id, *errors[r.record_id]) for r in pending]
        for failure in failures:
            logger.error(
                "firehose record not delivered",
                extra={
                    "record_id": failure.record_id,
                    "error_code": failure.error_code,
                    "error_message": failure.error_message,
                },
            )
        return failures

    def _attempt(self, pending: list[Record]) -> tuple[list[Record], dict[str, tuple[str, str]], bool]:
        """Send ``pending`` once; return the records that failed, why, and whether to try again."""
        self.calls += 1
        try:
            response = self.client.put_record_batch(
                DeliveryStreamName=self.stream_name, Records=[{"Data": r.data} for r in pending]
            )
        except ClientError as error:
            code = error.response.get("Error", {}).get("Code", "ClientError")
            message = error.response.get("Error", {}).get("Message", str(error))
            logger.warning("firehose call failed", extra={"error_code": code, "records": len(pending)})
            # A wrong stream name or a refused request will not get better by waiting: report the
            # records now (the stream retries them later, then sends them to the DLQ).
            return pending, {r.record_id: (code, message) for r in pending}, code in RETRYABLE_ERRORS
        except BotoCoreError as error:  # reset, timeout: the call may have landed (at least once)
            code = type(error).__name__
            logger.warning("firehose call failed", extra={"error_code": code, "records": len(pending)})
            return pending, {r.record_id: (code, str(error)) for r in pending}, True
        if not response.get("FailedPutCount"):
            return [], {}, True
        responses = response.get("RequestResponses", [])
        if len(responses) != len(pending):
            raise RuntimeError(f"PutRecordBatch answered {len(responses)} results for {len(pending)} records")
        retry: list[Record] = []
        errors: dict[str, tuple[str, str]] = {}
        for record, result in zip(pending, responses, strict=True):
            if result.get("ErrorCode"):
                retry.append(record)
                errors[record.record_id] = (result["ErrorCode"], result.get("ErrorMessage", ""))
        logger.warning("firehose records failed", extra={"failed": len(retry), "records": len(pending)})
        return retry, errors, True
