"""Resource names and the table's key schema: defined once, used by the app, the local stack and infra/.

Every name derives from one prefix (``RESOURCE_PREFIX``, e.g. ``blog-local`` or ``blog-production``);
each can still be overridden by its own environment variable, which is how Zappa passes the names
that infra/ created.
"""

from __future__ import annotations

import os
from typing import Any, NamedTuple

# --- The single table -------------------------------------------------------------------------
PK = "pk"
SK = "sk"
TTL_ATTRIBUTE = "expires_at"  # epoch seconds; DynamoDB deletes late (up to days), so reads filter too

# GSI1 "latest": sparse, only published articles carry gsi1pk. Newest first by gsi1sk.
GSI_LATEST = "gsi1"
GSI_LATEST_PK = "gsi1pk"
GSI_LATEST_SK = "gsi1sk"
LATEST_PARTITION = "ARTICLE"

# GSI2 "by owner": an author's articles (``ARTICLE#<published_at>``) and images (``IMAGE#<created_at>``).
GSI_OWNER = "gsi2"
GSI_OWNER_PK = "gsi2pk"
GSI_OWNER_SK = "gsi2sk"

ENTITY = "entity"  # every item says what it is: article, like, image, slug, content, rate, salt, tag,
# tag_count


def article_key(article_id: str) -> dict[str, str]:
    return {PK: f"ARTICLE#{article_id}", SK: "ARTICLE"}


def like_key(article_id: str, visitor_hash: str) -> dict[str, str]:
    return {PK: f"ARTICLE#{article_id}", SK: f"LIKE#{visitor_hash}"}


def slug_key(slug: str) -> dict[str, str]:
    return {PK: f"SLUG#{slug}", SK: "SLUG"}


def content_key(content_hash: str) -> dict[str, str]:
    return {PK: f"CONTENT#{content_hash}", SK: "CONTENT"}


def image_key(image_id: str) -> dict[str, str]:
    return {PK: f"IMAGE#{image_id}", SK: "IMAGE"}


def tag_partition(tag: str) -> str:
    """Return the partition holding one tag's articles (sort key ``<published_at>#<article id>``)."""
    return f"TAG#{tag}"


def tag_key(tag: str, *, published_at: str, article_id: str) -> dict[str, str]:
    return {PK: tag_partition(tag), SK: f"{published_at}#{article_id}"}


# Every tag's article count in one partition, so the tag list is one Query (sort key: the tag).
TAG_COUNTS_PARTITION = "TAGS"


def tag_count_key(tag: str) -> dict[str, str]:
    return {PK: TAG_COUNTS_PARTITION, SK: tag}


def access_key(username: str) -> dict[str, str]:
    """Return the key of a user's latest access decision (groups, disabled) made by an admin."""
    return {PK: f"ACCESS#{username}", SK: "ACCESS"}


# Pending requests to become an author, in one partition (sort key: the username): one Query lists them.
ACCESS_REQUESTS_PARTITION = "ACCESS_REQUESTS"


def access_request_key(username: str) -> dict[str, str]:
    return {PK: ACCESS_REQUESTS_PARTITION, SK: username}


def owner_partition(user_id: str) -> str:
    return f"USER#{user_id}"


def salt_key(day: str) -> dict[str, str]:
    """Return the key of the visitor salt of a UTC day (``yyyy-MM-dd``): analytics/repository.py."""
    return {PK: f"SALT#{day}", SK: "SALT"}


def rate_key(scope: str, subject: str, window: int) -> dict[str, str]:
    return {PK: f"RATE#{scope}#{subject}", SK: str(window)}


TABLE_DEFINITION: dict[str, Any] = {
    "KeySchema": [
        {"AttributeName": PK, "KeyType": "HASH"},
        {"AttributeName": SK, "KeyType": "RANGE"},
    ],
    "AttributeDefinitions": [
        {"AttributeName": name, "AttributeType": "S"}
        for name in (PK, SK, GSI_LATEST_PK, GSI_LATEST_SK, GSI_OWNER_PK, GSI_OWNER_SK)
    ],
    "GlobalSecondaryIndexes": [
        {
            "IndexName": GSI_LATEST,
            "KeySchema": [
                {"AttributeName": GSI_LATEST_PK, "KeyType": "HASH"},
                {"AttributeName": GSI_LATEST_SK, "KeyType": "RANGE"},
            ],
            "Projection": {"ProjectionType": "ALL"},
        },
        {
            "IndexName": GSI_OWNER,
            "KeySchema": [
                {"AttributeName": GSI_OWNER_PK, "KeyType": "HASH"},
                {"AttributeName": GSI_OWNER_SK, "KeyType": "RANGE"},
            ],
            "Projection": {"ProjectionType": "ALL"},
        },
    ],
    "BillingMode": "PAY_PER_REQUEST",
    "StreamSpecification": {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
}

# --- Storage layout ---------------------------------------------------------------------------
RAW_UPLOAD_PREFIX = "uploads/raw/"
RENDITION_PREFIX = "renditions/"
LAKE_EVENTS_PREFIX = "events/"
LAKE_ERRORS_PREFIX = "errors/"

# --- Upload queue -----------------------------------------------------------------------------
# Receives before a message is poison (to the DLQ). A receive that Lambda throttles counts too, so a
# burst of uploads must not send good images to the DLQ: AWS advises at least 5 for a Lambda source.
UPLOAD_MAX_RECEIVES = 5

# --- Cognito ----------------------------------------------------------------------------------
GROUP_AUTHORS = "authors"
GROUP_ADMINS = "admins"


class ResourceNames(NamedTuple):
    """The names of every AWS resource the product uses."""

    table: str
    media_bucket: str
    lake_bucket: str
    athena_results_bucket: str
    upload_queue: str
    upload_dlq: str
    stream_dlq: str
    firehose_stream: str
    glue_database: str
    glue_events_table: str
    athena_workgroup: str
    user_pool: str
    user_pool_client: str
    alarm_topic: str

    @classmethod
    def for_prefix(cls, prefix: str) -> ResourceNames:
        """Return the default names under ``prefix`` (Glue forbids hyphens, hence the underscores)."""
        glue_prefix = prefix.replace("-", "_")
        return cls(
            table=f"{prefix}-table",
            media_bucket=f"{prefix}-media",
            lake_bucket=f"{prefix}-lake",
            athena_results_bucket=f"{prefix}-athena-results",
            upload_queue=f"{prefix}-uploads",
            upload_dlq=f"{prefix}-uploads-dlq",
            stream_dlq=f"{prefix}-stream-dlq",
            firehose_stream=f"{prefix}-events",
            glue_database=f"{glue_prefix}_analytics",
            glue_events_table="events",
            athena_workgroup=f"{prefix}-analytics",
            user_pool=f"{prefix}-users",
            user_pool_client=f"{prefix}-web",
            alarm_topic=f"{prefix}-alarms",
        )

    @classmethod
    def from_environment(cls, environ: dict[str, str] | None = None) -> ResourceNames:
        """Return names from ``RESOURCE_PREFIX``, each overridable as ``<FIELD>_NAME`` (``TABLE_NAME``)."""
        env = os.environ if environ is None else environ
        defaults = cls.for_prefix(env.get("RESOURCE_PREFIX", "blog-local"))
        overrides = {f: env[f"{f.upper()}_NAME"] for f in cls._fields if env.get(f"{f.upper()}_NAME")}
        return cls(**{**defaults._asdict(), **overrides})
