from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.test import Client

from accounts.cognito import UserPool
from cloud.local.bootstrap import DEMO_ADMIN_PASSWORD, DEMO_AUTHOR_PASSWORD, LocalStack


@dataclass(frozen=True)
class User:
    username: str
    password: str
    display_name: str


@pytest.fixture(autouse=True)
def _accounts_urls(settings: object) -> None:
    """Serve the accounts URLs and a few guarded test views (tests/accounts/urls.py)."""
    settings.ROOT_URLCONF = "tests.accounts.urls"  # type: ignore[attr-defined]


@pytest.fixture
def pool(local_stack: LocalStack) -> UserPool:
    return UserPool(pool_id=local_stack.user_pool_id, client_id=local_stack.user_pool_client_id)


@pytest.fixture
def make_user(pool: UserPool) -> Callable[..., User]:
    """Create a confirmed user with a fresh name (not in any group unless asked)."""

    def make(*, groups: tuple[str, ...] = (), display_name: str = "Test Person") -> User:
        user = User(
            username=f"u-{uuid.uuid4().hex[:12]}", password="test-pass-123", display_name=display_name
        )
        pool.sign_up(
            username=user.username,
            email=f"{user.username}@example.com",
            display_name=display_name,
            password=user.password,
        )
        pool.confirm_sign_up(username=user.username, code="000000")  # the emulator accepts any code
        for group in groups:
            pool.client.admin_add_user_to_group(
                UserPoolId=pool.pool_id, Username=user.username, GroupName=group
            )
        return user

    return make


@pytest.fixture
def author() -> User:
    return User(username="author", password=DEMO_AUTHOR_PASSWORD, display_name="Arthur Author")


@pytest.fixture
def admin() -> User:
    return User(username="admin", password=DEMO_ADMIN_PASSWORD, display_name="Ada Admin")


@pytest.fixture
def csrf_client() -> Client:
    """A browser-like client: CSRF is enforced as in production."""
    return Client(enforce_csrf_checks=True)
