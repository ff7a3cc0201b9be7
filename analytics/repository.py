"""The analytics app's AWS access: the visitor salt of the day (DynamoDB) and page views (Firehose).

The pipeline health panel's reads (SQS, CloudWatch, S3) are in ``analytics.health_repository``.
"""

from __future__ import annotations

import logging
import secrets
import threading
from datetime import date, datetime, time, timedelta
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from analytics.firehose import BatchWriter, FailedRecord, Record
from cloud import aws
from cloud.resources import ENTITY, TTL_ATTRIBUTE, salt_key

logger = logging.getLogger(__name__)

SALT_BYTES = 32  # 256 random bits: an address cannot be guessed back from a hash without the salt
# A salt is kept until the end of the day after its own: long enough for a view sent just before
# midnight, short enough that yesterday's hashes cannot be recomputed later. DynamoDB's TTL deletes
# late, so the salt of the day before yesterday is also deleted explicitly when a day's salt is made.
SALT_KEPT_DAYS = 2


class SaltRepository:
    """One random salt per UTC day, shared by every Lambda container, deleted the day after."""

    def __init__(self, client: Any = None, *, table: str | None = None) -> None:
        self.client = client or aws.client("dynamodb")
        self.table = table or aws.names().table

    def get_or_create(self, day: date) -> str:
        """Return ``day``'s salt, making it if no container has yet (a conditional put decides)."""
        key = {name: {"S": value} for name, value in salt_key(day.isoformat()).items()}
        found = self.client.get_item(TableName=self.table, Key=key, ConsistentRead=True).get("Item")
        if found:
            return str(found["salt"]["S"])
        salt = secrets.token_hex(SALT_BYTES)
        expires = datetime.combine(day + timedelta(days=SALT_KEPT_DAYS), time.min).timestamp()
        try:
            self.client.put_item(
                TableName=self.table,
                Item={
                    **key,
                    ENTITY: {"S": "salt"},
                    "salt": {"S": salt},
                    TTL_ATTRIBUTE: {"N": str(int(expires))},
                },
                ConditionExpression="attribute_not_exists(pk)",
            )
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") != "ConditionalCheckFailedException":
                raise
            return self.get_or_create(day)  # another container made it first: use theirs
        old = {name: {"S": value} for name, value in salt_key((day - timedelta(days=2)).isoformat()).items()}
        try:
            self.client.delete_item(TableName=self.table, Key=old)
        except (ClientError, BotoCoreError) as error:  # TTL deletes it anyway, later
            logger.warning("old visitor salt not deleted", extra={"error": str(error)})
        return salt


class _SaltCache:
    """The day's salt kept in this process, so a view costs one DynamoDB read per container per day."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._day: date | None = None
        self._salt = ""

    def get(self, day: date, repository: SaltRepository | None = None) -> str:
        with self._lock:
            if self._day != day:
                self._salt = (repository or SaltRepository()).get_or_create(day)
                self._day = day
            return self._salt

    def clear(self) -> None:
        with self._lock:
            self._day, self._salt = None, ""


salt_cache = _SaltCache()


def page_views_put(
    records: list[Record], *, client: Any = None, stream_name: str | None = None
) -> list[FailedRecord]:
    """Send page-view records to the events delivery stream; return those that failed."""
    writer = BatchWriter(
        client=client or aws.client("firehose"), stream_name=stream_name or aws.names().firehose_stream
    )
    return writer.put(records)
