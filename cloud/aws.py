"""The one place that builds boto3 clients.

Clients are cached per (service, endpoint, region) and built lazily, so nothing touches the network
at import time. ``AWS_ENDPOINT_URL`` (the standard variable) points every client at the local
emulator; botocore reads it itself, we read it only to key the cache.
"""

from __future__ import annotations

import functools
import os
from typing import Any

import boto3
import botocore.session
from botocore.config import Config
from botocore.exceptions import DataNotFoundError
from botocore.loaders import Loader, instance_cache

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


class ServiceLoader(Loader):
    """botocore's data loader, without a scan of every service's folder for each client's first model.

    ``Loader.load_service_model`` lists all ~420 service folders, once per model type, only to check
    the one name it was asked for (and to name them all if it is unknown). On a cold start that is
    about half of the first client's cost (``python -m bench coldstart``). This looks in the asked
    service's folder alone and leaves an unknown name to botocore, which raises its usual error.
    botocore pull request 3687 proposes the same upstream.
    """

    @instance_cache
    def load_service_model(self, service_name: str, type_name: str, api_version: str | None = None) -> Any:
        try:
            versions = self.list_api_versions(service_name, type_name)
        except DataNotFoundError:
            return super().load_service_model(service_name, type_name, api_version)
        api_version = api_version or versions[-1]  # sorted: the latest, as botocore picks it
        model = self.load_data(os.path.join(service_name, api_version, type_name))
        extras = self._find_extras(service_name, type_name, api_version)  # type: ignore[attr-defined]
        self._extras_processor.process(model, extras)  # type: ignore[attr-defined]
        return model


@functools.cache
def _client(service: str, endpoint: str | None, region_name: str) -> Any:
    # A session per client: sessions are not thread-safe, the clients they make are.
    core = botocore.session.get_session()
    core.register_component("data_loader", ServiceLoader())
    session: Any = boto3.session.Session(botocore_session=core)  # typed per service by the stubs
    return session.client(service, region_name=region_name, endpoint_url=endpoint, config=CLIENT_CONFIG)


def client(service: str) -> Any:
    """Return a cached boto3 client for ``service`` honouring ``AWS_ENDPOINT_URL`` and the region."""
    return _client(service, endpoint_url(), region())


@functools.cache
def names() -> ResourceNames:
    """Return this deployment's resource names (from the environment, read once)."""
    return ResourceNames.from_environment()


def reset() -> None:
    """Forget cached clients and names (tests point them at a fresh emulator)."""
    _client.cache_clear()
    names.cache_clear()
