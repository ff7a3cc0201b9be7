"""The Lambda function's role: exactly what the app, its handlers and its event sources use.

Cognito's sign-up, sign-in and password APIs are public (no IAM); the admins' user page
(accounts.cognito.UserAdmin: list users and group members, grant and revoke groups, disable and
enable) calls the pool's admin APIs, allowed on the one pool. Zappa is told not to manage roles
(``manage_roles: false``, ``role_name``): its own role carries a broad policy (``s3:*``,
``dynamodb:*``, ``sqs:*`` ... on ``*``). This role has one customer-managed policy instead, so it can
also be attached to a role that someone else manages.
"""

from __future__ import annotations

from aws_cdk import Aws
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kinesisfirehose as firehose
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sqs as sqs
from cdk_nag import NagPackSuppression, NagSuppressions
from constructs import Construct

from cloud.resources import LAKE_EVENTS_PREFIX
from infra.config import StageConfig
from infra.nag import arn_reference


class AppAccess(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: StageConfig,
        table: dynamodb.ITable,
        media_bucket: s3.IBucket,
        lake_bucket: s3.IBucket,
        athena_results_bucket: s3.IBucket,
        upload_queue: sqs.IQueue,
        upload_dlq: sqs.IQueue,
        stream_dlq: sqs.IQueue,
        delivery_stream: firehose.CfnDeliveryStream,
        user_pool: cognito.IUserPool,
    ) -> None:
        super().__init__(scope, construct_id)
        names = config.names
        region, account, partition = Aws.REGION, Aws.ACCOUNT_ID, Aws.PARTITION
        catalog = f"arn:{partition}:glue:{region}:{account}"

        statements = [
            iam.PolicyStatement(
                sid="Logs",
                actions=["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
                resources=[
                    f"arn:{partition}:logs:{region}:{account}:log-group:/aws/lambda/{config.function_name}",
                    f"arn:{partition}:logs:{region}:{account}:log-group:/aws/lambda/{config.function_name}:*",
                ],
            ),
            iam.PolicyStatement(
                sid="Table",
                actions=[
                    "dynamodb:GetItem",
                    "dynamodb:BatchGetItem",
                    "dynamodb:Query",
                    "dynamodb:Scan",  # backfill_lake only (a management command)
                    "dynamodb:PutItem",
                    "dynamodb:UpdateItem",
                    "dynamodb:DeleteItem",
                    "dynamodb:BatchWriteItem",
                    "dynamodb:ConditionCheckItem",
                    "dynamodb:DescribeTable",
                ],
                resources=[table.table_arn, f"{table.table_arn}/index/*"],
            ),
            iam.PolicyStatement(
                sid="TableStream",  # the event-source mapping reads the stream with the function's role
                actions=["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"],
                resources=[f"{table.table_arn}/stream/*"],
            ),
            iam.PolicyStatement(
                sid="ListStreams",  # ListStreams has no resource-level permissions
                actions=["dynamodb:ListStreams"],
                resources=["*"],
            ),
            iam.PolicyStatement(
                sid="Media",
                actions=["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
                resources=[media_bucket.arn_for_objects("*")],
            ),
            iam.PolicyStatement(
                sid="BucketListing",  # django-storages' exists(); the lake's newest event; Athena's reads
                actions=["s3:ListBucket", "s3:GetBucketLocation"],
                resources=[media_bucket.bucket_arn, lake_bucket.bucket_arn, athena_results_bucket.bucket_arn],
            ),
            iam.PolicyStatement(
                sid="LakeRead",  # Athena reads the lake with the caller's permissions
                actions=["s3:GetObject"],
                resources=[lake_bucket.arn_for_objects(f"{LAKE_EVENTS_PREFIX}*")],
            ),
            iam.PolicyStatement(
                sid="AthenaResults",
                actions=[
                    "s3:GetObject",
                    "s3:PutObject",
                    "s3:AbortMultipartUpload",
                    "s3:ListMultipartUploadParts",
                ],
                resources=[athena_results_bucket.arn_for_objects("*")],
            ),
            iam.PolicyStatement(
                sid="Athena",
                actions=[
                    "athena:StartQueryExecution",
                    "athena:GetQueryExecution",
                    "athena:GetQueryResults",
                    "athena:StopQueryExecution",  # a run past its time limit is cancelled
                    "athena:GetWorkGroup",  # in AWS's policy for running queries in one workgroup
                ],
                resources=[f"arn:{partition}:athena:{region}:{account}:workgroup/{names.athena_workgroup}"],
            ),
            iam.PolicyStatement(
                sid="Catalog",
                actions=[
                    "glue:GetDatabase",
                    "glue:GetTable",
                    "glue:GetTables",
                    "glue:GetPartition",
                    "glue:GetPartitions",
                ],
                resources=[
                    f"{catalog}:catalog",
                    f"{catalog}:database/{names.glue_database}",
                    f"{catalog}:table/{names.glue_database}/*",
                ],
            ),
            iam.PolicyStatement(
                sid="Firehose",
                actions=["firehose:PutRecordBatch"],  # analytics.firehose sends batches only
                resources=[delivery_stream.attr_arn],
            ),
            iam.PolicyStatement(
                sid="UploadQueue",  # Zappa's SQS event-source mapping polls with the function's role
                actions=[
                    "sqs:ReceiveMessage",
                    "sqs:DeleteMessage",
                    "sqs:ChangeMessageVisibility",
                    "sqs:GetQueueAttributes",
                ],
                resources=[upload_queue.queue_arn],
            ),
            iam.PolicyStatement(
                sid="DeadLetterDepths",  # the pipeline health panel
                actions=["sqs:GetQueueAttributes", "sqs:GetQueueUrl"],
                resources=[upload_dlq.queue_arn, stream_dlq.queue_arn, upload_queue.queue_arn],
            ),
            iam.PolicyStatement(
                sid="StreamFailures",  # the stream mapping's on-failure destination
                actions=["sqs:SendMessage"],
                resources=[stream_dlq.queue_arn],
            ),
            iam.PolicyStatement(
                sid="UserAdmin",  # accounts.cognito.UserAdmin, behind the admins' user page
                actions=[
                    "cognito-idp:ListUsers",
                    "cognito-idp:ListUsersInGroup",
                    "cognito-idp:AdminListGroupsForUser",
                    "cognito-idp:AdminAddUserToGroup",
                    "cognito-idp:AdminRemoveUserFromGroup",
                    "cognito-idp:AdminEnableUser",
                    "cognito-idp:AdminDisableUser",
                    "cognito-idp:AdminUserGlobalSignOut",
                ],
                resources=[user_pool.user_pool_arn],
            ),
            iam.PolicyStatement(
                sid="Metrics",  # the health panel's Firehose figures; no resource-level permissions exist
                actions=["cloudwatch:GetMetricData"],
                resources=["*"],
            ),
            iam.PolicyStatement(
                sid="Secrets",
                actions=["ssm:GetParameter"],
                resources=[
                    f"arn:{partition}:ssm:{region}:{account}:parameter{config.secret_parameter_prefix}/*"
                ],
            ),
            iam.PolicyStatement(
                sid="SecretsKey",  # SecureString parameters under the account's aws/ssm key, only through SSM
                actions=["kms:Decrypt"],
                resources=[f"arn:{partition}:kms:{region}:{account}:key/*"],
                conditions={"StringEquals": {"kms:ViaService": f"ssm.{region}.amazonaws.com"}},
            ),
        ]
        # Zappa's REST API integration calls the function with this same role as its credentials
        # (zappa/core.py: ``integration.Credentials = self.credentials_arn``), so API Gateway must be
        # able to assume it and the role must allow invoking the function (and its versions).
        function_arn = f"arn:{partition}:lambda:{region}:{account}:function:{config.function_name}"
        statements.append(
            iam.PolicyStatement(
                sid="ApiGatewayInvoke",
                actions=["lambda:InvokeFunction"],
                resources=[function_arn, f"{function_arn}:*"],
            )
        )
        self.policy = iam.ManagedPolicy(
            self,
            "Policy",
            managed_policy_name=f"{config.prefix}-app",
            description=f"Least privilege for the {config.function_name} Lambda function (Zappa)",
            statements=statements,
        )
        self.role = iam.Role(
            self,
            "Role",
            role_name=config.lambda_role_name,
            assumed_by=iam.CompositePrincipal(
                iam.ServicePrincipal("lambda.amazonaws.com"),
                iam.ServicePrincipal("apigateway.amazonaws.com"),  # Zappa's integration credentials
            ),
            managed_policies=[self.policy],
            description="Zappa's function role (zappa_settings.json: manage_roles false, role_name)",
        )
        table_arn, media, lake, results = (
            arn_reference(c) for c in (table, media_bucket, lake_bucket, athena_results_bucket)
        )
        arn = "arn:<AWS::Partition>:{service}:<AWS::Region>:<AWS::AccountId>:{resource}"
        NagSuppressions.add_resource_suppressions(
            self.policy,
            [
                NagPackSuppression(
                    id="AwsSolutions-IAM5",
                    reason="Each wildcard is confined to our own resources: the function's log streams, the "
                    "table's indexes and stream labels (unknown before creation), objects in our buckets or "
                    "prefixes, the function's own versions, our catalog's tables, the stage's parameter "
                    "path, KMS keys only via SSM; and "
                    "'*' only for the two actions without resource-level permissions (dynamodb:ListStreams, "
                    "cloudwatch:GetMetricData).",
                    applies_to=[
                        "Resource::"
                        + arn.format(
                            service="logs", resource=f"log-group:/aws/lambda/{config.function_name}:*"
                        ),
                        "Resource::"
                        + arn.format(service="lambda", resource=f"function:{config.function_name}:*"),
                        f"Resource::{table_arn}/index/*",
                        f"Resource::{table_arn}/stream/*",
                        "Resource::*",
                        f"Resource::{media}/*",
                        f"Resource::{lake}/{LAKE_EVENTS_PREFIX}*",
                        f"Resource::{results}/*",
                        "Resource::" + arn.format(service="glue", resource=f"table/{names.glue_database}/*"),
                        "Resource::"
                        + arn.format(service="ssm", resource=f"parameter{config.secret_parameter_prefix}/*"),
                        "Resource::" + arn.format(service="kms", resource="key/*"),
                    ],
                )
            ],
        )
