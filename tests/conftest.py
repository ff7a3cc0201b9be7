from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from django.conf import settings

from cloud import aws
from cloud.local import emulator
from cloud.local.bootstrap import LocalStack, bootstrap
from conftest import TEST_PORT


@pytest.fixture(scope="session")
def local_stack() -> Iterator[LocalStack]:
    """Start the emulator once, create every resource, and tell the app the Cognito ids."""
    process = emulator.start(TEST_PORT)
    try:
        aws.reset()
        stack = bootstrap()
        os.environ.update(stack.environment())
        settings.COGNITO_USER_POOL_ID = stack.user_pool_id
        settings.COGNITO_CLIENT_ID = stack.user_pool_client_id
        yield stack
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    """Each test starts with an empty latest-articles cache."""
    from django.core.cache import cache

    cache.clear()
