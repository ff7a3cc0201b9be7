"""Alarms to an SNS topic, and one CloudWatch dashboard of the whole pipeline."""

from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as actions
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kinesisfirehose as firehose
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra.config import StageConfig
from infra.nag import LOG_GROUP_KEY, checkov_skip

PERIOD = Duration.minutes(5)
AT_LEAST = cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD
LAMBDA_ERRORS_IN_5_MINUTES = 5  # one poison upload alone fails 3 times before the DLQ alarm says so
ITERATOR_AGE_MS = 5 * 60 * 1000  # the lake may lag 15 min (Firehose buffer); the stream must not add to it
API_5XX_IN_5_MINUTES = 5  # a lone 5XX is a bug to read in the logs; five in five minutes is an outage
API_LATENCY_P99_MS = 10_000  # a third of API Gateway's 29 s limit: pages take well under a second warm
LOG_RETENTION = logs.RetentionDays.ONE_MONTH  # the function's logs: time to notice and read an incident


class Monitoring(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: StageConfig,
        table: dynamodb.ITable,
        upload_queue: sqs.IQueue,
        upload_dlq: sqs.IQueue,
        stream_dlq: sqs.IQueue,
        delivery_stream: firehose.CfnDeliveryStream,
        buffer_interval: Duration,
    ) -> None:
        super().__init__(scope, construct_id)
        names = config.names
        # CloudWatch can publish to an encrypted topic only with a customer-managed key it may use.
        key = kms.Key(self, "TopicKey", enable_key_rotation=True, description=f"{names.alarm_topic} topic")
        key.grant(iam.ServicePrincipal("cloudwatch.amazonaws.com"), "kms:Decrypt", "kms:GenerateDataKey*")
        self.topic = sns.Topic(self, "Alarms", topic_name=names.alarm_topic, master_key=key, enforce_ssl=True)
        if config.alarm_email:
            self.topic.add_subscription(subscriptions.EmailSubscription(config.alarm_email))

        # Lambda writes to /aws/lambda/<function> and would create it without an expiry: made here
        # first, before ``zappa deploy`` creates the function, with a retention.
        self.log_group = logs.LogGroup(
            self,
            "FunctionLogs",
            log_group_name=f"/aws/lambda/{config.function_name}",
            retention=LOG_RETENTION,
        )
        checkov_skip(self.log_group, {"CKV_AWS_158": LOG_GROUP_KEY})

        function = {"FunctionName": config.function_name}
        # Zappa names the REST API after the function; its metrics carry ApiName (all stages).
        api = {"ApiName": config.function_name}
        firehose_stream = {"DeliveryStreamName": names.firehose_stream}

        def metric(
            namespace: str, name: str, dimensions: dict[str, str], statistic: str, label: str
        ) -> cloudwatch.Metric:
            # No label on the metric itself: a labelled metric turns an alarm into a metric-math alarm.
            del label  # kept at the call sites as documentation of what each metric means
            return cloudwatch.Metric(
                namespace=namespace,
                metric_name=name,
                dimensions_map=dimensions,
                statistic=statistic,
                period=PERIOD,
            )

        self.metrics = {
            "upload_dlq": upload_dlq.metric_approximate_number_of_messages_visible(
                period=PERIOD, statistic="Maximum"
            ),
            "stream_dlq": stream_dlq.metric_approximate_number_of_messages_visible(
                period=PERIOD, statistic="Maximum"
            ),
            "upload_backlog": upload_queue.metric_approximate_number_of_messages_visible(
                period=PERIOD, statistic="Maximum"
            ),
            "upload_age": upload_queue.metric_approximate_age_of_oldest_message(
                period=PERIOD, statistic="Maximum"
            ),
            "api_5xx": metric("AWS/ApiGateway", "5XXError", api, "Sum", "API 5XX"),
            "api_4xx": metric("AWS/ApiGateway", "4XXError", api, "Sum", "API 4XX"),
            "api_latency_p99": metric("AWS/ApiGateway", "Latency", api, "p99", "API latency p99 (ms)"),
            "lambda_errors": metric("AWS/Lambda", "Errors", function, "Sum", "Errors"),
            "lambda_throttles": metric("AWS/Lambda", "Throttles", function, "Sum", "Throttles"),
            "lambda_invocations": metric("AWS/Lambda", "Invocations", function, "Sum", "Invocations"),
            "lambda_duration_p99": metric("AWS/Lambda", "Duration", function, "p99", "Duration p99 (ms)"),
            "lambda_concurrency": metric(
                "AWS/Lambda", "ConcurrentExecutions", function, "Maximum", "Concurrency"
            ),
            "iterator_age": metric(
                "AWS/Lambda", "IteratorAge", function, "Maximum", "Stream iterator age (ms)"
            ),
            "firehose_incoming": metric(
                "AWS/Firehose", "IncomingRecords", firehose_stream, "Sum", "Records in"
            ),
            "firehose_success": metric(
                "AWS/Firehose", "DeliveryToS3.Success", firehose_stream, "Minimum", "S3 delivery success"
            ),
            "firehose_freshness": metric(
                "AWS/Firehose",
                "DeliveryToS3.DataFreshness",
                firehose_stream,
                "Maximum",
                "Oldest undelivered (s)",
            ),
            "firehose_failed_conversion": metric(
                "AWS/Firehose",
                "FailedConversion.Records",
                firehose_stream,
                "Sum",
                "Records failing Parquet conversion",
            ),
            "table_read": table.metric_consumed_read_capacity_units(period=PERIOD, statistic="Sum"),
            "table_write": table.metric_consumed_write_capacity_units(period=PERIOD, statistic="Sum"),
            "table_throttles": metric(
                "AWS/DynamoDB", "ThrottledRequests", {"TableName": names.table}, "Sum", "Throttled"
            ),
            "athena_scanned": metric(
                "AWS/Athena",
                "ProcessedBytes",
                {"WorkGroup": names.athena_workgroup},
                "Sum",
                "Athena bytes scanned",
            ),
        }
        m = self.metrics
        self.alarms = [
            self._alarm(
                "UploadDlq", m["upload_dlq"], 1, "An upload message reached the DLQ: see docs/operations.md"
            ),
            self._alarm(
                "StreamDlq", m["stream_dlq"], 1, "Stream records reached the DLQ: see docs/operations.md"
            ),
            self._alarm(
                "Api5xx", m["api_5xx"], API_5XX_IN_5_MINUTES, "The API answers 5XX: see the function's logs"
            ),
            self._alarm(
                "ApiLatency", m["api_latency_p99"], API_LATENCY_P99_MS, "API Gateway's p99 latency is high"
            ),
            self._alarm("LambdaErrors", m["lambda_errors"], LAMBDA_ERRORS_IN_5_MINUTES, "The function fails"),
            self._alarm("LambdaThrottles", m["lambda_throttles"], 1, "Invocations are throttled"),
            self._alarm(
                "StreamIteratorAge", m["iterator_age"], ITERATOR_AGE_MS, "The stream is falling behind"
            ),
            self._alarm(
                "FirehoseDeliveryFailing",
                m["firehose_success"],
                1,
                "Firehose fails to write the lake",
                comparison=cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
            ),
            self._alarm(
                "FirehoseDataStale",
                m["firehose_freshness"],
                2 * buffer_interval.to_seconds(),
                "Records wait in Firehose longer than two buffer intervals",
            ),
            self._alarm(
                "FirehoseConversionFailures",
                m["firehose_failed_conversion"],
                1,
                "Records fail Parquet conversion",
            ),
        ]

        self.dashboard = cloudwatch.Dashboard(self, "Dashboard", dashboard_name=f"{config.prefix}-pipeline")
        self.dashboard.add_widgets(
            cloudwatch.TextWidget(
                markdown=f"# {config.prefix}\nAPI Gateway -> Lambda `{config.function_name}` -> "
                f"DynamoDB `{names.table}` -> stream -> Firehose `{names.firehose_stream}` -> S3 lake -> "
                "Athena. Uploads: S3 -> SQS -> Lambda.",
                width=24,
                height=2,
            ),
            cloudwatch.AlarmStatusWidget(alarms=self.alarms, title="Alarms", width=24, height=3),
        )
        self.dashboard.add_widgets(
            self._graph("API Gateway", [m["api_latency_p99"]], [m["api_5xx"], m["api_4xx"]]),
            self._graph(
                "Requests and errors", [m["lambda_invocations"]], [m["lambda_errors"], m["lambda_throttles"]]
            ),
            self._graph("Latency and concurrency", [m["lambda_duration_p99"]], [m["lambda_concurrency"]]),
            self._graph("Table", [m["table_read"], m["table_write"]], [m["table_throttles"]]),
        )
        self.dashboard.add_widgets(
            self._graph("Stream -> lake", [m["iterator_age"]], [m["stream_dlq"]]),
            self._graph(
                "Firehose", [m["firehose_incoming"]], [m["firehose_success"], m["firehose_failed_conversion"]]
            ),
            self._graph("Firehose freshness (s)", [m["firehose_freshness"]], []),
        )
        self.dashboard.add_widgets(
            self._graph("Uploads", [m["upload_backlog"], m["upload_dlq"]], [m["upload_age"]]),
            self._graph("Athena bytes scanned", [m["athena_scanned"]], []),
        )

    def _alarm(
        self,
        construct_id: str,
        metric: cloudwatch.IMetric,
        threshold: float,
        description: str,
        *,
        comparison: cloudwatch.ComparisonOperator = AT_LEAST,
    ) -> cloudwatch.Alarm:
        alarm = cloudwatch.Alarm(
            self,
            construct_id,
            metric=metric,
            threshold=threshold,
            evaluation_periods=1,
            comparison_operator=comparison,
            # No traffic is not a failure: a quiet blog sends no metrics at all.
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
            alarm_description=description,
        )
        alarm.add_alarm_action(actions.SnsAction(self.topic))
        alarm.add_ok_action(actions.SnsAction(self.topic))
        return alarm

    @staticmethod
    def _graph(
        title: str, left: list[cloudwatch.IMetric], right: list[cloudwatch.IMetric]
    ) -> cloudwatch.GraphWidget:
        return cloudwatch.GraphWidget(title=title, left=left, right=right, width=8, height=6)
