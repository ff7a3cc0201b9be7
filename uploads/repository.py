"""Image records in the single table. The only module of uploads/ that speaks DynamoDB.

Item: ``IMAGE#<id>`` / ``IMAGE``, entity ``image``, listed per owner on the "by owner" index
(``USER#<owner>`` / ``IMAGE#<created_at>``). Never an email address.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from botocore.exceptions import ClientError

from cloud import aws
from cloud.resources import (
    ENTITY,
    GSI_OWNER,
    GSI_OWNER_PK,
    GSI_OWNER_SK,
    PK,
    image_key,
    owner_partition,
)
from uploads.domain import (
    FOCAL_CENTRE,
    STATUS_FAILED,
    STATUS_PROCESSING,
    STATUS_READY,
    ImageChanged,
    ImageGone,
    ImageNotFound,
    ImageRecord,
    RenditionInfo,
)

ENTITY_IMAGE = "image"
ERROR_MAX_CHARS = 500  # a reason for a person, not a traceback

_serializer = TypeSerializer()
_deserializer = TypeDeserializer()


def _to_item(values: dict[str, Any]) -> dict[str, Any]:
    return {name: _serializer.serialize(value) for name, value in values.items()}


def _from_item(item: dict[str, Any]) -> dict[str, Any]:
    return {name: _deserializer.deserialize(value) for name, value in item.items()}


def record_from_item(item: dict[str, Any]) -> ImageRecord:
    data = _from_item(item)
    return ImageRecord(
        id=data["id"],
        owner_id=data["owner_id"],
        owner_name=data.get("owner_name", ""),
        original_key=data["original_key"],
        filename=data.get("filename", ""),
        content_type=data.get("content_type", ""),
        status=data["status"],
        created_at=data["created_at"],
        updated_at=data.get("updated_at", data["created_at"]),
        error=data.get("error", ""),
        width=int(data.get("width", 0)),
        height=int(data.get("height", 0)),
        bytes=int(data.get("bytes", 0)),
        renditions=tuple(
            RenditionInfo(
                width=int(r["width"]),
                height=int(r["height"]),
                format=r["format"],
                bytes=int(r["bytes"]),
                key=r["key"],
                crop=str(r.get("crop", "")),
            )
            for r in data.get("renditions", [])
        ),
        focal=_focal(data.get("focal")),
    )


def _focal(value: Any) -> tuple[float, float]:
    return (float(value[0]), float(value[1])) if value else FOCAL_CENTRE


class ImageRepository:
    def __init__(self, client: Any | None = None, *, table: str | None = None) -> None:
        self.client = client or aws.client("dynamodb")
        self.table = table or aws.names().table

    def _key(self, image_id: str) -> dict[str, Any]:
        return _to_item(image_key(image_id))

    def create(self, record: ImageRecord) -> None:
        """Write a new record (status ``processing``); the id must be new."""
        values = {
            **image_key(record.id),
            ENTITY: ENTITY_IMAGE,
            GSI_OWNER_PK: owner_partition(record.owner_id),
            GSI_OWNER_SK: f"IMAGE#{record.created_at}",
            "id": record.id,
            "owner_id": record.owner_id,
            "owner_name": record.owner_name,
            "original_key": record.original_key,
            "filename": record.filename,
            "content_type": record.content_type,
            "status": STATUS_PROCESSING,
            "created_at": record.created_at,
            "updated_at": record.updated_at,
        }
        self.client.put_item(
            TableName=self.table, Item=_to_item(values), ConditionExpression=f"attribute_not_exists({PK})"
        )

    def get(self, image_id: str) -> ImageRecord:
        response = self.client.get_item(TableName=self.table, Key=self._key(image_id), ConsistentRead=True)
        if "Item" not in response:
            raise ImageNotFound()
        return record_from_item(response["Item"])

    def mark_ready(
        self,
        image_id: str,
        *,
        width: int,
        height: int,
        size: int,
        renditions: list[RenditionInfo],
        now: str,
    ) -> ImageRecord:
        """Record the renditions; raise ``ImageGone`` if the record was deleted meanwhile."""
        return self._update(
            image_id,
            "SET #status = :status, width = :width, height = :height, #bytes = :bytes, "
            "renditions = :renditions, updated_at = :now REMOVE #error",
            {
                ":status": STATUS_READY,
                ":width": width,
                ":height": height,
                ":bytes": size,
                ":renditions": [r._asdict() for r in renditions],
                ":now": now,
            },
        )

    def replace_renditions(
        self,
        image: ImageRecord,
        *,
        focal: tuple[float, float],
        renditions: list[RenditionInfo],
        now: str,
    ) -> ImageRecord:
        """Record a new focal point and rendition set, if ``image`` is still as it was read.

        Raise ``ImageChanged`` if another change landed since (its ``updated_at`` moved), or the
        image was deleted or is no longer ready: the caller then removes what it wrote.
        """
        try:
            response = self.client.update_item(
                TableName=self.table,
                Key=self._key(image.id),
                UpdateExpression="SET focal = :focal, renditions = :renditions, updated_at = :now",
                ConditionExpression="#status = :ready AND updated_at = :seen",
                ExpressionAttributeNames={"#status": "status"},
                ExpressionAttributeValues=_to_item(
                    {
                        ":focal": [Decimal(str(round(v, 4))) for v in focal],
                        ":renditions": [r._asdict() for r in renditions],
                        ":now": now,
                        ":ready": STATUS_READY,
                        ":seen": image.updated_at,
                    }
                ),
                ReturnValues="ALL_NEW",
            )
        except ClientError as error:
            if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
                raise ImageChanged() from None
            raise
        return record_from_item(response["Attributes"])

    def mark_failed(self, image_id: str, *, error: str, now: str) -> ImageRecord:
        return self._update(
            image_id,
            "SET #status = :status, #error = :error, updated_at = :now",
            {":status": STATUS_FAILED, ":error": error[:ERROR_MAX_CHARS], ":now": now},
        )

    def _update(self, image_id: str, expression: str, values: dict[str, Any]) -> ImageRecord:
        names = {"#status": "status", "#error": "error"}
        if "#bytes" in expression:
            names["#bytes"] = "bytes"
        try:
            response = self.client.update_item(
                TableName=self.table,
                Key=self._key(image_id),
                UpdateExpression=expression,
                ConditionExpression=f"attribute_exists({PK})",
                ExpressionAttributeNames=names,
                ExpressionAttributeValues=_to_item(values),
                ReturnValues="ALL_NEW",
            )
        except ClientError as error:
            if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
                raise ImageGone() from None
            raise
        return record_from_item(response["Attributes"])

    def delete(self, image_id: str) -> None:
        self.client.delete_item(TableName=self.table, Key=self._key(image_id))

    def list_by_owner(self, owner_id: str, *, limit: int) -> list[ImageRecord]:
        """Return the owner's images, newest first."""
        response = self.client.query(
            TableName=self.table,
            IndexName=GSI_OWNER,
            KeyConditionExpression="#pk = :pk AND begins_with(#sk, :prefix)",
            ExpressionAttributeNames={"#pk": GSI_OWNER_PK, "#sk": GSI_OWNER_SK},
            ExpressionAttributeValues=_to_item({":pk": owner_partition(owner_id), ":prefix": "IMAGE#"}),
            ScanIndexForward=False,
            Limit=limit,
        )
        return [record_from_item(item) for item in response["Items"]]

    def owner_articles(self, owner_id: str) -> list[dict[str, Any]]:
        """Return the owner's article items (title, body, cover) from the "by owner" index."""
        items: list[dict[str, Any]] = []
        query: dict[str, Any] = {
            "TableName": self.table,
            "IndexName": GSI_OWNER,
            "KeyConditionExpression": "#pk = :pk AND begins_with(#sk, :prefix)",
            "ExpressionAttributeNames": {"#pk": GSI_OWNER_PK, "#sk": GSI_OWNER_SK},
            "ExpressionAttributeValues": _to_item({":pk": owner_partition(owner_id), ":prefix": "ARTICLE#"}),
        }
        while True:
            response = self.client.query(**query)
            items.extend(_from_item(item) for item in response["Items"])
            if "LastEvaluatedKey" not in response:
                return items
            query["ExclusiveStartKey"] = response["LastEvaluatedKey"]


class UploadForms:
    """Presigned POST forms that send a file from the browser straight to the media bucket."""

    def __init__(self, client: Any | None = None, *, bucket: str | None = None) -> None:
        self.client = client or aws.client("s3")
        self.bucket = bucket or aws.names().media_bucket

    def create(
        self, *, key: str, content_type: str, max_bytes: int, expires_in: int
    ) -> tuple[str, dict[str, str]]:
        """Return (url, fields) of a form for exactly ``key``: 1 B - ``max_bytes``, ``image/*`` only.

        The emulator does not enforce the policy: the upload handler checks the file again.
        """
        post = self.client.generate_presigned_post(
            Bucket=self.bucket,
            Key=key,
            Fields={"Content-Type": content_type},
            Conditions=[["content-length-range", 1, max_bytes], ["starts-with", "$Content-Type", "image/"]],
            ExpiresIn=expires_in,
        )
        return post["url"], post["fields"]
