"""Fixtures for the change-capture tests: a private table (its own stream) and a private lake.

Each test gets its own table and its own Firehose delivery stream into its own bucket, made by the
same bootstrap code as the shared ones, so stream positions and lake objects of other tests (and of
the reports' known event sets) never mix with ours.
"""

from __future__ import annotations

import dataclasses
import functools
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from analytics import stream_handler
from analytics.lake import events_from_object
from blog.domain import Article, Reader
from blog.repository import ArticleRepository, LikeRepository
from cloud import aws
from cloud.local import bootstrap
from cloud.local.bootstrap import LocalStack
from cloud.resources import ResourceNames


@dataclasses.dataclass
class Lake:
    """A private delivery stream and the bucket it writes to."""

    names: ResourceNames

    @property
    def stream_name(self) -> str:
        return self.names.firehose_stream

    def keys(self) -> list[str]:
        s3 = aws.client("s3")
        keys: list[str] = []
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=self.names.lake_bucket):
            keys.extend(obj["Key"] for obj in page.get("Contents", []))
        return keys

    def events(self) -> list[dict[str, Any]]:
        s3 = aws.client("s3")
        events: list[dict[str, Any]] = []
        for key in sorted(self.keys()):
            body = s3.get_object(Bucket=self.names.lake_bucket, Key=key)["Body"].read()
            events.extend(events_from_object(body))
        return events

    def handler(self) -> Callable[[dict[str, Any], Any], Any]:
        """The real stream handler, pointed at this lake's delivery stream."""
        return functools.partial(stream_handler.handle, stream_name=self.stream_name)


@pytest.fixture
def private_names(local_stack: LocalStack) -> ResourceNames:
    suffix = uuid.uuid4().hex[:10]
    return aws.names()._replace(
        table=f"blog-test-stream-{suffix}",
        lake_bucket=f"blog-test-lake-{suffix}",
        firehose_stream=f"blog-test-events-{suffix}",
    )


@pytest.fixture
def lake(private_names: ResourceNames) -> Lake:
    bootstrap.ensure_bucket(private_names.lake_bucket)
    bootstrap.ensure_firehose(private_names)
    return Lake(private_names)


@pytest.fixture
def table(private_names: ResourceNames) -> str:
    bootstrap.ensure_table(private_names)
    return private_names.table


def make_article(*, title: str = "Serverless Django", days: int = 30) -> Article:
    now = datetime.now(UTC)
    article_id = uuid.uuid4().hex
    return Article(
        id=article_id,
        slug=f"serverless-django-{article_id[:8]}",
        title=title,
        body="# Hello\n\nA body.",
        excerpt="Hello. A body.",
        author_id="author",
        author_name="Arthur Author",
        published_at=now,
        updated_at=now,
        expires_at=int((now + timedelta(days=days)).timestamp()),
    )


class App:
    """The blog's own repositories, writing to the private table: the items the app really writes."""

    def __init__(self, table: str) -> None:
        self.articles = ArticleRepository(table=table)
        self.likes = LikeRepository(table=table)

    def publish(self, **fields: Any) -> Article:
        article = make_article(**fields)
        self.articles.create(article, now=int(datetime.now(UTC).timestamp()))
        return article

    def like(self, article: Article, *, visitor: str, country: str = "FR", device: str = "mobile") -> None:
        reader = Reader(visitor_hash=visitor, country=country, device=device)
        self.likes.add(
            article=article,
            reader=reader,
            created_at=datetime.now(UTC),
            now=int(datetime.now(UTC).timestamp()),
        )

    def unlike(self, article: Article, *, visitor: str) -> None:
        self.likes.remove(article_id=article.id, visitor_hash=visitor, now=int(datetime.now(UTC).timestamp()))


@pytest.fixture
def app(table: str) -> App:
    return App(table)
