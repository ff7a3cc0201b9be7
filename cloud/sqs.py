"""The SQS pieces Lambda's event source and the local runner share: queue lookup, settling a batch."""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterable
from typing import Any

from cloud import aws

logger = logging.getLogger(__name__)

DELETE_BATCH = 10  # DeleteMessageBatch's limit


def queue_of_arn(arn: str) -> str | None:
    """Return the queue name in an SQS ARN (``arn:aws:sqs:<region>:<account>:<name>``)."""
    parts = arn.split(":")
    return parts[5] if len(parts) == 6 and parts[2] == "sqs" and parts[5] else None


@functools.cache
def _queue_url(name: str, endpoint: str | None, region: str) -> str:
    del endpoint, region  # part of the cache key only: a URL belongs to one endpoint and region
    return str(aws.client("sqs").get_queue_url(QueueName=name)["QueueUrl"])


def queue_url(name: str) -> str:
    """Return the URL of the queue ``name`` (looked up once per endpoint and region)."""
    return _queue_url(name, aws.endpoint_url(), aws.region())


def messages_delete(*, queue_url: str, receipt_handles: Iterable[str], sqs: Any = None) -> int:
    """Delete the messages with ``receipt_handles`` from the queue; return how many were deleted.

    A message that cannot be deleted is only logged: it comes back and is processed again, which the
    handlers allow (processing is idempotent).
    """
    handles = list(receipt_handles)
    sqs = sqs or aws.client("sqs")
    deleted = 0
    for start in range(0, len(handles), DELETE_BATCH):
        chunk = handles[start : start + DELETE_BATCH]
        response = sqs.delete_message_batch(
            QueueUrl=queue_url,
            Entries=[{"Id": str(i), "ReceiptHandle": handle} for i, handle in enumerate(chunk)],
        )
        deleted += len(response.get("Successful", []))
        for failure in response.get("Failed", []):
            logger.warning("could not delete a processed message", extra={"failure": failure})
    return deleted
