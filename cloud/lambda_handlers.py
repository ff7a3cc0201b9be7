"""The Lambda entry point (zappa_settings.json ``lambda_handler``): route record batches, delegate the rest.

Why not Zappa's own routing for everything: Zappa routes a ``Records`` event by the exact event-source
ARN listed in zappa_settings.json (``AWS_EVENT_MAPPING``). A DynamoDB stream's ARN ends in a label
(``.../stream/2026-11-23T09:00:00.000``) that exists only once infra/ has created the table, and Zappa
must not create that mapping anyway (it sends no ``StartingPosition``); infra/ creates it. So records
are routed here by the resource *name* (from ``cloud.resources``), which is known before deployment:

- DynamoDB stream records of the table -> ``analytics.stream_handler.handle``; its
  ``batchItemFailures`` go back to Lambda (the infra/ mapping has ``ReportBatchItemFailures``).
- SQS records of the upload queue -> ``uploads.handler.handle``. Zappa 0.63 creates this mapping
  without ``FunctionResponseTypes``, so Lambda would ignore ``batchItemFailures`` and delete failed
  messages. So when messages fail, the ones that succeeded are deleted here and the invocation
  raises: Lambda then returns only the failed ones to the queue, which retries them and, after 3
  receives, moves them to the DLQ. (The mapping delivers one message per batch anyway, so that an
  image gets the whole timeout to itself.)
- Everything else (API Gateway, keep-warm, ``manage``, ``command``) -> Zappa's handler, unchanged.

At cold start the Django secret key is read from SSM Parameter Store (``DJANGO_SECRET_KEY_PARAMETER``),
so it never sits in the Lambda configuration or the package. During a rotation the parameter holds
the new key and the old one, one per line (``config.settings.secret_keys``).
"""

from __future__ import annotations

import importlib
import logging
import os
from collections.abc import Callable, Mapping, MutableMapping
from typing import Any

from cloud import aws

logger = logging.getLogger(__name__)

STREAM_HANDLER = "analytics.stream_handler.handle"
UPLOAD_HANDLER = "uploads.handler.handle"

# Environment variable -> the variable naming the SSM parameter (SecureString) that holds its value.
SECRET_PARAMETERS = {
    "DJANGO_SECRET_KEY": "DJANGO_SECRET_KEY_PARAMETER",
    "VISITOR_HASH_KEY": "VISITOR_HASH_KEY_PARAMETER",
}


class UploadBatchFailed(RuntimeError):
    """Raised so that Lambda retries the upload message (and finally moves it to the DLQ)."""


def table_of_stream_arn(arn: str) -> str | None:
    """Return the table name in a DynamoDB stream ARN (``arn:...:table/<name>/stream/<label>``)."""
    _, _, resource = arn.partition(":table/")
    name, sep, _ = resource.partition("/stream/")
    return name if sep and name else None


def queue_of_arn(arn: str) -> str | None:
    """Return the queue name in an SQS ARN (``arn:aws:sqs:<region>:<account>:<name>``)."""
    parts = arn.split(":")
    return parts[5] if len(parts) == 6 and parts[2] == "sqs" and parts[5] else None


def route_of(event: Mapping[str, Any]) -> str | None:
    """Return the dotted path of the handler for a record batch of ours, or None (Zappa's business)."""
    records = event.get("Records")
    if not isinstance(records, list) or not records or not isinstance(records[0], Mapping):
        return None
    first = records[0]
    names = aws.names()
    source = first.get("eventSource")
    arn = str(first.get("eventSourceARN", ""))
    if source == "aws:dynamodb" and table_of_stream_arn(arn) == names.table:
        return STREAM_HANDLER
    if source == "aws:sqs" and queue_of_arn(arn) == names.upload_queue:
        return UPLOAD_HANDLER
    return None


SQS_DELETE_BATCH = 10  # DeleteMessageBatch's limit


