"""The DynamoDB stream -> Zappa function event-source mapping (deployed after ``zappa deploy``).

Zappa cannot create it: its event-source code sends no ``StartingPosition``, which streams require,
and none of the failure handling below. The function is looked up by the name Zappa gives it.
"""

from __future__ import annotations

import json

from aws_cdk import ArnFormat, Duration, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as sources
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from cloud.resources import ENTITY
from infra.config import StageConfig

STREAM_BATCH_SIZE = 100  # records per invocation; the handler sends them in <= 500-record Firehose calls
STREAM_BATCHING_WINDOW = Duration.seconds(5)  # fewer, fuller invocations; the lake lags minutes anyway
STREAM_RETRIES = 5  # after bisecting down to the failing record
STREAM_MAX_RECORD_AGE = Duration.hours(6)  # well inside the stream's 24 h retention; then to the DLQ

# The items analytics turns into events (analytics.events.event_from_record); slug, content and
# rate-limit items change on most writes but are no analytics, so Lambda drops them before invoking
# (filtered records are not billed). Two patterns, OR-ed: the new image (INSERT, MODIFY) or the old one
# (REMOVE, which has no new image). tests/infra checks the list against analytics.events.
STREAM_ENTITIES = ("article", "like", "image")


def stream_filters() -> list[dict[str, str]]:
    """Return the mapping's FilterCriteria filters: records whose item is one of ``STREAM_ENTITIES``."""
    return [
        {"pattern": json.dumps({"dynamodb": {image: {ENTITY: {"S": list(STREAM_ENTITIES)}}}})}
        for image in ("NewImage", "OldImage")
    ]


class WiringStack(Stack):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: StageConfig,
        stream_arn: str,
        stream_dlq: sqs.IQueue,
        **kwargs: object,
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)  # type: ignore[arg-type]
        # Zappa's function, with the role infra/ made for it (immutable: its policy already allows the
        # stream reads and the DLQ sends, so CDK must not try to add statements to it).
        function = lambda_.Function.from_function_attributes(
            self,
            "ZappaFunction",
            function_arn=self.format_arn(
                service="lambda",
                resource="function",
                resource_name=config.function_name,
                arn_format=ArnFormat.COLON_RESOURCE_NAME,
            ),
            role=iam.Role.from_role_name(self, "ZappaRole", config.lambda_role_name, mutable=False),
            same_environment=True,
        )
        self.mapping = lambda_.EventSourceMapping(
            self,
            "TableStream",
            target=function,
            event_source_arn=stream_arn,
            starting_position=lambda_.StartingPosition.TRIM_HORIZON,
            batch_size=STREAM_BATCH_SIZE,
            max_batching_window=STREAM_BATCHING_WINDOW,
            bisect_batch_on_error=True,
            retry_attempts=STREAM_RETRIES,
            max_record_age=STREAM_MAX_RECORD_AGE,
            report_batch_item_failures=True,
            parallelization_factor=1,
            on_failure=sources.SqsDlq(stream_dlq),
            filters=stream_filters(),
        )
