"""Selectors for the pipeline health panel: DLQ depths, Firehose failures, the lake's newest event.

Each selector tolerates a missing resource or an unreachable service: it reports the problem in its
result instead of raising, so the analytics page always renders.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from cloud import aws
from cloud.resources import LAKE_ERRORS_PREFIX, LAKE_EVENTS_PREFIX, ResourceNames

logger = logging.getLogger(__name__)

LAKE_LOOKBACK_DAYS = 7  # day prefixes searched for the newest object before giving up
FIREHOSE_WINDOW = timedelta(hours=24)
METRIC_PERIOD = 3600  # one-hour points over the window


@dataclass(frozen=True)
class QueueDepth:
    """Messages waiting in a dead-letter queue (each one is a failure someone must look at)."""

    label: str
    queue: str
    messages: int | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and self.messages == 0


@dataclass(frozen=True)
class FirehoseHealth:
    """Firehose's delivery figures over the last 24 hours, and the failed records it wrote to the lake."""

    stream: str
    metrics_available: bool = False
    note: str = ""
    incoming_records: int | None = None
    lowest_delivery_success: float | None = None  # 1.0 = every delivery attempt succeeded
    failed_conversions: int | None = None
    error_objects: int | None = None  # objects under errors/ (records Firehose could not deliver)
    error: str | None = None

    @property
    def ok(self) -> bool:
        return (
            self.error is None
            and not self.error_objects
            and not self.failed_conversions
            and (self.lowest_delivery_success is None or self.lowest_delivery_success >= 1.0)
        )


@dataclass(frozen=True)
class LakeFreshness:
    """The newest object Firehose wrote under events/."""

    bucket: str
    last_event_at: datetime | None = None
    key: str | None = None
    error: str | None = None

    def age(self, now: datetime) -> timedelta | None:
        return now - self.last_event_at if self.last_event_at else None


@dataclass(frozen=True)
class PipelineHealth:
    checked_at: datetime
    dead_letter_queues: list[QueueDepth] = field(default_factory=list)
    firehose: FirehoseHealth | None = None
    lake: LakeFreshness | None = None

    @property
    def ok(self) -> bool:
        return all(q.ok for q in self.dead_letter_queues) and (self.firehose is None or self.firehose.ok)


def _problem(error: Exception) -> str:
    if isinstance(error, ClientError):
        code = error.response.get("Error", {}).get("Code", "Error")
        return f"{code}: {error.response.get('Error', {}).get('Message', '')}".strip(": ")
    return type(error).__name__


def dlq_depth_get(*, label: str, queue_name: str, sqs: Any = None) -> QueueDepth:
    """Return how many messages wait in ``queue_name`` (visible + in flight)."""
    sqs = sqs or aws.client("sqs")
    try:
        url = sqs.get_queue_url(QueueName=queue_name)["QueueUrl"]
        attributes = sqs.get_queue_attributes(
            QueueUrl=url,
            AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
        )["Attributes"]
    except (ClientError, BotoCoreError) as error:
        logger.warning("DLQ depth unavailable", extra={"queue": queue_name, "error": _problem(error)})
        return QueueDepth(label=label, queue=queue_name, error=_problem(error))
    messages = int(attributes.get("ApproximateNumberOfMessages", 0)) + int(
        attributes.get("ApproximateNumberOfMessagesNotVisible", 0)
    )
    return QueueDepth(label=label, queue=queue_name, messages=messages)


def _metric_sum(values: list[float]) -> int:
    return int(sum(values))


