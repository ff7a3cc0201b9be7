"""The stacks: ``<prefix>`` (everything Zappa's function needs, deployed first) and
``<prefix>-wiring`` (the stream mapping onto the function Zappa created, deployed after it)."""

from __future__ import annotations

from aws_cdk import App, Aspects, CfnOutput, Environment, Stack
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_route53 as route53
from cdk_nag import AwsSolutionsChecks, NagPackSuppression, NagSuppressions
from constructs import Construct

from infra.access import AppAccess
from infra.config import REGION, StageConfig
from infra.data import DataResources
from infra.identity import IdentityResources
from infra.lake import LakeResources
from infra.monitoring import Monitoring
from infra.nag import checkov_skip
from infra.wiring import WiringStack


class BlogStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, *, config: StageConfig, **kwargs: object) -> None:
        super().__init__(scope, construct_id, **kwargs)  # type: ignore[arg-type]
        self.config = config
        self.data = DataResources(self, "Data", config=config)
        self.lake = LakeResources(
            self,
            "Lake",
            config=config,
            lake_bucket=self.data.lake_bucket,
            athena_results_bucket=self.data.athena_results_bucket,
        )
        self.identity = IdentityResources(self, "Identity", config=config)
        self.access = AppAccess(
            self,
            "Access",
            config=config,
            table=self.data.table,
            media_bucket=self.data.media_bucket,
            lake_bucket=self.data.lake_bucket,
            athena_results_bucket=self.data.athena_results_bucket,
            upload_queue=self.data.upload_queue,
            upload_dlq=self.data.upload_dlq,
            stream_dlq=self.data.stream_dlq,
            delivery_stream=self.lake.delivery_stream,
            user_pool=self.identity.user_pool,
        )
        self.monitoring = Monitoring(
            self,
            "Monitoring",
            config=config,
            table=self.data.table,
            upload_queue=self.data.upload_queue,
            upload_dlq=self.data.upload_dlq,
            stream_dlq=self.data.stream_dlq,
            delivery_stream=self.lake.delivery_stream,
            buffer_interval=self.lake.buffer_interval,
        )
        # The blog's own domain (optional): a certificate for Zappa's API Gateway custom domain
        # (``zappa certify``; an edge-optimized domain needs it in us-east-1, which is REGION).
        self.certificate: acm.Certificate | None = None
        if config.domain:
            zone = (
                route53.HostedZone.from_hosted_zone_attributes(
                    self,
                    "Zone",
                    hosted_zone_id=config.hosted_zone_id,
                    zone_name=config.hosted_zone_name or "",
                )
                if config.hosted_zone_id
                else None
            )
            self.certificate = acm.Certificate(
                self,
                "Certificate",
                domain_name=config.domain,
                # Without a Route 53 zone, the stack waits until the CNAME it asks for is added by hand.
                validation=acm.CertificateValidation.from_dns(zone),
            )
        # What the function's configuration needs (docs/deploy.md copies these into zappa_settings.json).
        outputs = {
            "CognitoUserPoolId": self.identity.user_pool.user_pool_id,
            "CognitoClientId": self.identity.client.user_pool_client_id,
            "MediaDomain": self.data.media_cdn.distribution_domain_name,
            "MediaBucketName": self.data.media_bucket.bucket_name,
            "LakeBucketName": self.data.lake_bucket.bucket_name,
            "AthenaResultsBucketName": self.data.athena_results_bucket.bucket_name,
            "UploadQueueArn": self.data.upload_queue.queue_arn,
            "LambdaRoleName": self.access.role.role_name,
            "AppPolicyArn": self.access.policy.managed_policy_arn,
            "TableStreamArn": self.data.table.table_stream_arn or "",
            "AlarmTopicArn": self.monitoring.topic.topic_arn,
            "DashboardName": config.prefix + "-pipeline",
        }
        if self.certificate is not None:
            outputs["CertificateArn"] = self.certificate.certificate_arn
        for name, value in outputs.items():
            CfnOutput(self, name, value=value)
        # CDK's own singleton function that writes the bucket notification configuration at deploy time.
        NagSuppressions.add_resource_suppressions_by_path(
            self,
            f"/{self.stack_name}/BucketNotificationsHandler050a0587b7544547bf325f094a3db834/Role/Resource",
            [
                NagPackSuppression(
                    id="AwsSolutions-IAM4",
                    reason="CDK's bucket-notification custom resource; "
                    "it only logs with the basic execution role.",
                    applies_to=[
                        "Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
                    ],
                ),
                NagPackSuppression(
                    id="AwsSolutions-IAM5",
                    reason="CDK's bucket-notification custom resource: s3:PutBucketNotification needs '*'.",
                    applies_to=["Resource::*"],
                ),
            ],
            apply_to_children=True,
        )
        handler = self.node.find_child("BucketNotificationsHandler050a0587b7544547bf325f094a3db834")
        checkov_skip(
            handler.node.find_child("Resource"),
            {
                check: f"CDK's bucket-notification custom resource, run by CloudFormation on deploy: {why}"
                for check, why in (
                    ("CKV_AWS_115", "nothing else calls it, so no concurrency to reserve."),
                    ("CKV_AWS_116", "a failure fails the deploy, which reports it; no DLQ to read."),
                    ("CKV_AWS_117", "it calls only the S3 API, and a VPC would need an endpoint or NAT."),
                )
            },
        )


def build_app(
    app: App, config: StageConfig, *, account: str | None = None, nag: bool = True
) -> tuple[BlogStack, WiringStack]:
    """Add both stacks for ``config`` to ``app`` (with cdk-nag's AwsSolutions checks)."""
    env = Environment(account=account, region=REGION)
    blog = BlogStack(
        app,
        config.data_stack,
        config=config,
        env=env,
        description=f"Serverless blog {config.stage}: data, lake, identity, access, alarms",
    )
    wiring = WiringStack(
        app,
        config.wiring_stack,
        config=config,
        stream_arn=blog.data.table.table_stream_arn or "",
        stream_dlq=blog.data.stream_dlq,
        env=env,
        description=f"Serverless blog {config.stage}: stream -> {config.function_name} (after zappa deploy)",
    )
    wiring.add_stack_dependency(blog) if hasattr(wiring, "add_stack_dependency") else wiring.add_dependency(
        blog
    )
    if nag:
        Aspects.of(app).add(AwsSolutionsChecks(verbose=True))
    return blog, wiring
