"""The table, the buckets and the upload queues, from the definitions the app and the bootstrap use."""

from __future__ import annotations

from typing import Any

from aws_cdk import Duration, RemovalPolicy, Stack
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_cloudfront_origins as origins
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_notifications as s3n
from aws_cdk import aws_sqs as sqs
from cdk_nag import NagSuppressions
from constructs import Construct

from cloud.resources import (
    RAW_UPLOAD_PREFIX,
    RENDITION_PREFIX,
    TABLE_DEFINITION,
    TTL_ATTRIBUTE,
    UPLOAD_MAX_RECEIVES,
)
from infra.config import StageConfig, deployed_names, unique_bucket_name
from infra.nag import checkov_skip

RAW_UPLOAD_DAYS = 14  # = the DLQ's retention: a redriven upload message still finds its object
ATHENA_RESULTS_DAYS = 7  # query results are reused for minutes; a week covers CSV downloads
DLQ_RETENTION = Duration.days(14)  # SQS's maximum: time to notice, fix and redrive
LAKE_UNDELETE_DAYS = 30  # how long a lake object deleted by mistake can be restored
SQS_MANAGED_ENCRYPTION = (
    "Encrypted with SSE-SQS (SqsManagedSseEnabled), which checkov does not count; a KMS key would need "
    "a key policy for S3's notifications (the aws/sqs key cannot be used by S3 at all)."
)
# Why the media CDN goes without some hardening (cdk-nag's and checkov's names for the same checks).
CDN_NO_WAF = "Static, content-addressed images behind a cache; WAF costs more than it protects."
CDN_NO_LOGS = "Standard logs need an ACL-enabled bucket; CloudFront metrics suffice for images."
CDN_DEFAULT_TLS = (
    "The default *.cloudfront.net certificate cannot set a minimum TLS version; "
    "a custom domain sets TLSv1.2_2021."
)
ACCESS_LOGS_UNLOGGED = "The access-log bucket itself: logging it would loop."
ABORT_INCOMPLETE_UPLOADS = s3.LifecycleRule(
    id="abort-incomplete-uploads", abort_incomplete_multipart_upload_after=Duration.days(1)
)
VISIBILITY_FACTOR = 6  # AWS's advice for an SQS event source: 6x the function timeout

TABLE: dict[str, Any] = TABLE_DEFINITION
_ATTRIBUTE_TYPES = {"S": dynamodb.AttributeType.STRING, "N": dynamodb.AttributeType.NUMBER}


def _key_schema(key_schema: list[dict[str, str]]) -> tuple[dynamodb.Attribute, dynamodb.Attribute | None]:
    """Return the (partition, sort) key attributes of a ``KeySchema`` from ``TABLE_DEFINITION``."""
    types = {a["AttributeName"]: _ATTRIBUTE_TYPES[a["AttributeType"]] for a in TABLE["AttributeDefinitions"]}
    keys = {k["KeyType"]: k["AttributeName"] for k in key_schema}
    partition = dynamodb.Attribute(name=keys["HASH"], type=types[keys["HASH"]])
    sort = dynamodb.Attribute(name=keys["RANGE"], type=types[keys["RANGE"]]) if "RANGE" in keys else None
    return partition, sort


def only_prefix_function(prefix: str) -> str:
    """Return a CloudFront Function (JS 2.0) that answers 404 to any path outside ``prefix``."""
    return (
        "function handler(event) {\n"
        f"  if (event.request.uri.startsWith('/{prefix}')) {{ return event.request; }}\n"
        "  return { statusCode: 404, statusDescription: 'Not Found' };\n"
        "}\n"
    )


