from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from accounts.identity import Identity
from accounts.sessions import session_identity_store
from blog import services
from blog.domain import Article, Reader
from cloud import aws
from cloud.local.bootstrap import DEMO_ADMIN_PASSWORD, DEMO_AUTHOR_PASSWORD, LocalStack
from cloud.resources import GROUP_ADMINS, GROUP_AUTHORS

Publish = Callable[..., Article]


def unique(prefix: str = "") -> str:
    return f"{prefix}{uuid.uuid4().hex[:12]}"


@pytest.fixture
def author(local_stack: LocalStack) -> Identity:
    """The demo author (its user_id is the Cognito username, as accounts sets it)."""
    return Identity(
        user_id="author", username="author", display_name="Arthur Author", groups=frozenset({GROUP_AUTHORS})
    )


@pytest.fixture
def admin(local_stack: LocalStack) -> Identity:
    return Identity(
        user_id="admin",
        username="admin",
        display_name="Ada Admin",
        groups=frozenset({GROUP_AUTHORS, GROUP_ADMINS}),
    )


@pytest.fixture
def writer(local_stack: LocalStack) -> Identity:
    """Another author with a fresh id: their listings hold only what the test publishes."""
    name = unique("writer-")
    return Identity(
        user_id=name, username=name, display_name="Wendy Writer", groups=frozenset({GROUP_AUTHORS})
    )


@pytest.fixture
def publish(author: Identity) -> Publish:
    """Publish an article with a unique title (by the demo author unless told)."""

    def make(
        *, by: Identity | None = None, title: str | None = None, body: str | None = None, **kwargs: Any
    ) -> Article:
        return services.article_publish(
            author=by or author,
            title=title or f"Test article {unique()}",
            body=body or f"Hello **world** {unique()}.",
            **kwargs,
        )

    return make


@pytest.fixture
def reader() -> Reader:
    return Reader(visitor_hash=unique("visitor-"), country="DE", device="mobile")


def signed_in(client: Client, identity: Identity) -> Client:
    """Put ``identity`` into the client's session exactly as accounts does after a Cognito sign-in."""
    session = client.session
    session_identity_store(session, identity=identity)
    session.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key or ""
    return client


def csrf_token(client: Client, url: str = "/") -> str:
    """Visit a page with a form so the client holds a CSRF cookie; return the token."""
    client.get(url)
    return client.cookies[settings.CSRF_COOKIE_NAME].value


def page_token(client: Client, slug: str) -> str:
    """Load the article's page as a reader would; return the page token its like form carries."""
    import re

    html = client.get(f"/articles/{slug}/").content.decode()
    match = re.search(r'name="page_token" value="([^"]+)"', html)
    assert match, "the article page carries no page token"
    return match.group(1)


def _access_token(stack: LocalStack, username: str, password: str) -> str:
    answer = aws.client("cognito-idp").initiate_auth(
        ClientId=stack.user_pool_client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": password},
    )
    return str(answer["AuthenticationResult"]["AccessToken"])


@pytest.fixture(scope="session")
def author_token(local_stack: LocalStack) -> str:
    return _access_token(local_stack, "author", DEMO_AUTHOR_PASSWORD)


@pytest.fixture(scope="session")
def admin_token(local_stack: LocalStack) -> str:
    return _access_token(local_stack, "admin", DEMO_ADMIN_PASSWORD)


@pytest.fixture(scope="session")
def writer_token(local_stack: LocalStack) -> tuple[str, str]:
    """A second real author in Cognito (username, access token)."""
    idp = aws.client("cognito-idp")
    username, password = unique("writer-"), "writer-pass-123"
    idp.admin_create_user(
        UserPoolId=local_stack.user_pool_id,
        Username=username,
        UserAttributes=[
            {"Name": "name", "Value": "Wendy Writer"},
            {"Name": "email", "Value": f"{username}@example.com"},
        ],
        MessageAction="SUPPRESS",
    )
    idp.admin_set_user_password(
        UserPoolId=local_stack.user_pool_id, Username=username, Password=password, Permanent=True
    )
    idp.admin_add_user_to_group(
        UserPoolId=local_stack.user_pool_id, Username=username, GroupName=GROUP_AUTHORS
    )
    return username, _access_token(local_stack, username, password)


@pytest.fixture(scope="session")
def reader_token(local_stack: LocalStack) -> str:
    """A signed-in user outside every group."""
    idp = aws.client("cognito-idp")
    username, password = unique("reader-"), "reader-pass-123"
    idp.admin_create_user(
        UserPoolId=local_stack.user_pool_id,
        Username=username,
        UserAttributes=[
            {"Name": "name", "Value": "Rita Reader"},
            {"Name": "email", "Value": f"{username}@example.com"},
        ],
        MessageAction="SUPPRESS",
    )
    idp.admin_set_user_password(
        UserPoolId=local_stack.user_pool_id, Username=username, Password=password, Permanent=True
    )
    return _access_token(local_stack, username, password)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def days_ago(days: int) -> datetime:
    return datetime.now(UTC) - timedelta(days=days)
