"""The upload handler: SQS messages carrying S3 ``ObjectCreated`` notifications -> renditions.

In production Zappa's SQS event source invokes the function and ``cloud.lambda_handlers`` calls
``handle`` (Zappa 0.63 cannot set ``ReportBatchItemFailures``, so that entry point turns reported
failures into a retry of just those messages); ``cloud.local.sqs_runner`` calls it on a developer's
machine. Each message is handled on its own:
one that fails for a passing reason is reported in ``batchItemFailures`` and comes back later;
one that can never succeed (a message that is not an S3 notification) fails every time and so
ends in the DLQ after three receives; an upload that is not a usable image is marked ``failed``
with its reason and not retried.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote_plus

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Upload:
    bucket: str
    key: str


class NotAnS3Notification(Exception):
    pass


def _ensure_django() -> None:
    # Zappa imports this module for events without starting Django; its settings drive storages.
    import django
    from django.apps import apps

    if not apps.ready:
        django.setup()


def uploads_in_message(body: str) -> list[Upload]:
    """Return the uploads an SQS message body announces (none for S3's test event)."""
    try:
        notification = json.loads(body)
    except ValueError:
        raise NotAnS3Notification("the body is not JSON") from None
    if not isinstance(notification, dict):
        raise NotAnS3Notification("the body is not a JSON object")
    if notification.get("Event") == "s3:TestEvent":
        return []  # sent by S3 when the notification is configured
    records = notification.get("Records")
    if not isinstance(records, list):
        raise NotAnS3Notification("no Records")
    uploads = []
    for record in records:
        try:
            if not str(record["eventName"]).startswith("ObjectCreated"):
                continue
            s3 = record["s3"]
            # S3 URL-encodes keys in notifications (spaces as '+', slashes too on the emulator).
            uploads.append(Upload(bucket=s3["bucket"]["name"], key=unquote_plus(s3["object"]["key"])))
        except (KeyError, TypeError):
            raise NotAnS3Notification("a record without eventName, bucket or key") from None
    return uploads


def handle_upload(upload: Upload) -> None:
    from cloud import aws
    from uploads.domain import parse_raw_key
    from uploads.services import image_process

    if upload.bucket != aws.names().media_bucket:
        logger.warning("upload in an unexpected bucket", extra={"bucket": upload.bucket, "key": upload.key})
        return
    parts = parse_raw_key(upload.key)
    if parts is None:
        logger.warning("upload key not handed out by the app", extra={"key": upload.key})
        return
    image_process(image_id=parts.image_id, key=upload.key)


def handle(event: dict[str, Any], context: Any = None) -> dict[str, list[dict[str, str]]]:
    """Process every record of every message; return the messages to retry (partial batch response)."""
    _ensure_django()
    failures = []
    for message in event.get("Records", []):
        message_id = message.get("messageId", "")
        try:
            for upload in uploads_in_message(message.get("body", "")):
                handle_upload(upload)
        except NotAnS3Notification as error:
            logger.error("not an S3 notification", extra={"message_id": message_id, "reason": str(error)})
            failures.append({"itemIdentifier": message_id})
        except Exception:
            logger.exception("upload failed; the message will be retried", extra={"message_id": message_id})
            failures.append({"itemIdentifier": message_id})
    return {"batchItemFailures": failures}
