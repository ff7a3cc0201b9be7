"""The rate-limit windows in the table: the only AWS call common/ makes (common.ratelimit uses it)."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from cloud import aws
from cloud.resources import ENTITY, TTL_ATTRIBUTE, rate_key


class RateWindowRepository:
    def __init__(self, client: Any | None = None, *, table: str | None = None) -> None:
        self.client = client or aws.client("dynamodb")
        self.table = table or aws.names().table

    def count(self, *, scope: str, subject: str, window: int, limit: int, expires_at: int) -> bool:
        """Count one hit in the window; return False (counting nothing) when it already holds ``limit``."""
        try:
            self.client.update_item(
                TableName=self.table,
                Key={k: {"S": v} for k, v in rate_key(scope, subject, window).items()},
                UpdateExpression="ADD hits :one SET #ttl = if_not_exists(#ttl, :ttl), #entity = :entity",
                ConditionExpression="attribute_not_exists(hits) OR hits < :limit",
                ExpressionAttributeNames={"#ttl": TTL_ATTRIBUTE, "#entity": ENTITY},
                ExpressionAttributeValues={
                    ":one": {"N": "1"},
                    ":limit": {"N": str(limit)},
                    ":ttl": {"N": str(expires_at)},
                    ":entity": {"S": "rate"},
                },
            )
        except ClientError as error:
            if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
                return False
            raise
        return True