def firehose_health_get(
    *, stream_name: str, lake_bucket: str, cloudwatch: Any = None, s3: Any = None, now: datetime | None = None
) -> FirehoseHealth:
    """Return Firehose's delivery figures (CloudWatch) and its error objects in the lake (S3)."""
    cloudwatch = cloudwatch or aws.client("cloudwatch")
    now = now or datetime.now(UTC)
    dimensions = [{"Name": "DeliveryStreamName", "Value": stream_name}]
    queries = [
        ("incoming", "IncomingRecords", "Sum"),
        ("success", "DeliveryToS3.Success", "Minimum"),
        ("conversion", "FailedConversion.Records", "Sum"),
    ]
    try:
        results = cloudwatch.get_metric_data(
            MetricDataQueries=[
                {
                    "Id": query_id,
                    "MetricStat": {
                        "Metric": {
                            "Namespace": "AWS/Firehose",
                            "MetricName": metric,
                            "Dimensions": dimensions,
                        },
                        "Period": METRIC_PERIOD,
                        "Stat": stat,
                    },
                }
                for query_id, metric, stat in queries
            ],
            StartTime=now - FIREHOSE_WINDOW,
            EndTime=now,
        )["MetricDataResults"]
    except (ClientError, BotoCoreError) as error:
        return FirehoseHealth(stream=stream_name, error=_problem(error))
    values = {result["Id"]: result.get("Values", []) for result in results}
    error_objects = _count_objects(bucket=lake_bucket, prefix=LAKE_ERRORS_PREFIX, s3=s3)
    if not any(values.values()):
        local = aws.endpoint_url() is not None
        return FirehoseHealth(
            stream=stream_name,
            note="not available locally: the emulator publishes no Firehose metrics"
            if local
            else "no deliveries in the last 24 hours",
            error_objects=error_objects,
        )
    return FirehoseHealth(
        stream=stream_name,
        metrics_available=True,
        incoming_records=_metric_sum(values.get("incoming", [])),
        lowest_delivery_success=min(values["success"]) if values.get("success") else None,
        failed_conversions=_metric_sum(values.get("conversion", [])),
        error_objects=error_objects,
    )


def _count_objects(*, bucket: str, prefix: str, s3: Any = None, limit: int = 1000) -> int | None:
    s3 = s3 or aws.client("s3")
    try:
        response = s3.list_objects_v2(Bucket=bucket, Prefix=prefix, MaxKeys=limit)
    except (ClientError, BotoCoreError):
        return None
    return int(response.get("KeyCount", 0))


def _day_prefixes(day: datetime) -> tuple[str, str]:
    """Return the day's prefix in production's layout (``dt=yyyy-MM-dd``) and the emulator's."""
    return f"{LAKE_EVENTS_PREFIX}dt={day:%Y-%m-%d}/", f"{LAKE_EVENTS_PREFIX}{day:%Y/%m/%d}/"


def lake_last_event_get(*, bucket: str, s3: Any = None, now: datetime | None = None) -> LakeFreshness:
    """Return the newest object under events/, searching day prefixes from today backwards.

    Listing the whole lake would cost a request per 1,000 objects; a day's prefix holds at most
    96 Firehose files (one per 15-minute buffer), so a week back is a handful of requests.
    """
    s3 = s3 or aws.client("s3")
    now = now or datetime.now(UTC)
    try:
        for days_back in range(LAKE_LOOKBACK_DAYS):
            newest: dict[str, Any] | None = None
            for prefix in _day_prefixes(now - timedelta(days=days_back)):
                paginator = s3.get_paginator("list_objects_v2")
                for page in paginator.paginate(Bucket=bucket, Prefix=prefix):
                    for item in page.get("Contents", []):
                        if newest is None or item["LastModified"] > newest["LastModified"]:
                            newest = item
            if newest is not None:
                return LakeFreshness(bucket=bucket, last_event_at=newest["LastModified"], key=newest["Key"])
    except (ClientError, BotoCoreError) as error:
        return LakeFreshness(bucket=bucket, error=_problem(error))
    return LakeFreshness(bucket=bucket, error=f"no event in the last {LAKE_LOOKBACK_DAYS} days")


def pipeline_health(*, names: ResourceNames | None = None, now: datetime | None = None) -> PipelineHealth:
    """Return the health of the upload and analytics pipelines, for the analytics page."""
    names = names or aws.names()
    now = now or datetime.now(UTC)
    return PipelineHealth(
        checked_at=now,
        dead_letter_queues=[
            dlq_depth_get(label="Image uploads", queue_name=names.upload_dlq),
            dlq_depth_get(label="Table stream", queue_name=names.stream_dlq),
        ],
        firehose=firehose_health_get(
            stream_name=names.firehose_stream, lake_bucket=names.lake_bucket, now=now
        ),
        lake=lake_last_event_get(bucket=names.lake_bucket, now=now),
    )