class DataResources(Construct):
    """The single table, media / lake / Athena-results buckets, the upload queue and the DLQs."""

    def __init__(self, scope: Construct, construct_id: str, *, config: StageConfig) -> None:
        super().__init__(scope, construct_id)
        stack = Stack.of(self)
        # The names as deployed: buckets unique to the account and region (the stack's outputs give
        # them to the app's environment).
        self.names = names = deployed_names(config.names, account=stack.account, region=stack.region)

        partition_key, sort_key = _key_schema(TABLE["KeySchema"])
        self.table = dynamodb.Table(
            self,
            "Table",
            table_name=names.table,
            partition_key=partition_key,
            sort_key=sort_key,
            billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
                point_in_time_recovery_enabled=True
            ),
            stream=dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
            time_to_live_attribute=TTL_ATTRIBUTE,
            deletion_protection=True,
            removal_policy=RemovalPolicy.RETAIN,
        )
        checkov_skip(
            self.table,
            {
                "CKV_AWS_119": "Encrypted at rest with DynamoDB's AWS-owned key (free); a customer-managed "
                "key costs $1 a month plus a charge on every request and adds kms:Decrypt to each read.",
            },
        )
        for index in TABLE["GlobalSecondaryIndexes"]:
            index_partition, index_sort = _key_schema(index["KeySchema"])
            self.table.add_global_secondary_index(
                index_name=index["IndexName"],
                partition_key=index_partition,
                sort_key=index_sort,
                projection_type=dynamodb.ProjectionType[index["Projection"]["ProjectionType"]],
            )

        # Server access logs of the other buckets (who read or wrote what, for incident reviews).
        self.access_logs = s3.Bucket(
            self,
            "AccessLogs",
            bucket_name=unique_bucket_name(
                f"{config.prefix}-access-logs", account=stack.account, region=stack.region
            ),
            encryption=s3.BucketEncryption.S3_MANAGED,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            enforce_ssl=True,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            lifecycle_rules=[s3.LifecycleRule(id="expire-logs", expiration=Duration.days(90))],
            removal_policy=RemovalPolicy.RETAIN,
        )
        NagSuppressions.add_resource_suppressions(
            self.access_logs,
            [{"id": "AwsSolutions-S1", "reason": ACCESS_LOGS_UNLOGGED}],
        )
        checkov_skip(
            self.access_logs,
            {
                "CKV_AWS_18": ACCESS_LOGS_UNLOGGED,
                "CKV_AWS_21": "Logs are written once by S3 and expire after 90 days: no versions to keep.",
            },
        )

        self.media_bucket = self._bucket(
            "Media",
            names.media_bucket,
            lifecycle_rules=[
                s3.LifecycleRule(
                    id="expire-raw-uploads",
                    prefix=RAW_UPLOAD_PREFIX,
                    expiration=Duration.days(RAW_UPLOAD_DAYS),
                ),
                ABORT_INCOMPLETE_UPLOADS,
            ],
            # Browsers POST files straight to the bucket (presigned POST) from the blog's origin.
            cors=[
                s3.CorsRule(
                    allowed_methods=[s3.HttpMethods.POST, s3.HttpMethods.GET],
                    allowed_origins=config.site_origins,
                    allowed_headers=["*"],
                    max_age=3600,
                )
            ],
        )
        checkov_skip(
            self.media_bucket,
            {
                "CKV_AWS_21": "An author's delete must remove the image (it may be personal), and renditions "
                "are rewritten in place: versions would keep both; a rendition is remade from its original.",
            },
        )
        # The lake is the analytics history (older table items expire): versioned, so an object
        # deleted by mistake can be restored for a while. Firehose writes each object once, so
        # versions cost nothing until something is deleted.
        self.lake_bucket = self._bucket(
            "Lake",
            names.lake_bucket,
            versioned=True,
            lifecycle_rules=[
                s3.LifecycleRule(
                    id="expire-deleted-versions",
                    noncurrent_version_expiration=Duration.days(LAKE_UNDELETE_DAYS),
                ),
                ABORT_INCOMPLETE_UPLOADS,
            ],
        )
        self.athena_results_bucket = self._bucket(
            "AthenaResults",
            names.athena_results_bucket,
            lifecycle_rules=[
                s3.LifecycleRule(id="expire-query-results", expiration=Duration.days(ATHENA_RESULTS_DAYS)),
                ABORT_INCOMPLETE_UPLOADS,
            ],
        )

        checkov_skip(
            self.athena_results_bucket,
            {"CKV_AWS_21": f"Query results, reproducible and expired after {ATHENA_RESULTS_DAYS} days."},
        )

        self.upload_dlq = self._dlq("UploadDlq", names.upload_dlq)
        self.upload_queue = sqs.Queue(
            self,
            "UploadQueue",
            queue_name=names.upload_queue,
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            visibility_timeout=Duration.seconds(VISIBILITY_FACTOR * config.lambda_timeout_seconds),
            retention_period=Duration.days(4),
            dead_letter_queue=sqs.DeadLetterQueue(
                max_receive_count=UPLOAD_MAX_RECEIVES, queue=self.upload_dlq
            ),
        )
        checkov_skip(self.upload_queue, {"CKV_AWS_27": SQS_MANAGED_ENCRYPTION})
        self.stream_dlq = self._dlq("StreamDlq", names.stream_dlq)

        self.media_bucket.add_event_notification(
            s3.EventType.OBJECT_CREATED,
            s3n.SqsDestination(self.upload_queue),
            s3.NotificationKeyFilter(prefix=RAW_UPLOAD_PREFIX),
        )

        # Renditions are served by CloudFront (the bucket stays private: origin access control). Only
        # renditions: a raw upload may still carry its GPS position, which the renditions drop.
        self.only_renditions = cloudfront.Function(
            self,
            "OnlyRenditions",
            function_name=f"{config.prefix}-only-renditions",
            comment="404 for anything but renditions/",
            runtime=cloudfront.FunctionRuntime.JS_2_0,
            code=cloudfront.FunctionCode.from_inline(only_prefix_function(RENDITION_PREFIX)),
        )
        self.media_cdn = cloudfront.Distribution(
            self,
            "MediaCdn",
            comment=f"{config.prefix} media renditions",
            default_behavior=cloudfront.BehaviorOptions(
                origin=origins.S3BucketOrigin.with_origin_access_control(self.media_bucket),
                viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
                cache_policy=cloudfront.CachePolicy.CACHING_OPTIMIZED,
                allowed_methods=cloudfront.AllowedMethods.ALLOW_GET_HEAD,
                function_associations=[
                    cloudfront.FunctionAssociation(
                        function=self.only_renditions, event_type=cloudfront.FunctionEventType.VIEWER_REQUEST
                    )
                ],
            ),
            price_class=cloudfront.PriceClass.PRICE_CLASS_100,
            http_version=cloudfront.HttpVersion.HTTP2_AND_3,
        )
        NagSuppressions.add_resource_suppressions(
            self.media_cdn,
            [
                {"id": "AwsSolutions-CFR1", "reason": "A public blog's images: readers come from anywhere."},
                {"id": "AwsSolutions-CFR2", "reason": CDN_NO_WAF},
                {"id": "AwsSolutions-CFR3", "reason": CDN_NO_LOGS},
                {"id": "AwsSolutions-CFR4", "reason": CDN_DEFAULT_TLS},
            ],
        )
        checkov_skip(
            self.media_cdn,
            {
                "CKV_AWS_68": CDN_NO_WAF,
                "CKV_AWS_86": CDN_NO_LOGS,
                "CKV_AWS_174": CDN_DEFAULT_TLS,
            },
        )

    def _bucket(self, construct_id: str, name: str, **options: object) -> s3.Bucket:
        return s3.Bucket(
            self,
            construct_id,
            bucket_name=name,
            encryption=s3.BucketEncryption.S3_MANAGED,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            enforce_ssl=True,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            server_access_logs_bucket=self.access_logs,
            server_access_logs_prefix=f"{name}/",
            removal_policy=RemovalPolicy.RETAIN,
            **options,  # type: ignore[arg-type]
        )

    def _dlq(self, construct_id: str, name: str) -> sqs.Queue:
        queue = sqs.Queue(
            self,
            construct_id,
            queue_name=name,
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            retention_period=DLQ_RETENTION,
        )
        NagSuppressions.add_resource_suppressions(
            queue, [{"id": "AwsSolutions-SQS3", "reason": "This queue is itself a dead-letter queue."}]
        )
        checkov_skip(queue, {"CKV_AWS_27": SQS_MANAGED_ENCRYPTION})
        return queue
