"""Selectors for the pipeline health panel: DLQ depths, Firehose failures, the lake's newest event.

The AWS reads are in ``analytics.repository.PipelineRepository``. Each selector tolerates a
missing resource or an unreachable service: it reports the problem in its
result instead of raising, so the analytics page always renders.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from analytics.lake import day_prefixes
from analytics.repository import PipelineRepository, PipelineUnavailable
from cloud import aws
from cloud.resources import LAKE_ERRORS_PREFIX, ResourceNames

logger = logging.getLogger(__name__)

LAKE_LOOKBACK_DAYS = 7  # day prefixes searched for the newest object before giving up
FIREHOSE_WINDOW = timedelta(hours=24)
METRIC_PERIOD = 3600  # one-hour points over the window
ERROR_OBJECTS_COUNTED = 1000  # one LIST request: "1000" already means "look now"


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


def dlq_depth_get(*, label: str, queue_name: str, repository: PipelineRepository | None = None) -> QueueDepth:
    """Return how many messages wait in ``queue_name`` (visible + in flight)."""
    try:
        messages = (repository or PipelineRepository()).queue_messages(queue_name)
    except PipelineUnavailable as error:
        logger.warning("DLQ depth unavailable", extra={"queue": queue_name, "error": str(error)})
        return QueueDepth(label=label, queue=queue_name, error=str(error))
    return QueueDepth(label=label, queue=queue_name, messages=messages)


_FIREHOSE_METRICS = [
    ("incoming", "IncomingRecords", "Sum"),
    ("success", "DeliveryToS3.Success", "Minimum"),
    ("conversion", "FailedConversion.Records", "Sum"),
]


def firehose_health_get(
    *,
    stream_name: str,
    lake_bucket: str,
    repository: PipelineRepository | None = None,
    now: datetime | None = None,
) -> FirehoseHealth:
    """Return Firehose's delivery figures (CloudWatch) and its error objects in the lake (S3)."""
    repository = repository or PipelineRepository()
    now = now or datetime.now(UTC)
    try:
        values = repository.firehose_metrics(
            stream_name=stream_name,
            queries=_FIREHOSE_METRICS,
            start=now - FIREHOSE_WINDOW,
            end=now,
            period=METRIC_PERIOD,
        )
    except PipelineUnavailable as error:
        return FirehoseHealth(stream=stream_name, error=str(error))
    try:
        error_objects: int | None = repository.object_count(
            bucket=lake_bucket, prefix=LAKE_ERRORS_PREFIX, limit=ERROR_OBJECTS_COUNTED
        )
    except PipelineUnavailable:
        error_objects = None
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
        incoming_records=int(sum(values.get("incoming", []))),
        lowest_delivery_success=min(values["success"]) if values.get("success") else None,
        failed_conversions=int(sum(values.get("conversion", []))),
        error_objects=error_objects,
    )


def lake_last_event_get(
    *, bucket: str, repository: PipelineRepository | None = None, now: datetime | None = None
) -> LakeFreshness:
    """Return the newest object under events/, searching day prefixes from today backwards.

    Listing the whole lake would cost a request per 1,000 objects; a day's prefix holds at most
    96 Firehose files (one per 15-minute buffer), so a week back is a handful of requests.
    """
    repository = repository or PipelineRepository()
    now = now or datetime.now(UTC)
    try:
        for days_back in range(LAKE_LOOKBACK_DAYS):
            newest = repository.newest_object(
                bucket=bucket, prefixes=day_prefixes((now - timedelta(days=days_back)).date())
            )
            if newest is not None:
                return LakeFreshness(bucket=bucket, last_event_at=newest[1], key=newest[0])
    except PipelineUnavailable as error:
        return LakeFreshness(bucket=bucket, error=str(error))
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


HEALTH_CACHE_SECONDS = (
    30  # the figures move in minutes; a re-run page need not query SQS, CloudWatch and S3 again
)


def pipeline_health_get() -> PipelineHealth:
    """Return the health figures, from the cache when they are under ``HEALTH_CACHE_SECONDS`` old."""
    from django.core.cache import cache

    health = cache.get("analytics:pipeline-health")
    if not isinstance(health, PipelineHealth):
        health = pipeline_health()
        cache.set("analytics:pipeline-health", health, HEALTH_CACHE_SECONDS)
    return health