def sqs_delete_succeeded(
    records: list[dict[str, Any]], *, failures: list[dict[str, str]], sqs: Any = None
) -> int:
    """Delete the batch's messages that are not in ``failures``; return how many were deleted.

    Lambda deletes a batch's messages only when the invocation succeeds; an invocation that raises
    leaves them all to come back. Deleting the successful ones first means only the failures return.
    """
    failed = {failure["itemIdentifier"] for failure in failures}
    done = [record for record in records if record["messageId"] not in failed]
    if not done:
        return 0
    sqs = sqs or aws.client("sqs")
    queue = queue_of_arn(str(done[0]["eventSourceARN"]))
    url = sqs.get_queue_url(QueueName=queue)["QueueUrl"]
    deleted = 0
    for start in range(0, len(done), SQS_DELETE_BATCH):
        chunk = done[start : start + SQS_DELETE_BATCH]
        response = sqs.delete_message_batch(
            QueueUrl=url,
            Entries=[
                {"Id": str(i), "ReceiptHandle": record["receiptHandle"]} for i, record in enumerate(chunk)
            ],
        )
        deleted += len(response.get("Successful", []))
        for failure in response.get("Failed", []):
            # Not fatal: the message comes back and is processed again (processing is idempotent).
            logger.warning("could not delete a processed upload message", extra={"failure": failure})
    return deleted


def import_handler(dotted: str) -> Callable[[dict[str, Any], Any], dict[str, Any]]:
    module, _, name = dotted.rpartition(".")
    handler: Callable[[dict[str, Any], Any], dict[str, Any]] = getattr(importlib.import_module(module), name)
    return handler


def apply_packaged_environment() -> None:
    """Apply the stage's ``environment_variables`` (zappa_settings.py, in the package) now.

    Zappa applies them only when its handler starts, which is after the secrets below are needed.
    """
    try:
        packaged = importlib.import_module("zappa_settings")
    except ImportError:  # running outside a package (tests, local runners)
        return
    os.environ.update(getattr(packaged, "ENVIRONMENT_VARIABLES", {}))


def load_secrets(environ: MutableMapping[str, str] = os.environ) -> list[str]:
    """Fill each unset secret from its SSM parameter; return the variables that were loaded."""
    loaded = []
    for variable, parameter_variable in SECRET_PARAMETERS.items():
        parameter = environ.get(parameter_variable)
        if not parameter or environ.get(variable):
            continue
        response = aws.client("ssm").get_parameter(Name=parameter, WithDecryption=True)
        environ[variable] = response["Parameter"]["Value"]
        loaded.append(variable)
    return loaded


_cold = True


def _cold_start() -> list[str]:
    """Prepare the environment once per container; return the secrets loaded."""
    global _cold
    if not _cold:
        return []
    apply_packaged_environment()
    loaded = load_secrets()
    _cold = False
    return loaded


def _zappa() -> Any:
    from zappa.handler import LambdaHandler

    return LambdaHandler


def lambda_handler(event: dict[str, Any], context: Any) -> Any:
    """Handle one Lambda invocation."""
    loaded = _cold_start()
    zappa = _zappa()
    zappa()  # the singleton loads settings, environment, logging and Django once
    if loaded:
        logger.info("secrets loaded from SSM", extra={"variables": loaded})
    route = route_of(event)
    if route is None:
        return zappa.lambda_handler(event, context)
    from common.logging import request_id

    token = request_id.set(str(getattr(context, "aws_request_id", "-")))
    try:
        result = import_handler(route)(event, context)
        failures = (result or {}).get("batchItemFailures", [])
        logger.info(
            "batch handled",
            extra={"handler": route, "records": len(event["Records"]), "failed": len(failures)},
        )
        if route == UPLOAD_HANDLER and failures:
            deleted = sqs_delete_succeeded(event["Records"], failures=failures)
            raise UploadBatchFailed(
                f"{len(failures)} upload message(s) failed ({deleted} succeeded and were deleted); "
                "Lambda returns the failed ones to the queue"
            )
        return result
    finally:
        request_id.reset(token)
