"""``manage.py backfill_lake``: fill a new lake with the events that made the table's current items.

A one-off admin command, so a Scan is right here. Each article gives ``article_published``, each
like ``article_liked``, each finished image ``image_ready``/``image_failed``, with a deterministic
``event_id`` (``backfill-<pk>-<sk>``): running it again sends the same events again, and readers,
who drop duplicates by ``event_id``, count them once. The events go through Firehose like live
ones, so they land in the partition of the day the backfill ran (see analytics/events.py).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from analytics.events import event_from_item
from analytics.firehose import BatchWriter, Record, json_line
from cloud import aws
from cloud.resources import PK, SK

SCAN_PAGE = 500  # items per Scan page: a page of events fills one PutRecordBatch call


def backfill_event_id(item: dict[str, Any]) -> str:
    return f"backfill-{item[PK]['S']}-{item[SK]['S']}"


def lake_backfill(*, ddb: Any, writer: BatchWriter | None, table: str) -> tuple[int, int, list[str]]:
    """Send the events of every item in ``table``; return (items, events, ids of undelivered events).

    With ``writer`` None nothing is sent (a dry run).
    """
    items = events = 0
    undelivered: list[str] = []
    request: dict[str, Any] = {"TableName": table, "Limit": SCAN_PAGE}
    while True:
        page = ddb.scan(**request)
        records = []
        for item in page.get("Items", []):
            items += 1
            event = event_from_item(item, event_id=backfill_event_id(item))
            if event is not None:
                records.append(Record(record_id=event["event_id"], data=json_line(event)))
        events += len(records)
        if writer is not None:
            undelivered.extend(failure.record_id for failure in writer.put(records))
        if "LastEvaluatedKey" not in page:
            return items, events, undelivered
        request["ExclusiveStartKey"] = page["LastEvaluatedKey"]


class Command(BaseCommand):
    help = "Backfill the analytics lake from the table's current items (idempotent by event_id)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="count the events, send nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        names = aws.names()
        writer = None
        if not options["dry_run"]:
            writer = BatchWriter(client=aws.client("firehose"), stream_name=names.firehose_stream)
        items, events, undelivered = lake_backfill(
            ddb=aws.client("dynamodb"), writer=writer, table=names.table
        )
        verb = "would send" if writer is None else "sent"
        self.stdout.write(f"{items} items scanned, {verb} {events - len(undelivered)} events")
        if undelivered:
            raise CommandError(
                f"{len(undelivered)} events not delivered (run the command again; it is idempotent): "
                + ", ".join(undelivered[:20])
            )
