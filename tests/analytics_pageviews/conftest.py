"""Fixtures for the page-view tests: the real /collect view into a private delivery stream and lake."""

from __future__ import annotations

import dataclasses
import uuid
from typing import Any

import pytest

from analytics import repository, services
from analytics.lake import events_from_object
from cloud import aws
from cloud.local import bootstrap
from cloud.local.bootstrap import LocalStack
from cloud.resources import ResourceNames


@dataclasses.dataclass
class Lake:
    names: ResourceNames

    def events(self) -> list[dict[str, Any]]:
        s3 = aws.client("s3")
        events: list[dict[str, Any]] = []
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=self.names.lake_bucket):
            for item in page.get("Contents", []):
                body = s3.get_object(Bucket=self.names.lake_bucket, Key=item["Key"])["Body"].read()
                events.extend(events_from_object(body))
        return events


@pytest.fixture
def lake(local_stack: LocalStack, monkeypatch: pytest.MonkeyPatch) -> Lake:
    """Point page views at this test's own delivery stream and bucket (the shared table stays)."""
    suffix = uuid.uuid4().hex[:10]
    names = aws.names()._replace(
        lake_bucket=f"blog-test-views-{suffix}", firehose_stream=f"blog-test-views-{suffix}"
    )
    bootstrap.ensure_bucket(names.lake_bucket)
    bootstrap.ensure_firehose(names)
    monkeypatch.setattr(aws, "names", lambda: names)
    repository.salt_cache.clear()
    services.article_cache.clear()
    return Lake(names)
