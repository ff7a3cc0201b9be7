"""A faster start for botocore: its data files found directly and kept pre-parsed.

A first boto3 client costs tens of milliseconds, paid again on every Lambda cold start, and most of
it is botocore reading its data: a scan of all ~440 service folders to check one name, then JSON
parsing (endpoints.json alone is 1.25 MB, parsed into OrderedDicts). ``ServiceLoader`` skips the
scan and reads botocore's own data files through ``PreparsedFiles``, which keeps each one as
``marshal`` data the first time it is parsed. ``make package`` ships that folder already filled
(tools/lambda_package.py), since Lambda's package is read-only.

``python -m bench coldstart`` measures the cold start; tests/cloud/test_botocore_data.py checks that
every model we use loads exactly as botocore loads it.
"""

from __future__ import annotations

import gzip
import json
import marshal
import os
import sys
from pathlib import Path
from typing import Any

import botocore
from botocore.exceptions import DataNotFoundError
from botocore.loaders import JSONFileLoader, Loader, instance_cache

BOTOCORE_DATA = Loader.BUILTIN_DATA_PATH  # botocore/data, where its own files live
ROOT = Path(__file__).resolve().parents[1]
# One folder per botocore release, Python version (the data and marshal's format both change) and
# version of what this module keeps (2: endpoints.json trimmed, see ENDPOINT_PREFIXES).
CACHE = (
    Path(os.environ.get("BOTOCORE_DATA_CACHE") or ROOT / ".botocore-data")
    / f"botocore-{botocore.__version__}-py{sys.version_info.major}{sys.version_info.minor}-2"
)
OPENERS = ((".json", open), (".json.gz", gzip.open))  # botocore's own two forms
# The services the app calls in production: ``preparse`` fills the package's folder for their clients.
SERVICES = ("dynamodb", "s3", "sqs", "firehose", "glue", "athena", "cognito-idp", "ssm", "cloudwatch")
# botocore's data the package keeps (the rest, ~430 services and 16 MB zipped, is dropped): our clients'
# and STS, which botocore's credential providers build for an assumed role or a web identity.
PACKAGED_SERVICES = (*SERVICES, "sts")
# endpoints.json, which every botocore session reads whole for its endpoint resolver, is kept for the
# services this repository builds clients for (named by endpoint prefix, as the file names them):
# 1.25 MB and ~13 ms to load even pre-parsed, down to ~30 KB. A service left out resolves from its
# partition's defaults, as a service newer than botocore's file does; tests/cloud/test_botocore_data.py
# checks that every client the code builds resolves as with the whole file.
ENDPOINT_PREFIXES = frozenset(
    {
        *("dynamodb", "s3", "sqs", "firehose", "glue", "athena", "cognito-idp", "ssm", "monitoring", "sts"),
        *("streams.dynamodb", "apigateway", "cloudformation", "lambda"),  # the local and deploy tools'
    }
)


def endpoints_trimmed(endpoints: dict[str, Any]) -> dict[str, Any]:
    """Return botocore's endpoints data with each partition's services cut to ENDPOINT_PREFIXES."""
    partitions = [
        {**partition, "services": {k: v for k, v in partition["services"].items() if k in ENDPOINT_PREFIXES}}
        for partition in endpoints["partitions"]
    ]
    return {**endpoints, "partitions": partitions}


class PreparsedFiles(JSONFileLoader):
    """botocore's JSON file loader, keeping botocore's own data files as marshal data in ``folder``.

    marshal loads the same data in about a fifth of the time of ``json.loads`` with botocore's
    OrderedDict hook (plain dicts keep their order too); endpoints.json is kept trimmed
    (``endpoints_trimmed``). Files from elsewhere (``~/.aws/models``) are read as botocore reads them.
    A folder that cannot be written is only read.
    """

    def __init__(self, folder: Path = CACHE) -> None:
        self.folder = folder

    def load_file(self, file_path: str) -> Any:
        if not file_path.startswith(BOTOCORE_DATA + os.sep):
            return super().load_file(file_path)
        name = file_path[len(BOTOCORE_DATA) + 1 :]
        cached = self.folder / f"{name}.marshal"
        try:
            # Written only by _keep below, inside the project or the read-only package: data we made.
            return marshal.loads(cached.read_bytes())  # noqa: S302
        except (OSError, EOFError, ValueError, TypeError):
            pass
        for extension, opener in OPENERS:
            try:
                with opener(file_path + extension, "rb") as source:
                    data = json.loads(source.read())
            except FileNotFoundError:
                continue
            if name == "endpoints":
                data = endpoints_trimmed(data)
            self._keep(cached, data)
            return data
        return None

    @staticmethod
    def _keep(path: Path, data: Any) -> None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
            partial.write_bytes(marshal.dumps(data))
            partial.replace(path)  # atomic: a concurrent reader sees the whole file or none
        except OSError:
            pass


class ServiceLoader(Loader):
    """botocore's data loader, without a scan of every service's folder for each client's first model.

    ``Loader.load_service_model`` lists all ~440 service folders, once per model type, only to check
    the one name it was asked for (and to name them all if it is unknown): about a third of a first
    client's cost. This looks in the asked service's folder alone and leaves an unknown name to
    botocore, which raises its usual error. botocore pull request 3687 proposes the same upstream.
    """

    def __init__(self, file_loader: JSONFileLoader | None = None) -> None:
        super().__init__(file_loader=file_loader or PreparsedFiles())

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


def preparse(folder: Path = CACHE) -> int:
    """Keep in ``folder`` the data files the clients of SERVICES read; return how many it holds."""
    import botocore.session

    session = botocore.session.get_session()
    session.register_component("data_loader", ServiceLoader(PreparsedFiles(folder)))
    for service in SERVICES:
        session.create_client(service, region_name="us-east-1")
    return sum(1 for _ in folder.rglob("*.marshal"))
