"""The CDK app, asserted on its synthesized CloudFormation (aws_cdk.assertions)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import pytest
from aws_cdk.assertions import Match

from analytics.schema import COLUMNS, PARTITION_KEYS
from cloud.resources import RAW_UPLOAD_PREFIX, TABLE_DEFINITION, TTL_ATTRIBUTE, UPLOAD_MAX_RECEIVES
from infra.config import REGION, zappa_stage

from .conftest import ACCOUNT, Synthesized

TABLE: dict[str, Any] = TABLE_DEFINITION


def _only(resources: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    assert len(resources) == 1, list(resources)
    properties: dict[str, Any] = next(iter(resources.values()))["Properties"]
    return properties


def _named(synthesized: Synthesized, type_: str, key: str, name: str) -> dict[str, Any]:
    return _only(synthesized.blog.find_resources(type_, {"Properties": {key: name}}))


# --- data -------------------------------------------------------------------------------------


def test_table_is_the_one_the_app_and_bootstrap_define(synthesized: Synthesized) -> None:
    table = _named(synthesized, "AWS::DynamoDB::Table", "TableName", synthesized.names.table)
    assert table["BillingMode"] == "PAY_PER_REQUEST"
    assert table["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert table["StreamSpecification"] == {"StreamViewType": "NEW_AND_OLD_IMAGES"}
    assert table["TimeToLiveSpecification"] == {"AttributeName": TTL_ATTRIBUTE, "Enabled": True}
    assert table["DeletionProtectionEnabled"] is True
    assert table["KeySchema"] == TABLE["KeySchema"]
    assert sorted(table["AttributeDefinitions"], key=str) == sorted(TABLE["AttributeDefinitions"], key=str)
    indexes = {i["IndexName"]: i for i in table["GlobalSecondaryIndexes"]}
    for expected in TABLE["GlobalSecondaryIndexes"]:
        assert indexes[expected["IndexName"]]["KeySchema"] == expected["KeySchema"]
        assert indexes[expected["IndexName"]]["Projection"] == expected["Projection"]
    assert len(indexes) == len(TABLE["GlobalSecondaryIndexes"])


def test_bucket_names_are_unique_to_the_account_and_region_and_given_to_the_app(
    synthesized: Synthesized,
) -> None:
    buckets = synthesized.blog.find_resources("AWS::S3::Bucket")
    names = sorted(b["Properties"]["BucketName"] for b in buckets.values())
    assert len(names) == 4  # media, lake, Athena results, access logs
    for name in names:
        assert name.endswith(f"-{ACCOUNT}-{REGION}"), name
        assert len(name) <= 63  # S3's limit
    outputs = synthesized.blog.find_outputs("*")
    for output, name in (
        ("MediaBucketName", synthesized.names.media_bucket),
        ("LakeBucketName", synthesized.names.lake_bucket),
        ("AthenaResultsBucketName", synthesized.names.athena_results_bucket),
    ):
        bucket_id = next(i for i, b in buckets.items() if b["Properties"]["BucketName"] == name)
        assert outputs[output]["Value"] == {"Ref": bucket_id}
    # The lake's Glue location and Athena's output name the deployed buckets, not the generic names.
    template = json.dumps(synthesized.blog.to_json())
    for generic in ('blog-production-media"', "s3://blog-production-lake/", "s3://blog-production-athena"):
        assert generic not in template, generic


def test_buckets_are_encrypted_private_and_tls_only(synthesized: Synthesized) -> None:
    names = synthesized.names
    policies = synthesized.blog.find_resources("AWS::S3::BucketPolicy")
    for bucket_name in (names.media_bucket, names.lake_bucket, names.athena_results_bucket):
        bucket = _named(synthesized, "AWS::S3::Bucket", "BucketName", bucket_name)
        assert bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"][0][
            "ServerSideEncryptionByDefault"
        ] == {"SSEAlgorithm": "AES256"}
        assert bucket["PublicAccessBlockConfiguration"] == {
            "BlockPublicAcls": True,
            "BlockPublicPolicy": True,
            "IgnorePublicAcls": True,
            "RestrictPublicBuckets": True,
        }
        assert bucket["LoggingConfiguration"]["LogFilePrefix"] == f"{bucket_name}/"
    tls_denials = [
        s
        for p in policies.values()
        for s in p["Properties"]["PolicyDocument"]["Statement"]
        if s["Effect"] == "Deny" and s.get("Condition") == {"Bool": {"aws:SecureTransport": "false"}}
    ]
    assert len(tls_denials) >= 4  # media, lake, results, access logs


def test_lifecycle_rules_expire_raw_uploads_and_query_results(synthesized: Synthesized) -> None:
    names = synthesized.names
    media = _named(synthesized, "AWS::S3::Bucket", "BucketName", names.media_bucket)[
        "LifecycleConfiguration"
    ]["Rules"]
    raw = next(rule for rule in media if rule.get("Prefix") == RAW_UPLOAD_PREFIX)
    assert raw["Status"] == "Enabled"
    assert raw["ExpirationInDays"] == 14
    results = _named(synthesized, "AWS::S3::Bucket", "BucketName", names.athena_results_bucket)
    assert {"ExpirationInDays": 7, "Id": "expire-query-results", "Status": "Enabled"} in results[
        "LifecycleConfiguration"
    ]["Rules"]
    cors = _named(synthesized, "AWS::S3::Bucket", "BucketName", names.media_bucket)["CorsConfiguration"][
        "CorsRules"
    ]
    assert cors[0]["AllowedOrigins"] == ["https://blog.example.com"]  # the stage's domain (cdk.json)
    assert "POST" in cors[0]["AllowedMethods"]


def test_upload_queue_redrives_to_its_dlq_after_five_receives_and_outlasts_the_function(
    synthesized: Synthesized,
) -> None:
    names = synthesized.names
    queue = _named(synthesized, "AWS::SQS::Queue", "QueueName", names.upload_queue)
    dlq_id = next(
        iter(
            synthesized.blog.find_resources(
                "AWS::SQS::Queue", {"Properties": {"QueueName": names.upload_dlq}}
            )
        )
    )
    assert queue["RedrivePolicy"] == {
        "deadLetterTargetArn": {"Fn::GetAtt": [dlq_id, "Arn"]},
        "maxReceiveCount": UPLOAD_MAX_RECEIVES,
    }
    assert UPLOAD_MAX_RECEIVES >= 5  # throttled receives count: AWS's advice for a Lambda event source
    assert queue["RedrivePolicy"] == {
        "deadLetterTargetArn": {"Fn::GetAtt": [dlq_id, "Arn"]},
        "maxReceiveCount": 5,
    }
    assert queue["VisibilityTimeout"] >= 6 * synthesized.config.lambda_timeout_seconds
    for dlq_name in (names.upload_dlq, names.stream_dlq):
        assert (
            _named(synthesized, "AWS::SQS::Queue", "QueueName", dlq_name)["MessageRetentionPeriod"]
            == 14 * 24 * 3600
        )


def test_raw_uploads_notify_the_upload_queue(synthesized: Synthesized) -> None:
    notification = _only(synthesized.blog.find_resources("Custom::S3BucketNotifications"))
    (config,) = notification["NotificationConfiguration"]["QueueConfigurations"]
    assert config["Events"] == ["s3:ObjectCreated:*"]
    assert config["Filter"] == {"Key": {"FilterRules": [{"Name": "prefix", "Value": RAW_UPLOAD_PREFIX}]}}
    queue_id = next(
        iter(
            synthesized.blog.find_resources(
                "AWS::SQS::Queue", {"Properties": {"QueueName": synthesized.names.upload_queue}}
            )
        )
    )
    assert config["QueueArn"] == {"Fn::GetAtt": [queue_id, "Arn"]}


# --- analytics --------------------------------------------------------------------------------


def test_firehose_converts_to_parquet_from_the_glue_table_into_date_partitions(
    synthesized: Synthesized,
) -> None:
    names = synthesized.names
    stream = _named(
        synthesized, "AWS::KinesisFirehose::DeliveryStream", "DeliveryStreamName", names.firehose_stream
    )
    s3 = stream["ExtendedS3DestinationConfiguration"]
    assert s3["Prefix"] == "events/dt=!{timestamp:yyyy-MM-dd}/"
    assert s3["ErrorOutputPrefix"].startswith("errors/!{firehose:error-output-type}/")
    assert s3["BufferingHints"]["SizeInMBs"] >= 64  # Firehose's minimum with format conversion
    assert s3["CompressionFormat"] == "UNCOMPRESSED"
    conversion = s3["DataFormatConversionConfiguration"]
    assert conversion["Enabled"] is True
    assert conversion["OutputFormatConfiguration"] == {
        "Serializer": {"ParquetSerDe": {"Compression": "SNAPPY"}}
    }
    schema = conversion["SchemaConfiguration"]
    assert (schema["DatabaseName"], schema["TableName"]) == (names.glue_database, names.glue_events_table)
    assert schema["VersionId"] == "LATEST"
    assert "HiveJsonSerDe" in conversion["InputFormatConfiguration"]["Deserializer"]
    assert s3["CloudWatchLoggingOptions"]["Enabled"] is True


def test_glue_table_has_the_event_schema_parquet_and_partition_projection(synthesized: Synthesized) -> None:
    names = synthesized.names
    table = _only(synthesized.blog.find_resources("AWS::Glue::Table"))["TableInput"]
    columns = table["StorageDescriptor"]["Columns"]
    assert [(c["Name"], c["Type"]) for c in columns] == [(n, t) for n, t, _ in COLUMNS]
    assert [(c["Name"], c["Type"]) for c in table["PartitionKeys"]] == [(n, t) for n, t, _ in PARTITION_KEYS]
    assert table["StorageDescriptor"]["SerdeInfo"]["SerializationLibrary"].endswith("ParquetHiveSerDe")
    parameters = table["Parameters"]
    assert parameters["projection.enabled"] == "true"
    assert parameters["projection.dt.type"] == "date"
    assert parameters["projection.dt.format"] == "yyyy-MM-dd"
    assert parameters["projection.dt.range"].endswith(",NOW")
    template = json.dumps(parameters["storage.location.template"])
    assert "events/dt=${dt}/" in template
    database = _only(synthesized.blog.find_resources("AWS::Glue::Database"))
    assert database["DatabaseInput"]["Name"] == names.glue_database


def test_athena_workgroup_enforces_its_configuration_and_a_scan_cap(synthesized: Synthesized) -> None:
    workgroup = _named(synthesized, "AWS::Athena::WorkGroup", "Name", synthesized.names.athena_workgroup)
    configuration = workgroup["WorkGroupConfiguration"]
    assert configuration["EnforceWorkGroupConfiguration"] is True
    assert 10_000_000 <= configuration["BytesScannedCutoffPerQuery"] <= 10_000_000_000
    assert configuration["ResultConfiguration"]["EncryptionConfiguration"] == {"EncryptionOption": "SSE_S3"}
    assert configuration["PublishCloudWatchMetricsEnabled"] is True


# --- identity ---------------------------------------------------------------------------------


def test_cognito_pool_client_and_groups(synthesized: Synthesized) -> None:
    names = synthesized.names
    pool = _named(synthesized, "AWS::Cognito::UserPool", "UserPoolName", names.user_pool)
    assert pool["AutoVerifiedAttributes"] == ["email"]
    client = _named(synthesized, "AWS::Cognito::UserPoolClient", "ClientName", names.user_pool_client)
    assert set(client["ExplicitAuthFlows"]) == {"ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"}
    assert client["GenerateSecret"] is False
    # No OAuth: CDK's defaults would enable the code and implicit flows with https://example.com.
    assert client["AllowedOAuthFlowsUserPoolClient"] is False
    for oauth in ("AllowedOAuthFlows", "CallbackURLs", "AllowedOAuthScopes"):
        assert oauth not in client, oauth
    # The stage names an SES sender (cdk.json): Cognito's own sender is capped at a few a day.
    assert pool["EmailConfiguration"]["EmailSendingAccount"] == "DEVELOPER"
    assert pool["EmailConfiguration"]["From"] == "no-reply@example.com"
    assert ":ses:us-east-1:" in json.dumps(pool["EmailConfiguration"]["SourceArn"])
    groups = synthesized.blog.find_resources("AWS::Cognito::UserPoolGroup")
    assert sorted(g["Properties"]["GroupName"] for g in groups.values()) == ["admins", "authors"]


# --- wiring -----------------------------------------------------------------------------------


def test_stream_mapping_targets_zappas_function_with_failure_handling(synthesized: Synthesized) -> None:
    mapping = _only(synthesized.wiring.find_resources("AWS::Lambda::EventSourceMapping"))
    assert mapping["StartingPosition"] == "TRIM_HORIZON"
    assert mapping["BisectBatchOnFunctionError"] is True
    assert 0 < mapping["MaximumRetryAttempts"] <= 10
    assert 60 <= mapping["MaximumRecordAgeInSeconds"] <= 24 * 3600  # within the stream's retention
    assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert "blog-production" in json.dumps(mapping["FunctionName"])
    destination = json.dumps(mapping["DestinationConfig"]["OnFailure"]["Destination"])
    assert "StreamDlq" in destination  # the stream DLQ's ARN, imported from the blog stack
    assert "Table" in json.dumps(mapping["EventSourceArn"])
    assert "StreamArn" in json.dumps(mapping["EventSourceArn"])
    patterns = [json.loads(f["Pattern"]) for f in mapping["FilterCriteria"]["Filters"]]
    assert patterns == [
        {"dynamodb": {image: {"entity": {"S": ["article", "like", "image"]}}}}
        for image in ("NewImage", "OldImage")
    ]


@pytest.mark.parametrize(
    "entity", ["article", "like", "image", "slug", "content", "tag", "tag_count", "rate", "other"]
)
def test_the_stream_filter_passes_exactly_the_items_analytics_turns_into_events(entity: str) -> None:
    from analytics.events import event_from_record
    from infra.wiring import STREAM_ENTITIES

    image = {
        "entity": {"S": entity},
        "id": {"S": "a1"},
        "article_id": {"S": "a1"},
        "title": {"S": "T"},
        "slug": {"S": "t"},
        "author_id": {"S": "u"},
        "status": {"S": "ready"},
        "published_at": {"S": "2026-11-23T08:57:17.123Z"},
        "created_at": {"S": "2026-11-23T08:57:17.123Z"},
        "owner_id": {"S": "u"},
    }
    record = {"eventName": "INSERT", "eventID": "e1", "dynamodb": {"NewImage": image}}
    try:
        wanted = event_from_record(record) is not None
    except Exception:  # an incomplete item of a kind analytics reads: still one it must receive
        wanted = True
    assert wanted == (entity in STREAM_ENTITIES), entity


def test_zappa_creates_the_sqs_mapping_and_agrees_with_infra(synthesized: Synthesized) -> None:
    zappa = zappa_stage("production")
    (event,) = zappa["events"]
    assert event["event_source"]["arn"].rsplit(":", 1)[1] == synthesized.names.upload_queue
    # Zappa sends no FunctionResponseTypes: one message per batch, failures raised (cloud.lambda_handlers).
    assert event["event_source"]["batch_size"] == 1
    assert zappa["manage_roles"] is False
    assert zappa["role_name"] == synthesized.config.lambda_role_name
    assert synthesized.wiring.find_resources("AWS::Lambda::EventSourceMapping").keys().__len__() == 1
    assert synthesized.blog.find_resources("AWS::Lambda::EventSourceMapping") == {}


# --- access -----------------------------------------------------------------------------------


def test_function_role_has_only_the_least_privilege_managed_policy(synthesized: Synthesized) -> None:
    role = _named(synthesized, "AWS::IAM::Role", "RoleName", synthesized.config.lambda_role_name)
    (trust,) = role["AssumeRolePolicyDocument"]["Statement"]
    assert trust["Action"] == "sts:AssumeRole"
    assert trust["Effect"] == "Allow"
    # Lambda runs the function with it; API Gateway calls the function with it (Zappa's integration).
    assert sorted(trust["Principal"]["Service"]) == ["apigateway.amazonaws.com", "lambda.amazonaws.com"]
    assert "Policies" not in role
    assert len(role["ManagedPolicyArns"]) == 1
    policy = _named(synthesized, "AWS::IAM::ManagedPolicy", "ManagedPolicyName", "blog-production-app")
    statements = policy["PolicyDocument"]["Statement"]
    for statement in statements:
        actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        assert statement["Effect"] == "Allow"
        assert all(":" in a and not a.endswith(":*") and a != "*" for a in actions), actions
        if statement["Resource"] == "*":
            assert set(actions) <= {
                "dynamodb:ListStreams",
                "cloudwatch:GetMetricData",
            }
    allowed = {
        a for s in statements for a in (s["Action"] if isinstance(s["Action"], list) else [s["Action"]])
    }
    for needed in (
        "dynamodb:Query",
        "dynamodb:GetRecords",
        "firehose:PutRecordBatch",
        "sqs:ReceiveMessage",
        "sqs:SendMessage",
        "athena:StartQueryExecution",
        "ssm:GetParameter",
        "s3:PutObject",
    ):
        assert needed in allowed, needed
    for forbidden in ("dynamodb:DeleteTable", "s3:DeleteBucket", "iam:PassRole", "sqs:DeleteQueue"):
        assert forbidden not in allowed
    # The admins' user page (accounts.cognito.UserAdmin) calls the pool's admin APIs: on that pool only.
    (pool_id,) = synthesized.blog.find_resources("AWS::Cognito::UserPool")
    (user_admin,) = [s for s in statements if s.get("Sid") == "UserAdmin"]
    assert user_admin["Resource"] == {"Fn::GetAtt": [pool_id, "Arn"]}
    assert "cognito-idp:ListUsersInGroup" in user_admin["Action"]
    others = [s["Action"] for s in statements if s is not user_admin]
    assert not [a for a in others if "cognito-idp:" in str(a)]


# --- monitoring -------------------------------------------------------------------------------


def _alarm_on(synthesized: Synthesized, metric_name: str) -> list[dict[str, Any]]:
    alarms = synthesized.blog.find_resources(
        "AWS::CloudWatch::Alarm", {"Properties": {"MetricName": metric_name}}
    )
    return [a["Properties"] for a in alarms.values()]


def test_alarms_cover_dlqs_firehose_lambda_and_the_stream_and_notify_the_topic(
    synthesized: Synthesized,
) -> None:
    topic_id = next(iter(synthesized.blog.find_resources("AWS::SNS::Topic")))
    assert len(_alarm_on(synthesized, "ApproximateNumberOfMessagesVisible")) == 2  # both DLQs
    for metric in (
        "DeliveryToS3.Success",
        "DeliveryToS3.DataFreshness",
        "Errors",
        "Throttles",
        "IteratorAge",
        "5XXError",
        "Latency",
    ):
        assert len(_alarm_on(synthesized, metric)) == 1, metric
    for metric in ("5XXError", "Latency"):  # Zappa's REST API is named after the function
        (alarm,) = _alarm_on(synthesized, metric)
        assert alarm["Namespace"] == "AWS/ApiGateway"
        assert alarm["Dimensions"] == [{"Name": "ApiName", "Value": synthesized.config.function_name}]
    for found in synthesized.blog.find_resources("AWS::CloudWatch::Alarm").values():
        assert found["Properties"]["AlarmActions"] == [{"Ref": topic_id}]
        assert found["Properties"]["TreatMissingData"] == "notBreaching"
    for dlq in _alarm_on(synthesized, "ApproximateNumberOfMessagesVisible"):
        assert dlq["Threshold"] == 1
        assert dlq["ComparisonOperator"] == "GreaterThanOrEqualToThreshold"
    synthesized.blog.has_resource_properties("AWS::SNS::Topic", {"TopicName": "blog-production-alarms"})


def test_the_functions_log_group_is_made_first_and_expires(synthesized: Synthesized) -> None:
    group = _only(
        synthesized.blog.find_resources(
            "AWS::Logs::LogGroup",
            {"Properties": {"LogGroupName": f"/aws/lambda/{synthesized.config.function_name}"}},
        )
    )
    assert group["RetentionInDays"] == 30


def test_dashboard_shows_the_whole_pipeline(synthesized: Synthesized) -> None:
    dashboard = _only(synthesized.blog.find_resources("AWS::CloudWatch::Dashboard"))
    body = json.dumps(dashboard["DashboardBody"])
    for metric in (
        "Invocations",
        "IteratorAge",
        "DeliveryToS3.Success",
        "ConsumedWriteCapacityUnits",
        "ProcessedBytes",
        "5XXError",
    ):
        assert metric in body, metric


# --- cdk-nag ----------------------------------------------------------------------------------


def test_cdk_nag_aws_solutions_finds_no_unsuppressed_error(synthesized: Synthesized) -> None:
    pattern = Match.string_like_regexp("AwsSolutions-.*")
    for found in (synthesized.blog_annotations, synthesized.wiring_annotations):
        errors = found.find_error("*", pattern)
        assert errors == [], [f"{e.id}: {str(e.entry.data)[:200]}" for e in errors]
    # The pack did run: it warns about optional MFA, which we accept (warnings are not suppressed).
    assert synthesized.blog_annotations.find_warning("*", Match.string_like_regexp("AwsSolutions-COG2.*"))


def test_media_cdn_serves_only_renditions_from_the_private_bucket(synthesized: Synthesized) -> None:
    distribution = _only(synthesized.blog.find_resources("AWS::CloudFront::Distribution"))[
        "DistributionConfig"
    ]
    behavior = distribution["DefaultCacheBehavior"]
    assert behavior["ViewerProtocolPolicy"] == "redirect-to-https"
    (association,) = behavior["FunctionAssociations"]
    assert association["EventType"] == "viewer-request"
    function = _only(synthesized.blog.find_resources("AWS::CloudFront::Function"))
    assert "startsWith('/renditions/')" in function["FunctionCode"]
    assert "statusCode: 404" in function["FunctionCode"]
    assert "OriginAccessControlId" in distribution["Origins"][0]


def test_the_renditions_only_function_runs_as_intended() -> None:
    import shutil
    import subprocess

    from infra.data import only_prefix_function

    node = shutil.which("node")
    assert node is not None  # the CDK needs node anyway
    script = only_prefix_function("renditions/") + (
        "for (const uri of ['/renditions/a/640.webp', '/uploads/raw/u/i/photo.jpg', '/', '/renditionsX']) {\n"
        "  const answer = handler({request: {uri: uri}});\n"
        "  console.log(uri + ' ' + (answer.statusCode || 'pass'));\n"
        "}\n"
    )
    output = subprocess.run([node, "-e", script], capture_output=True, text=True, check=True).stdout
    assert output.splitlines() == [
        "/renditions/a/640.webp pass",
        "/uploads/raw/u/i/photo.jpg 404",
        "/ 404",
        "/renditionsX 404",
    ]


# --- domain -----------------------------------------------------------------------------------


def test_a_stage_with_a_domain_gets_a_certificate_validated_in_its_zone(synthesized: Synthesized) -> None:
    certificate = _only(synthesized.blog.find_resources("AWS::CertificateManager::Certificate"))
    assert certificate["DomainName"] == "blog.example.com"
    assert certificate["ValidationMethod"] == "DNS"
    assert certificate["DomainValidationOptions"] == [
        {"DomainName": "blog.example.com", "HostedZoneId": "Z0123456789ABCDEFGHIJ"}
    ]
    outputs = synthesized.blog.find_outputs("CertificateArn")
    assert outputs["CertificateArn"]["Value"] == {
        "Ref": next(iter(synthesized.blog.find_resources("AWS::CertificateManager::Certificate")))
    }
