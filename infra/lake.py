"""The analytics lake: Glue database and events table, Firehose -> Parquet, and the Athena workgroup."""

from __future__ import annotations

from typing import Any

from aws_cdk import Aws, Duration, RemovalPolicy
from aws_cdk import aws_athena as athena
from aws_cdk import aws_glue as glue
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kinesisfirehose as firehose
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from cdk_nag import NagPackSuppression, NagSuppressions
from constructs import Construct

from analytics.events import TIMESTAMP_FORMAT
from analytics.lake import FIREHOSE_ERRORS_PREFIX, FIREHOSE_EVENTS_PREFIX, partition_location_template
from analytics.schema import glue_table_input
from cloud.resources import LAKE_ERRORS_PREFIX, LAKE_EVENTS_PREFIX
from infra.config import StageConfig
from infra.nag import LOG_GROUP_KEY, arn_reference, checkov_skip

# Firehose converts to Parquet only with a buffer of at least 64 MiB. 128 MiB makes Parquet files
# large enough for Athena to read efficiently at high volume; at a blog's usual volume the 900 s
# interval (the maximum) flushes first, so there is one file per 15 minutes at most (96 a day) and
# the lake lags by up to 15 minutes, which reports over days can live with.
BUFFER_SIZE_MIB = 128
BUFFER_INTERVAL_SECONDS = 900

EVENTS_PREFIX = FIREHOSE_EVENTS_PREFIX  # the lake's layout is analytics/lake.py's
ERRORS_PREFIX = FIREHOSE_ERRORS_PREFIX

BYTES_SCANNED_CUTOFF = 1_000_000_000  # 1 GB a query (the seed's cap): $0.005 worst case per report run
PROJECTION_START = "2026-01-01"  # the first day the lake can hold


def partition_projection(bucket_name: str) -> dict[str, str]:
    """Return the table parameters that let Athena compute ``dt`` partitions instead of listing them."""
    return {
        "projection.enabled": "true",
        "projection.dt.type": "date",
        "projection.dt.format": "yyyy-MM-dd",
        "projection.dt.range": f"{PROJECTION_START},NOW",
        "projection.dt.interval": "1",
        "projection.dt.interval.unit": "DAYS",
        "storage.location.template": partition_location_template(bucket_name),
        "parquet.compression": "SNAPPY",
    }


def _columns(columns: list[dict[str, str]]) -> list[glue.CfnTable.ColumnProperty]:
    return [
        glue.CfnTable.ColumnProperty(name=c["Name"], type=c["Type"], comment=c.get("Comment") or None)
        for c in columns
    ]


def cfn_table_input(table_input: dict[str, Any]) -> glue.CfnTable.TableInputProperty:
    """Translate ``analytics.schema.glue_table_input``'s API shape into CloudFormation's."""
    storage = table_input["StorageDescriptor"]
    return glue.CfnTable.TableInputProperty(
        name=table_input["Name"],
        table_type=table_input["TableType"],
        parameters=table_input["Parameters"],
        partition_keys=_columns(table_input["PartitionKeys"]),
        storage_descriptor=glue.CfnTable.StorageDescriptorProperty(
            columns=_columns(storage["Columns"]),
            location=storage["Location"],
            input_format=storage["InputFormat"],
            output_format=storage["OutputFormat"],
            serde_info=glue.CfnTable.SerdeInfoProperty(
                serialization_library=storage["SerdeInfo"]["SerializationLibrary"]
            ),
        ),
    )


