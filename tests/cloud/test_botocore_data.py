"""cloud.botocore_data: botocore's data, found directly and kept pre-parsed, loads as botocore loads it."""

from __future__ import annotations

import json
from pathlib import Path
from unittest import mock

import botocore.session
import pytest
from botocore.exceptions import BotoCoreError, UnknownServiceError
from botocore.loaders import Loader
from botocore.regions import EndpointResolver

from cloud import botocore_data
from cloud.botocore_data import BOTOCORE_DATA, PreparsedFiles, ServiceLoader
from tests.service_clients import ROOT, services_in

SERVICES = (*botocore_data.SERVICES, "dynamodbstreams")  # the app's, and the local stream runner's
MODEL_TYPES = ("service-2", "endpoint-rule-set-1", "paginators-1")


@pytest.fixture
def loader(tmp_path: Path) -> ServiceLoader:
    """A ServiceLoader whose pre-parsed files go to a fresh folder."""
    return ServiceLoader(PreparsedFiles(tmp_path))


@pytest.mark.parametrize("service", SERVICES)
@pytest.mark.parametrize("model_type", MODEL_TYPES)
def test_service_loader_loads_what_botocore_loads(service: str, model_type: str, tmp_path: Path) -> None:
    expected = Loader().load_service_model(service, model_type)
    parsed = ServiceLoader(PreparsedFiles(tmp_path)).load_service_model(service, model_type)
    preparsed = ServiceLoader(PreparsedFiles(tmp_path)).load_service_model(service, model_type)
    assert parsed == expected
    assert preparsed == expected


@pytest.mark.parametrize("name", ["partitions", "_retry", "sdk-default-configuration"])
def test_botocores_other_data_files_load_as_botocore_loads_them(name: str, tmp_path: Path) -> None:
    first = ServiceLoader(PreparsedFiles(tmp_path)).load_data(name)
    assert (tmp_path / f"{name}.marshal").is_file()
    assert first == ServiceLoader(PreparsedFiles(tmp_path)).load_data(name) == Loader().load_data(name)


def test_endpoints_are_kept_for_every_service_the_repository_builds_a_client_for() -> None:
    skipped = ("node_modules", "tests")  # and hidden folders: the virtualenvs
    services = services_in(
        path
        for path in ROOT.rglob("*.py")
        if not any(part.startswith(".") or part in skipped for part in path.relative_to(ROOT).parts)
    )
    assert {"dynamodb", "s3", "cloudformation", "dynamodbstreams"} <= services  # the scan found them
    session = botocore.session.get_session()
    prefixes = {session.get_service_model(service).endpoint_prefix for service in services}
    assert prefixes <= botocore_data.ENDPOINT_PREFIXES, prefixes - botocore_data.ENDPOINT_PREFIXES


def _resolved(resolver: EndpointResolver, prefix: str, region: str, partition: str, variant: str) -> object:
    """The endpoint ``resolver`` constructs, or the error it raises (not every variant exists)."""
    try:
        return resolver.construct_endpoint(
            prefix,
            region,
            partition,
            use_fips_endpoint=variant == "fips",
            use_dualstack_endpoint=variant == "dualstack",
        )
    except BotoCoreError as error:
        return repr(error)


def test_trimmed_endpoints_resolve_every_kept_service_as_the_whole_file_does(tmp_path: Path) -> None:
    whole = Loader().load_data("endpoints")
    trimmed = ServiceLoader(PreparsedFiles(tmp_path)).load_data("endpoints")
    assert len(json.dumps(trimmed)) < len(json.dumps(whole)) / 10
    ours, botocores = EndpointResolver(trimmed), EndpointResolver(whole)
    for partition in whole["partitions"]:
        name = partition["partition"]
        for prefix in sorted(botocore_data.ENDPOINT_PREFIXES):
            listed = partition["services"].get(prefix, {}).get("endpoints", {})
            # Every region, those the service lists, and one only the partition's pattern matches.
            for region in sorted({*partition["regions"], *listed, "no-such-region-1"}):
                for variant in ("", "fips", "dualstack"):
                    args = (prefix, region, name, variant)
                    assert _resolved(ours, *args) == _resolved(botocores, *args), args
            available = ours.get_available_endpoints(prefix, name)
            assert available == botocores.get_available_endpoints(prefix, name)


def test_preparsed_files_are_read_instead_of_the_json(tmp_path: Path) -> None:
    files = PreparsedFiles(tmp_path)
    files.load_file(str(Path(BOTOCORE_DATA, "partitions")))
    with mock.patch("cloud.botocore_data.json.loads", side_effect=AssertionError("parsed again")):
        assert PreparsedFiles(tmp_path).load_file(str(Path(BOTOCORE_DATA, "partitions")))["partitions"]


def test_a_damaged_preparsed_file_is_parsed_again_and_replaced(tmp_path: Path) -> None:
    (tmp_path / "partitions.marshal").write_bytes(b"not marshal data")
    data = PreparsedFiles(tmp_path).load_file(str(Path(BOTOCORE_DATA, "partitions")))
    assert data == Loader().load_data("partitions")
    assert PreparsedFiles(tmp_path).load_file(str(Path(BOTOCORE_DATA, "partitions"))) == data


def test_a_read_only_folder_is_only_read(tmp_path: Path) -> None:
    blocked = tmp_path / "a-file-not-a-folder"
    blocked.write_text("")
    assert PreparsedFiles(blocked).load_file(str(Path(BOTOCORE_DATA, "partitions"))) == Loader().load_data(
        "partitions"
    )


def test_files_outside_botocores_data_are_read_as_botocore_reads_them(tmp_path: Path) -> None:
    model = tmp_path / "models" / "custom"
    model.parent.mkdir()
    model.with_suffix(".json").write_text(json.dumps({"b": 1, "a": [2]}))
    cache = tmp_path / "cache"
    assert PreparsedFiles(cache).load_file(str(model)) == {"b": 1, "a": [2]}
    assert not cache.exists()
    assert PreparsedFiles(cache).load_file(str(tmp_path / "missing")) is None


def test_service_loader_merges_sdk_extras_as_botocore_does(loader: ServiceLoader) -> None:
    # s3's service model comes with an sdk-extras file that botocore merges into it.
    ours = loader.load_service_model("s3", "service-2")
    assert ours != Loader().load_data("s3/2006-03-01/service-2")
    assert ours == Loader().load_service_model("s3", "service-2")


def test_service_loader_honours_an_explicit_api_version(loader: ServiceLoader) -> None:
    args = ("dynamodb", "endpoint-rule-set-1", "2011-12-05")  # dynamodb's older API version
    ours = loader.load_service_model(*args)
    assert ours == Loader().load_service_model(*args)
    assert ours != Loader().load_service_model("dynamodb", "endpoint-rule-set-1")


def test_service_loader_does_not_scan_every_service_for_a_known_one(loader: ServiceLoader) -> None:
    with mock.patch.object(Loader, "list_available_services", side_effect=AssertionError("scanned")):
        model = loader.load_service_model("dynamodb", "service-2")
    assert model["metadata"]["serviceId"] == "DynamoDB"


def test_service_loader_leaves_unknown_services_to_botocores_error(loader: ServiceLoader) -> None:
    with pytest.raises(UnknownServiceError, match="dynamodb"):  # botocore lists the known names
        loader.load_service_model("no-such-service", "service-2")
