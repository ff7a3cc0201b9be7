"""The analytics event schema, defined once as the Glue table's columns.

The app (stream record -> event), the local bootstrap, infra/ (Firehose's Parquet conversion reads
the Glue table) and the tests all use this module. Timestamps travel as ISO-8601 UTC strings
with milliseconds and a Z (``2026-11-23T08:57:17.123Z``; Joda ``yyyy-MM-dd'T'HH:mm:ss.SSS'Z'`` for
Firehose's Parquet conversion). ``dt`` is not in the records: Firehose's prefix carries it (see
analytics/events.py and analytics/lake.py).
"""

from __future__ import annotations

from typing import Any, Literal

# (name, Glue/Athena type, description)
COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("event_id", "string", "The stream record's eventID: duplicates share it."),
    (
        "event_type",
        "string",
        "article_published | article_updated | article_deleted | article_expired | "
        "article_liked | article_unliked | image_ready | image_failed | page_viewed",
    ),
    ("occurred_at", "timestamp", "When the change happened (UTC)."),
    ("article_id", "string", ""),
    ("article_slug", "string", ""),
    ("article_title", "string", ""),
    ("author_id", "string", "Cognito username of the author (or image owner)."),
    ("author_name", "string", "Display name, never an email address."),
    ("published_at", "timestamp", ""),
    ("expires_at", "timestamp", ""),
    ("like_count", "bigint", "The article's likes when the event happened."),
    ("actor", "string", "Who removed an article: ttl | author | admin (if the item says) | user."),
    ("country", "string", "ISO 3166 alpha-2 country of a liker or viewer, or 'ZZ' when unknown."),
    ("device", "string", "desktop | mobile | tablet | smarttv | bot | unknown."),
    ("image_id", "string", ""),
    ("image_width", "int", ""),
    ("image_height", "int", ""),
    ("image_bytes", "bigint", ""),
    ("image_renditions", "int", ""),
    ("reason", "string", "Why an image failed."),
    # Page views (analytics/pageviews.py): sent by the page's beacon, never an IP or a cookie.
    ("path", "string", "The viewed page's path, without its query string."),
    ("referrer_host", "string", "The host of an external referrer (none for internal navigation)."),
    ("utm_source", "string", ""),
    ("utm_medium", "string", ""),
    ("utm_campaign", "string", ""),
    (
        "visitor_hash",
        "string",
        "sha256(daily salt + site + IP + User-Agent), truncated: the salt rotates daily and is deleted.",
    ),
)

# Partitioned by the UTC day the event reached Firehose, so date-range reports prune.
PARTITION_KEYS: tuple[tuple[str, str, str], ...] = (("dt", "string", "yyyy-MM-dd (UTC)"),)

COLUMN_NAMES = tuple(name for name, _, _ in COLUMNS)

Format = Literal["json", "parquet"]

_SERDE = {
    "json": {
        "InputFormat": "org.apache.hadoop.mapred.TextInputFormat",
        "OutputFormat": "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
        "SerdeInfo": {"SerializationLibrary": "org.openx.data.jsonserde.JsonSerDe"},
    },
    "parquet": {
        "InputFormat": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
        "OutputFormat": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
        "SerdeInfo": {"SerializationLibrary": "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"},
    },
}


def glue_columns(columns: tuple[tuple[str, str, str], ...] = COLUMNS) -> list[dict[str, str]]:
    return [{"Name": name, "Type": type_, "Comment": comment} for name, type_, comment in columns]


def glue_table_input(
    *, name: str, location: str, fmt: Format, parameters: dict[str, str] | None = None
) -> dict[str, Any]:
    """Return the Glue ``TableInput`` that describes the events table at ``location`` in ``fmt``."""
    return {
        "Name": name,
        "TableType": "EXTERNAL_TABLE",
        "Parameters": {"classification": fmt, "EXTERNAL": "TRUE", **(parameters or {})},
        "PartitionKeys": glue_columns(PARTITION_KEYS),
        "StorageDescriptor": {"Columns": glue_columns(), "Location": location, **_SERDE[fmt]},
    }
