"""Create every resource the product needs in the local emulator. Idempotent: run it as often as you like.

In AWS, infra/ creates the same resources from the same definitions (cloud.resources, analytics.schema).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
from dataclasses import dataclass

from accounts.policy import cognito_password_policy
from analytics.schema import glue_table_input
from cloud import aws
from cloud.resources import (
    GROUP_ADMINS,
    GROUP_AUTHORS,
    LAKE_ERRORS_PREFIX,
    LAKE_EVENTS_PREFIX,
    RAW_UPLOAD_PREFIX,
    RENDITION_PREFIX,
    TABLE_DEFINITION,
    TTL_ATTRIBUTE,
    UPLOAD_MAX_RECEIVES,
    ResourceNames,
)

logger = logging.getLogger(__name__)

LOCAL_ACCOUNT = "123456789012"  # moto's default account


@dataclass(frozen=True)
class LocalStack:
    """What the bootstrap made that the app must be told (ids that AWS assigns)."""

    user_pool_id: str
    user_pool_client_id: str

    def environment(self) -> dict[str, str]:
        return {"COGNITO_USER_POOL_ID": self.user_pool_id, "COGNITO_CLIENT_ID": self.user_pool_client_id}

    def export(self) -> None:
        """Tell this process the ids: in its environment and, once loaded, in Django's settings."""
        os.environ.update(self.environment())
        from django.conf import settings

        if settings.configured:
            settings.COGNITO_USER_POOL_ID = self.user_pool_id
            settings.COGNITO_CLIENT_ID = self.user_pool_client_id


def ensure_table(names: ResourceNames) -> None:
    ddb = aws.client("dynamodb")
    try:
        ddb.create_table(TableName=names.table, **TABLE_DEFINITION)
    except ddb.exceptions.ResourceInUseException:
        return
    ddb.get_waiter("table_exists").wait(TableName=names.table)
    ddb.update_time_to_live(
        TableName=names.table, TimeToLiveSpecification={"Enabled": True, "AttributeName": TTL_ATTRIBUTE}
    )


def ensure_bucket(name: str) -> None:
    s3 = aws.client("s3")
    with contextlib.suppress(s3.exceptions.BucketAlreadyOwnedByYou, s3.exceptions.BucketAlreadyExists):
        s3.create_bucket(Bucket=name)


def ensure_queue(name: str, *, dlq_arn: str | None = None) -> tuple[str, str]:
    """Create the queue (with a redrive policy to ``dlq_arn``); return its URL and ARN."""
    sqs = aws.client("sqs")
    attributes = {"VisibilityTimeout": "120"}
    if dlq_arn:
        attributes["RedrivePolicy"] = json.dumps(
            {"deadLetterTargetArn": dlq_arn, "maxReceiveCount": str(UPLOAD_MAX_RECEIVES)}
        )
    url = sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return url, arn


def ensure_media_bucket(names: ResourceNames, upload_queue_arn: str) -> None:
    s3 = aws.client("s3")
    ensure_bucket(names.media_bucket)
    # Browsers POST files straight to the bucket, from the site's origin.
    s3.put_bucket_cors(
        Bucket=names.media_bucket,
        CORSConfiguration={
            "CORSRules": [
                {
                    "AllowedMethods": ["GET", "POST"],
                    "AllowedOrigins": ["*"],
                    "AllowedHeaders": ["*"],
                    "MaxAgeSeconds": 3600,
                }
            ]
        },
    )
    # Renditions are public (pages link them); raw uploads stay private (they may carry GPS positions).
    s3.put_bucket_policy(
        Bucket=names.media_bucket,
        Policy=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Sid": "PublicRenditions",
                        "Effect": "Allow",
                        "Principal": "*",
                        "Action": "s3:GetObject",
                        "Resource": f"arn:aws:s3:::{names.media_bucket}/{RENDITION_PREFIX}*",
                    }
                ],
            }
        ),
    )
    s3.put_bucket_notification_configuration(
        Bucket=names.media_bucket,
        NotificationConfiguration={
            "QueueConfigurations": [
                {
                    "QueueArn": upload_queue_arn,
                    "Events": ["s3:ObjectCreated:*"],
                    "Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": RAW_UPLOAD_PREFIX}]}},
                }
            ]
        },
    )


def ensure_firehose(names: ResourceNames) -> None:
    firehose = aws.client("firehose")
    try:
        firehose.describe_delivery_stream(DeliveryStreamName=names.firehose_stream)
        return
    except firehose.exceptions.ResourceNotFoundException:
        pass
    # The emulator writes each PutRecordBatch as one object under <prefix>YYYY/MM/DD/HH/, raw JSON
    # (no Parquet conversion); production uses a dt= prefix and Parquet (infra/).
    firehose.create_delivery_stream(
        DeliveryStreamName=names.firehose_stream,
        DeliveryStreamType="DirectPut",
        ExtendedS3DestinationConfiguration={
            "RoleARN": f"arn:aws:iam::{LOCAL_ACCOUNT}:role/firehose",
            "BucketARN": f"arn:aws:s3:::{names.lake_bucket}",
            "Prefix": LAKE_EVENTS_PREFIX,
            "ErrorOutputPrefix": LAKE_ERRORS_PREFIX,
            "BufferingHints": {"SizeInMBs": 1, "IntervalInSeconds": 60},
        },
    )


