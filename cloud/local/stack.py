"""A throwaway local stack (emulator + resources) for tests, benchmarks and the package check."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from cloud import aws
from cloud.local import emulator
from cloud.local.bootstrap import LocalStack, bootstrap

TEST_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_REGION": "us-east-1",
    "AWS_DEFAULT_REGION": "us-east-1",
}


def point_at_emulator(port: int, *, prefix: str) -> None:
    """Set the environment so every client and resource name refers to the emulator on ``port``."""
    os.environ.update(
        {**TEST_CREDENTIALS, "AWS_ENDPOINT_URL": f"http://127.0.0.1:{port}", "RESOURCE_PREFIX": prefix}
    )
    os.environ.pop("AWS_PROFILE", None)
    aws.reset()


@contextmanager
def ephemeral_stack(port: int | None = None, *, prefix: str = "blog-test") -> Iterator[LocalStack]:
    """Start an emulator, create every resource, export the Cognito ids; stop it on exit."""
    port = port or emulator.free_port()
    point_at_emulator(port, prefix=prefix)
    process = emulator.start(port)
    try:
        stack = bootstrap()
        stack.export()
        yield stack
    finally:
        process.terminate()
        process.wait(timeout=10)
