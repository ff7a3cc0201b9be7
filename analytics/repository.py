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


# --- The pipeline health panel's reads --------------------------------------------------------


class PipelineUnavailable(RuntimeError):
    """An AWS read for the health panel failed; the message says what AWS answered."""


def _problem(error: Exception) -> str:
    if isinstance(error, ClientError):
        code = error.response.get("Error", {}).get("Code", "Error")
        return f"{code}: {error.response.get('Error', {}).get('Message', '')}".strip(": ")
    return type(error).__name__


class PipelineRepository:
    """What the health panel reads from SQS, CloudWatch and S3, with AWS errors as ``PipelineUnavailable``."""

    def __init__(self, *, sqs: Any = None, cloudwatch: Any = None, s3: Any = None) -> None:
        self._sqs, self._cloudwatch, self._s3 = sqs, cloudwatch, s3

    @property
    def sqs(self) -> Any:
        return self._sqs or aws.client("sqs")

    @property
    def cloudwatch(self) -> Any:
        return self._cloudwatch or aws.client("cloudwatch")

    @property
    def s3(self) -> Any:
        return self._s3 or aws.client("s3")

    def queue_messages(self, queue_name: str) -> int:
        """Return the messages in ``queue_name``, visible and in flight."""
        try:
            url = self.sqs.get_queue_url(QueueName=queue_name)["QueueUrl"]
            attributes = self.sqs.get_queue_attributes(
                QueueUrl=url,
                AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
            )["Attributes"]
        except (ClientError, BotoCoreError) as error:
            raise PipelineUnavailable(_problem(error)) from error
        return int(attributes.get("ApproximateNumberOfMessages", 0)) + int(
            attributes.get("ApproximateNumberOfMessagesNotVisible", 0)
        )

    def firehose_metrics(
        self,
        *,
        stream_name: str,
        queries: list[tuple[str, str, str]],
        start: datetime,
        end: datetime,
        period: int,
    ) -> dict[str, list[float]]:
        """Return each (id, metric, statistic) of the delivery stream's CloudWatch metrics: id -> values."""
        dimensions = [{"Name": "DeliveryStreamName", "Value": stream_name}]
        try:
            results = self.cloudwatch.get_metric_data(
                MetricDataQueries=[
                    {
                        "Id": query_id,
                        "MetricStat": {
                            "Metric": {
                                "Namespace": "AWS/Firehose",
                                "MetricName": metric,
                                "Dimensions": dimensions,
                            },
                            "Period": period,
                            "Stat": stat,
                        },
                    }
                    for query_id, metric, stat in queries
                ],
                StartTime=start,
                EndTime=end,
            )["MetricDataResults"]
        except (ClientError, BotoCoreError) as error:
            raise PipelineUnavailable(_problem(error)) from error
        return {result["Id"]: result.get("Values", []) for result in results}

    def object_count(self, *, bucket: str, prefix: str, limit: int) -> int:
        """Return how many objects are under ``prefix`` (at most ``limit``)."""
        try:
            response = self.s3.list_objects_v2(Bucket=bucket, Prefix=prefix, MaxKeys=limit)
        except (ClientError, BotoCoreError) as error:
            raise PipelineUnavailable(_problem(error)) from error
        return int(response.get("KeyCount", 0))

    def newest_object(self, *, bucket: str, prefixes: tuple[str, ...]) -> tuple[str, datetime] | None:
        """Return the key and time of the newest object under any of ``prefixes``, or None."""
        newest: dict[str, Any] | None = None
        try:
            for prefix in prefixes:
                for page in self.s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
                    for item in page.get("Contents", []):
                        if newest is None or item["LastModified"] > newest["LastModified"]:
                            newest = item
        except (ClientError, BotoCoreError) as error:
            raise PipelineUnavailable(_problem(error)) from error
        return None if newest is None else (newest["Key"], newest["LastModified"])
