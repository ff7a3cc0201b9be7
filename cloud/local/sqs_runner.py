"""Imitate Lambda's SQS event-source mapping for the upload queue, against the local emulator.

``python -m cloud.local.sqs_runner`` (started by ``make run``) long-polls the upload queue and calls
``uploads.handler.handle`` with Lambda-shaped SQS events, as Zappa's SQS event source does in AWS:

- batches of up to ``BATCH_SIZE`` messages (long polling, ``WaitTimeSeconds``);
- the partial batch response: messages not in ``batchItemFailures`` are deleted; the failed ones
  stay on the queue and come back when their visibility timeout ends (shortened here to
  ``RETRY_DELAY_SECONDS`` with ChangeMessageVisibility, so a developer does not wait two minutes);
  a raised exception fails the whole batch;
- the queue's redrive policy (``maxReceiveCount`` = ``UPLOAD_MAX_RECEIVES``, made by the bootstrap) moves
  a message that keeps failing to the DLQ: the emulator does that itself on the next receive, as SQS does.
"""

from __future__ import annotations

import logging
import signal
import sys
import threading
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from cloud import aws
from cloud.sqs import messages_delete
from cloud.sqs import queue_url as lookup_queue_url

logger = logging.getLogger("cloud.local.sqs_runner")

BATCH_SIZE = 10  # ReceiveMessage's maximum, and Zappa's default batch for SQS events
POLL_SECONDS = 20  # ReceiveMessage's longest wait
RETRY_DELAY_SECONDS = 2  # locally; in AWS a failed message waits out the queue's visibility timeout
ERROR_BACKOFF_SECONDS = 2.0


def lambda_event(messages: list[dict[str, Any]], *, queue_arn: str) -> dict[str, Any]:
    """Return the event Lambda builds for a batch of received messages."""
    return {
        "Records": [
            {
                "messageId": message["MessageId"],
                "receiptHandle": message["ReceiptHandle"],
                "body": message["Body"],
                "attributes": message.get("Attributes", {}),
                "messageAttributes": message.get("MessageAttributes", {}),
                "md5OfBody": message.get("MD5OfBody", ""),
                "eventSource": "aws:sqs",
                "eventSourceARN": queue_arn,
                "awsRegion": aws.region(),
            }
            for message in messages
        ]
    }


def _invoke(event: dict[str, Any]) -> set[str]:
    """Call the handler; return the ids of the messages that failed."""
    from uploads.handler import handle

    try:
        response = handle(event, None)
    except Exception:
        logger.exception("upload handler raised: the whole batch will be retried")
        return {record["messageId"] for record in event["Records"]}
    return {failure["itemIdentifier"] for failure in (response or {}).get("batchItemFailures", [])}


def poll_once(*, queue_url: str, queue_arn: str, wait_seconds: int) -> int:
    """Receive one batch, handle it, settle each message; return how many messages were received."""
    sqs = aws.client("sqs")
    messages = sqs.receive_message(
        QueueUrl=queue_url,
        MaxNumberOfMessages=BATCH_SIZE,
        WaitTimeSeconds=wait_seconds,
        MessageSystemAttributeNames=["All"],
        MessageAttributeNames=["All"],
    ).get("Messages", [])
    if not messages:
        return 0
    failed = _invoke(lambda_event(messages, queue_arn=queue_arn))
    done = [m for m in messages if m["MessageId"] not in failed]
    retry = [m for m in messages if m["MessageId"] in failed]
    if done:
        messages_delete(queue_url=queue_url, receipt_handles=[m["ReceiptHandle"] for m in done], sqs=sqs)
    if retry:
        sqs.change_message_visibility_batch(
            QueueUrl=queue_url,
            Entries=[
                {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"], "VisibilityTimeout": RETRY_DELAY_SECONDS}
                for i, m in enumerate(retry)
            ],
        )
        logger.warning("messages will be retried", extra={"message_ids": [m["MessageId"] for m in retry]})
    return len(messages)


def run(stop: threading.Event, *, poll_seconds: int = POLL_SECONDS, queue_name: str | None = None) -> None:
    """Poll the upload queue until ``stop`` is set (within ``poll_seconds``)."""
    queue_url = queue_arn = ""
    while not stop.is_set():
        try:
            if not queue_url:
                sqs = aws.client("sqs")
                queue_url = lookup_queue_url(queue_name or aws.names().upload_queue)
                queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])[
                    "Attributes"
                ]["QueueArn"]
            poll_once(queue_url=queue_url, queue_arn=queue_arn, wait_seconds=poll_seconds)
        except (BotoCoreError, ClientError) as error:
            logger.warning("upload runner waiting for the emulator: %s", error)
            queue_url = ""
            stop.wait(ERROR_BACKOFF_SECONDS)


def main() -> int:
    import os

    import django

    from common.logging import JsonFormatter  # structured lines, as the Lambda would log them

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()  # the handler stores renditions through django-storages
    console = logging.StreamHandler()
    console.setFormatter(JsonFormatter())
    logging.basicConfig(level=logging.INFO, handlers=[console], force=True)
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    logger.info("upload runner started")
    # Short polls: Ctrl-C should stop the runner within a couple of seconds.
    run(stop, poll_seconds=2)
    logger.info("upload runner stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
