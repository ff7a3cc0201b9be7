from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from cloud import aws
from cloud.local.bootstrap import DEMO_ADMIN_PASSWORD, DEMO_AUTHOR_PASSWORD, LocalStack
from tests.analytics_reports import lake_events


@pytest.fixture(autouse=True)
def _fresh_listings(monkeypatch: pytest.MonkeyPatch) -> None:
    """List the lake on every run: tests add objects and expect the next run to see them."""
    from analytics.engines import duckdb as duckdb_engine

    monkeypatch.setattr(duckdb_engine, "LISTING_TTL_SECONDS", 0.0)


@pytest.fixture(scope="session")
def lake(local_stack: LocalStack) -> dict[str, bytes]:
    """Put the known event set into the emulator's lake bucket; return key -> body."""
    names = aws.names()
    s3 = aws.client("s3")
    written = {}
    for n, ((day, hour), events) in enumerate(sorted(lake_events.OBJECTS.items())):
        key = lake_events.object_key(day, hour, names.firehose_stream, n)
        body = lake_events.object_body(events)
        s3.put_object(Bucket=names.lake_bucket, Key=key, Body=body)
        written[key] = body
    return written


def _access_token(local_stack: LocalStack, username: str, password: str) -> str:
    idp = aws.client("cognito-idp")
    answer = idp.initiate_auth(
        ClientId=local_stack.user_pool_client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": password},
    )
    return str(answer["AuthenticationResult"]["AccessToken"])


@pytest.fixture(scope="session")
def admin_token(local_stack: LocalStack) -> str:
    return _access_token(local_stack, "admin", DEMO_ADMIN_PASSWORD)


@pytest.fixture(scope="session")
def author_token(local_stack: LocalStack) -> str:
    return _access_token(local_stack, "author", DEMO_AUTHOR_PASSWORD)


@pytest.fixture
def signed_in(local_stack: LocalStack) -> Callable[[str, str], Client]:
    """Return a client signed in through the real sign-in page."""

    def sign_in(username: str, password: str) -> Client:
        client = Client()
        response = client.post("/accounts/sign-in/", {"username": username, "password": password})
        assert response.status_code == 302, response.content[:500]
        return client

    return sign_in


@pytest.fixture
def athena_workgroup(local_stack: LocalStack, settings: Any) -> str:
    """The workgroup infra/ creates in AWS (the bootstrap does not: locally DuckDB answers)."""
    name = settings.ATHENA_WORKGROUP
    athena = aws.client("athena")
    if not any(w["Name"] == name for w in athena.list_work_groups()["WorkGroups"]):
        athena.create_work_group(
            Name=name,
            Configuration={
                "ResultConfiguration": {
                    "OutputLocation": f"s3://{aws.names().athena_results_bucket}/results/"
                },
                "BytesScannedCutoffPerQuery": 10 * 1024**3,
            },
        )
    return str(name)


@pytest.fixture
def admin_identity_headers(admin_token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {admin_token}"}


@pytest.fixture
def author_identity_headers(author_token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {author_token}"}
