"""The one place that builds boto3 clients.

Clients are made lazily, once per (service, endpoint, region), all from one session: nothing touches
the network at import time. ``AWS_ENDPOINT_URL`` (the standard variable) points every client at the local
emulator; botocore reads it itself, we read it only to key the cache.
"""

from __future__ import annotations

import functools
import os
import threading
from typing import Any

import boto3
import botocore.session
from botocore.config import Config

from cloud.botocore_data import ServiceLoader
from cloud.resources import ResourceNames

# Short timeouts: a Lambda behind API Gateway has 29 s in all, and a hung call must fail fast.
CLIENT_CONFIG = Config(
    connect_timeout=2,
    read_timeout=10,
    retries={"mode": "standard", "max_attempts": 4},
)


def region() -> str:
    return os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"


def endpoint_url() -> str | None:
    return os.environ.get("AWS_ENDPOINT_URL") or None


@functools.cache
def _session() -> Any:
    """Return the session every client is made from: making one registers botocore's ~130 event
    handlers (~6 ms), which an invocation that needs several clients (uploads: S3, DynamoDB, SQS)
    would otherwise pay for each."""
    core = botocore.session.get_session()
    core.register_component("data_loader", ServiceLoader())
    return boto3.session.Session(botocore_session=core)  # Any: typed per service by the stubs


_clients: dict[tuple[str, str | None, str], Any] = {}
# A session is not thread-safe; the clients it makes are. So clients are made one at a time, once.
_making = threading.Lock()


def _client(service: str, endpoint: str | None, region_name: str) -> Any:
    key = (service, endpoint, region_name)
    with _making:
        if key not in _clients:
            _clients[key] = _session().client(
                service, region_name=region_name, endpoint_url=endpoint, config=CLIENT_CONFIG
            )
        return _clients[key]


def client(service: str) -> Any:
    """Return a cached boto3 client for ``service`` honouring ``AWS_ENDPOINT_URL`` and the region."""
    return _client(service, endpoint_url(), region())


@functools.cache
def names() -> ResourceNames:
    """Return this deployment's resource names (from the environment, read once)."""
    return ResourceNames.from_environment()


def reset() -> None:
    """Forget cached clients and names (tests point them at a fresh emulator)."""
    from cloud import sqs  # imported here: cloud.sqs builds on this module

    with _making:
        _clients.clear()
        _session.cache_clear()  # it keeps the credentials it first found
    names.cache_clear()
    sqs._queue_url.cache_clear()
