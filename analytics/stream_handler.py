"""Lambda handler for the table's DynamoDB stream: records -> analytics events -> Firehose.

The event-source mapping must have ``FunctionResponseTypes: [ReportBatchItemFailures]`` (infra/).
Lambda's contract for streams: the answer ``{"batchItemFailures": [{"itemIdentifier": <seq>}]}``
makes Lambda checkpoint just before the LOWEST sequence number listed and deliver the batch again
from that record (records after it too, even those that succeeded); an empty list means the whole
batch succeeded; raising fails the whole batch. So we report only the first failed record: every
later record comes again anyway, and duplicates carry the same ``event_id``. After
``MaximumRetryAttempts`` the mapping sends the batch's description to its on-failure destination.

Imported by Lambda on a cold start: keep the imports light (no Django).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from analytics.events import event_from_record
from analytics.firehose import BatchWriter, Record, json_line
from cloud import aws
from search.stream import search_records_index

logger = logging.getLogger(__name__)


def handle(
    event: Mapping[str, Any], context: Any, *, firehose: Any = None, stream_name: str | None = None
) -> dict[str, list[dict[str, str]]]:
    """Send the batch's events to Firehose; report the first record that failed."""
    records = event.get("Records") if isinstance(event, Mapping) else None
    if not isinstance(records, list):
        raise ValueError("not a DynamoDB stream event: no Records list")  # Lambda retries the batch
    writer = BatchWriter(
        client=firehose if firehose is not None else aws.client("firehose"),
        stream_name=stream_name or aws.names().firehose_stream,
    )
    failed = stream_records_deliver(records, writer=writer)
    # The search index follows the same stream (search/stream.py); the earlier failure is retried.
    failed = _earliest(failed, search_records_index(records))
    return {"batchItemFailures": [{"itemIdentifier": failed}] if failed else []}


def stream_records_deliver(records: Sequence[Mapping[str, Any]], *, writer: BatchWriter) -> str | None:
    """Deliver the events of ``records`` (in stream order); return the first failed sequence number."""
    sequences = [_sequence_number(record) for record in records]
    lines: list[Record] = []
    first_failed: int | None = None
    for index, record in enumerate(records):
        try:
            analytics_event = event_from_record(record)
        except Exception:
            logger.exception(
                "stream record not readable",
                extra={"event_id": record.get("eventID"), "sequence_number": sequences[index]},
            )
            # Records from here on come again anyway: sending them now would only duplicate them.
            first_failed = index
            break
        if analytics_event is not None:
            lines.append(Record(record_id=str(index), data=json_line(analytics_event)))
    for failure in writer.put(lines):
        index = int(failure.record_id)
        logger.error(
            "analytics event not delivered",
            extra={
                "event_id": records[index].get("eventID"),
                "sequence_number": sequences[index],
                "error_code": failure.error_code,
            },
        )
        first_failed = index if first_failed is None else min(first_failed, index)
    return None if first_failed is None else sequences[first_failed]


def _earliest(*sequences: str | None) -> str | None:
    found = [s for s in sequences if s]
    return min(found, key=int) if found else None


def _sequence_number(record: Any) -> str:
    if not isinstance(record, Mapping):
        raise ValueError("a stream record must be an object")
    try:
        sequence = record["dynamodb"]["SequenceNumber"]
    except (KeyError, TypeError):
        sequence = None
    if not isinstance(sequence, str) or not sequence:
        # Without it no partial failure can be reported: fail the whole batch instead.
        raise ValueError(f"stream record {record.get('eventID')!r} has no dynamodb.SequenceNumber")
    return sequence
