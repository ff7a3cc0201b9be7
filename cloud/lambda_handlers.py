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
  raises: Lambda then returns only the failed ones to the queue, which retries them and, after
  ``UPLOAD_MAX_RECEIVES`` receives, moves them to the DLQ. (The mapping delivers one message per
  batch anyway, so that an image gets the whole timeout to itself.)
- Everything else (API Gateway, keep-warm, ``manage``, ``command``) -> Zappa's handler, unchanged.

The garbage collector runs rarely from this module's first line until the first invocation ends
(common/coldstart.py): the imports of Zappa's handler, boto3 and Django are most of a cold start.

Records are routed *before* Zappa's handler is built: a stream or upload invocation sets up Django
(settings, apps) but never builds the WSGI application and its middleware, which only pages need.
The two handlers are imported where they are called, so a page's cold start imports neither.

At cold start the Django secret key is read from SSM Parameter Store (``DJANGO_SECRET_KEY_PARAMETER``),
so it never sits in the Lambda configuration or the package. During a rotation the parameter holds
the new key and the old one, one per line (``config.settings.secret_keys``).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Mapping, MutableMapping
from typing import Any

from common import coldstart

coldstart.collect_rarely()  # before anything else this start imports: Zappa's handler, boto3, Django

from cloud import aws  # noqa: E402
from cloud.sqs import messages_delete, queue_of_arn, queue_url  # noqa: E402

logger = logging.getLogger(__name__)

Handler = Callable[[dict[str, Any], Any], dict[str, Any]]

# Environment variable -> the variable naming the SSM parameter (SecureString) that holds its value.
SECRET_PARAMETERS = {
    "DJANGO_SECRET_KEY": "DJANGO_SECRET_KEY_PARAMETER",
    "VISITOR_HASH_KEY": "VISITOR_HASH_KEY_PARAMETER",
}
DJANGO_SETTINGS = "config.settings"  # zappa_settings.json django_settings


class UploadBatchFailed(RuntimeError):
    """Raised so that Lambda retries the upload message (and finally moves it to the DLQ)."""


def table_of_stream_arn(arn: str) -> str | None:
    """Return the table name in a DynamoDB stream ARN (``arn:...:table/<name>/stream/<label>``)."""
    _, _, resource = arn.partition(":table/")
    name, sep, _ = resource.partition("/stream/")
    return name if sep and name else None


def stream_batch_handle(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Send a batch of the table's stream records to the lake; return the partial batch response."""
    from analytics.stream_handler import handle

    return handle(event, context)


def upload_batch_handle(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Process a batch of upload messages; on failures delete the successes and raise (see above)."""
    from uploads.handler import handle

    result: dict[str, Any] = dict(handle(event, context) or {})
    failures = result.get("batchItemFailures", [])
    if failures:
        deleted = sqs_delete_succeeded(event["Records"], failures=failures)
        raise UploadBatchFailed(
            f"{len(failures)} upload message(s) failed ({deleted} succeeded and were deleted); "
            "Lambda returns the failed ones to the queue"
        )
    return result


def route_of(event: Mapping[str, Any]) -> Handler | None:
    """Return the handler for a record batch of ours, or None (Zappa's business)."""
    records = event.get("Records")
    if not isinstance(records, list) or not records or not isinstance(records[0], Mapping):
        return None
    first = records[0]
    names = aws.names()
    source = first.get("eventSource")
    arn = str(first.get("eventSourceARN", ""))
    if source == "aws:dynamodb" and table_of_stream_arn(arn) == names.table:
        return stream_batch_handle
    if source == "aws:sqs" and queue_of_arn(arn) == names.upload_queue:
        return upload_batch_handle
    return None


def sqs_delete_succeeded(records: list[dict[str, Any]], *, failures: list[dict[str, str]]) -> int:
    """Delete the batch's messages that are not in ``failures``; return how many were deleted.

    Lambda deletes a batch's messages only when the invocation succeeds; an invocation that raises
    leaves them all to come back. Deleting the successful ones first means only the failures return.
    """
    failed = {failure["itemIdentifier"] for failure in failures}
    done = [record for record in records if record["messageId"] not in failed]
    if not done:
        return 0
    queue = queue_of_arn(str(done[0]["eventSourceARN"]))
    if queue is None:
        raise ValueError(f"not an SQS record: {done[0]['eventSourceARN']!r}")
    return messages_delete(queue_url=queue_url(queue), receipt_handles=[r["receiptHandle"] for r in done])


def apply_packaged_environment() -> None:
    """Apply the stage's ``environment_variables`` (zappa_settings.py, in the package) now.

    Zappa applies them only when its handler starts, which is after the secrets below are needed.
    """
    try:
        import zappa_settings  # written into the package by Zappa
    except ImportError:  # running outside a package (tests, local runners)
        return
    os.environ.update(getattr(zappa_settings, "ENVIRONMENT_VARIABLES", {}))


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


def _django_setup() -> None:
    """Configure Django's settings and apps (idempotent), without the WSGI app a page needs."""
    import django
    from django.apps import apps

    if not apps.ready:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", DJANGO_SETTINGS)
        django.setup()


@coldstart.ends_start_up
def lambda_handler(event: dict[str, Any], context: Any) -> Any:
    """Handle one Lambda invocation."""
    loaded = _cold_start()
    route = route_of(event)
    if route is None:
        from zappa.handler import LambdaHandler

        LambdaHandler()  # the singleton loads settings, environment, logging and Django once
        if loaded:
            logger.info("secrets loaded from SSM", extra={"variables": loaded})
        return LambdaHandler.lambda_handler(event, context)
    _django_setup()
    if loaded:
        logger.info("secrets loaded from SSM", extra={"variables": loaded})
    from common.logging import request_id

    token = request_id.set(str(getattr(context, "aws_request_id", "-")))
    try:
        result = route(event, context)
        logger.info(
            "batch handled",
            extra={
                "handler": route.__name__,
                "records": len(event["Records"]),
                "failed": len(result.get("batchItemFailures", [])),
            },
        )
        return result
    finally:
        request_id.reset(token)