class LakeResources(Construct):
    """Glue catalog, Firehose delivery stream (JSON in, Parquet out) and the Athena workgroup."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: StageConfig,
        lake_bucket: s3.IBucket,
        athena_results_bucket: s3.IBucket,
    ) -> None:
        super().__init__(scope, construct_id)
        names = config.names

        self.database = glue.CfnDatabase(
            self,
            "Database",
            catalog_id=Aws.ACCOUNT_ID,
            database_input=glue.CfnDatabase.DatabaseInputProperty(name=names.glue_database),
        )
        self.table_input = glue_table_input(
            name=names.glue_events_table,
            location=f"s3://{lake_bucket.bucket_name}/{LAKE_EVENTS_PREFIX}",
            fmt="parquet",
            parameters=partition_projection(lake_bucket.bucket_name),
        )
        self.events_table = glue.CfnTable(
            self,
            "EventsTable",
            catalog_id=Aws.ACCOUNT_ID,
            database_name=names.glue_database,
            table_input=cfn_table_input(self.table_input),
        )
        self.events_table.node.add_dependency(self.database)

        log_group = logs.LogGroup(
            self,
            "FirehoseLogs",
            log_group_name=f"/aws/kinesisfirehose/{names.firehose_stream}",
            retention=logs.RetentionDays.ONE_MONTH,
            removal_policy=RemovalPolicy.DESTROY,
        )
        checkov_skip(log_group, {"CKV_AWS_158": LOG_GROUP_KEY})
        log_stream = log_group.add_stream("DestinationDelivery", log_stream_name="DestinationDelivery")

        role = iam.Role(
            self,
            "FirehoseRole",
            assumed_by=iam.ServicePrincipal(
                "firehose.amazonaws.com", conditions={"StringEquals": {"sts:ExternalId": Aws.ACCOUNT_ID}}
            ),
            description="Firehose: write the lake, read the events table's schema, log delivery errors",
        )
        # The actions Firehose's S3 destination documents, on the lake's two prefixes only.
        role.add_to_policy(
            iam.PolicyStatement(
                actions=["s3:GetBucketLocation", "s3:ListBucket", "s3:ListBucketMultipartUploads"],
                resources=[lake_bucket.bucket_arn],
            )
        )
        role.add_to_policy(
            iam.PolicyStatement(
                actions=["s3:AbortMultipartUpload", "s3:GetObject", "s3:PutObject"],
                resources=[
                    lake_bucket.arn_for_objects(f"{LAKE_EVENTS_PREFIX}*"),
                    lake_bucket.arn_for_objects(f"{LAKE_ERRORS_PREFIX}*"),
                ],
            )
        )
        catalog = f"arn:{Aws.PARTITION}:glue:{Aws.REGION}:{Aws.ACCOUNT_ID}"
        role.add_to_policy(
            iam.PolicyStatement(
                actions=["glue:GetTable", "glue:GetTableVersion", "glue:GetTableVersions"],
                resources=[
                    f"{catalog}:catalog",
                    f"{catalog}:database/{names.glue_database}",
                    f"{catalog}:table/{names.glue_database}/{names.glue_events_table}",
                ],
            )
        )
        log_group.grant_write(role)
        self.firehose_role = role
        lake = arn_reference(lake_bucket)
        NagSuppressions.add_resource_suppressions(
            role,
            [
                NagPackSuppression(
                    id="AwsSolutions-IAM5",
                    reason="Firehose writes objects under the lake's events/ and errors/ prefixes: object "
                    "names are chosen by Firehose, so the resource is a prefix wildcard.",
                    applies_to=[
                        f"Resource::{lake}/{LAKE_EVENTS_PREFIX}*",
                        f"Resource::{lake}/{LAKE_ERRORS_PREFIX}*",
                    ],
                )
            ],
            apply_to_children=True,
        )

        self.delivery_stream = firehose.CfnDeliveryStream(
            self,
            "Events",
            delivery_stream_name=names.firehose_stream,
            delivery_stream_type="DirectPut",
            delivery_stream_encryption_configuration_input=firehose.CfnDeliveryStream.DeliveryStreamEncryptionConfigurationInputProperty(
                key_type="AWS_OWNED_CMK"
            ),
            extended_s3_destination_configuration=firehose.CfnDeliveryStream.ExtendedS3DestinationConfigurationProperty(
                bucket_arn=lake_bucket.bucket_arn,
                role_arn=role.role_arn,
                prefix=EVENTS_PREFIX,
                error_output_prefix=ERRORS_PREFIX,
                buffering_hints=firehose.CfnDeliveryStream.BufferingHintsProperty(
                    size_in_m_bs=BUFFER_SIZE_MIB, interval_in_seconds=BUFFER_INTERVAL_SECONDS
                ),
                # Parquet compresses its own column chunks (SNAPPY); Firehose must not compress on top.
                compression_format="UNCOMPRESSED",
                cloud_watch_logging_options=firehose.CfnDeliveryStream.CloudWatchLoggingOptionsProperty(
                    enabled=True,
                    log_group_name=log_group.log_group_name,
                    log_stream_name=log_stream.log_stream_name,
                ),
                data_format_conversion_configuration=firehose.CfnDeliveryStream.DataFormatConversionConfigurationProperty(
                    enabled=True,
                    input_format_configuration=firehose.CfnDeliveryStream.InputFormatConfigurationProperty(
                        deserializer=firehose.CfnDeliveryStream.DeserializerProperty(
                            # The events' timestamps are ISO-8601 with milliseconds and a Z.
                            hive_json_ser_de=firehose.CfnDeliveryStream.HiveJsonSerDeProperty(
                                timestamp_formats=[TIMESTAMP_FORMAT]
                            )
                        )
                    ),
                    output_format_configuration=firehose.CfnDeliveryStream.OutputFormatConfigurationProperty(
                        serializer=firehose.CfnDeliveryStream.SerializerProperty(
                            parquet_ser_de=firehose.CfnDeliveryStream.ParquetSerDeProperty(
                                compression="SNAPPY"
                            )
                        )
                    ),
                    schema_configuration=firehose.CfnDeliveryStream.SchemaConfigurationProperty(
                        catalog_id=Aws.ACCOUNT_ID,
                        database_name=names.glue_database,
                        table_name=names.glue_events_table,
                        region=Aws.REGION,
                        role_arn=role.role_arn,
                        version_id="LATEST",
                    ),
                ),
            ),
        )
        self.delivery_stream.node.add_dependency(role)
        self.delivery_stream.node.add_dependency(self.events_table)

        self.workgroup = athena.CfnWorkGroup(
            self,
            "Workgroup",
            name=names.athena_workgroup,
            description="Blog analytics reports: enforced settings, 1 GB scan cap per query",
            state="ENABLED",
            recursive_delete_option=False,
            work_group_configuration=athena.CfnWorkGroup.WorkGroupConfigurationProperty(
                enforce_work_group_configuration=True,
                bytes_scanned_cutoff_per_query=BYTES_SCANNED_CUTOFF,
                publish_cloud_watch_metrics_enabled=True,
                requester_pays_enabled=False,
                engine_version=athena.CfnWorkGroup.EngineVersionProperty(
                    selected_engine_version="Athena engine version 3"
                ),
                result_configuration=athena.CfnWorkGroup.ResultConfigurationProperty(
                    output_location=f"s3://{athena_results_bucket.bucket_name}/results/",
                    encryption_configuration=athena.CfnWorkGroup.EncryptionConfigurationProperty(
                        encryption_option="SSE_S3"
                    ),
                ),
            ),
        )
        self.buffer_interval = Duration.seconds(BUFFER_INTERVAL_SECONDS)