def ensure_glue(names: ResourceNames) -> None:
    glue = aws.client("glue")
    with contextlib.suppress(glue.exceptions.AlreadyExistsException):
        glue.create_database(DatabaseInput={"Name": names.glue_database})
    table = glue_table_input(
        name=names.glue_events_table,
        location=f"s3://{names.lake_bucket}/{LAKE_EVENTS_PREFIX}",
        fmt="json",
    )
    try:
        glue.create_table(DatabaseName=names.glue_database, TableInput=table)
    except glue.exceptions.AlreadyExistsException:
        glue.update_table(DatabaseName=names.glue_database, TableInput=table)


def ensure_user_pool(names: ResourceNames) -> tuple[str, str]:
    idp = aws.client("cognito-idp")
    pools = idp.list_user_pools(MaxResults=60)["UserPools"]
    pool_id = next((p["Id"] for p in pools if p["Name"] == names.user_pool), None)
    if pool_id is None:
        pool_id = idp.create_user_pool(
            PoolName=names.user_pool,
            UsernameAttributes=[],
            AutoVerifiedAttributes=["email"],
            Policies={"PasswordPolicy": cognito_password_policy()},  # the one policy: accounts.policy
        )["UserPool"]["Id"]
    clients = idp.list_user_pool_clients(UserPoolId=pool_id, MaxResults=60)["UserPoolClients"]
    client_id = next((c["ClientId"] for c in clients if c["ClientName"] == names.user_pool_client), None)
    if client_id is None:
        client_id = idp.create_user_pool_client(
            UserPoolId=pool_id,
            ClientName=names.user_pool_client,
            GenerateSecret=False,
            ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        )["UserPoolClient"]["ClientId"]
    for group in (GROUP_AUTHORS, GROUP_ADMINS):
        with contextlib.suppress(idp.exceptions.GroupExistsException):
            idp.create_group(UserPoolId=pool_id, GroupName=group)
    return pool_id, client_id


def ensure_user(
    pool_id: str, *, username: str, password: str, display_name: str, groups: tuple[str, ...]
) -> None:
    idp = aws.client("cognito-idp")
    try:
        idp.admin_create_user(
            UserPoolId=pool_id,
            Username=username,
            UserAttributes=[
                {"Name": "email", "Value": f"{username}@example.com"},
                {"Name": "email_verified", "Value": "true"},
                {"Name": "name", "Value": display_name},
            ],
            MessageAction="SUPPRESS",
        )
    except idp.exceptions.UsernameExistsException:
        return
    idp.admin_set_user_password(UserPoolId=pool_id, Username=username, Password=password, Permanent=True)
    for group in groups:
        idp.admin_add_user_to_group(UserPoolId=pool_id, Username=username, GroupName=group)


# Local-only defaults, shown in the README; the emulator is the only place they open.
DEMO_ADMIN_PASSWORD = "admin-pass-123"  # noqa: S105
DEMO_AUTHOR_PASSWORD = "author-pass-123"  # noqa: S105


def demo_users() -> list[dict]:
    return [
        {
            "username": "admin",
            "password": os.environ.get("DEMO_ADMIN_PASSWORD", DEMO_ADMIN_PASSWORD),
            "display_name": "Ada Admin",
            "groups": (GROUP_AUTHORS, GROUP_ADMINS),
        },
        {
            "username": "author",
            "password": os.environ.get("DEMO_AUTHOR_PASSWORD", DEMO_AUTHOR_PASSWORD),
            "display_name": "Arthur Author",
            "groups": (GROUP_AUTHORS,),
        },
    ]


def bootstrap(names: ResourceNames | None = None, *, with_demo_users: bool = True) -> LocalStack:
    """Create (or find) every resource; return the ids the app needs."""
    names = names or aws.names()
    if not aws.endpoint_url():
        raise RuntimeError("refusing to bootstrap without AWS_ENDPOINT_URL: this is for the local emulator")
    ensure_table(names)
    _, dlq_arn = ensure_queue(names.upload_dlq)
    _, queue_arn = ensure_queue(names.upload_queue, dlq_arn=dlq_arn)
    ensure_queue(names.stream_dlq)
    ensure_media_bucket(names, queue_arn)
    ensure_bucket(names.lake_bucket)
    ensure_bucket(names.athena_results_bucket)
    ensure_firehose(names)
    ensure_glue(names)
    pool_id, client_id = ensure_user_pool(names)
    if with_demo_users:
        for user in demo_users():
            ensure_user(pool_id, **user)
    return LocalStack(user_pool_id=pool_id, user_pool_client_id=client_id)
