"""cloud.aws: one session makes every client, one client at a time; reset() forgets its credentials."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from cloud import aws
from cloud.local.bootstrap import LocalStack


@pytest.fixture
def fresh_clients() -> Iterator[None]:
    aws.reset()
    yield
    aws.reset()


def test_clients_asked_for_at_once_are_made_once_per_service(
    local_stack: LocalStack, fresh_clients: None
) -> None:
    services = ["dynamodb", "s3", "sqs", "firehose"] * 4
    with ThreadPoolExecutor(max_workers=8) as pool:
        clients = list(pool.map(aws.client, services))
    assert all(made is aws.client(service) for service, made in zip(services, clients, strict=True))
    assert "TableNames" in aws.client("dynamodb").list_tables()
    assert "Buckets" in aws.client("s3").list_buckets()


def test_reset_makes_clients_with_the_credentials_now_in_the_environment(
    local_stack: LocalStack, fresh_clients: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    name = f"aws-test-{uuid.uuid4().hex[:8]}"
    iam = aws.client("iam")
    iam.create_user(UserName=name)
    key = iam.create_access_key(UserName=name)["AccessKey"]
    before = aws.client("sts").get_caller_identity()["Arn"]
    assert not before.endswith(f"/{name}")

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", key["AccessKeyId"])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", key["SecretAccessKey"])
    monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)
    assert aws.client("sts").get_caller_identity()["Arn"] == before  # cached, as in a warm Lambda
    aws.reset()
    assert aws.client("sts").get_caller_identity()["Arn"].endswith(f"/{name}")
