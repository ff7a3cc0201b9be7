"""The Lambda package as ``zappa package production`` builds it: limits, contents, glibc, and a real run.

The run imports the handler from the unpacked package in an interpreter that sees only the standard
library and the package (as Lambda's python3.12 runtime sees /var/task), with the production settings
baked into the package, against the emulator holding production-named resources.
"""

from __future__ import annotations

import json
import sys
import uuid
from pathlib import Path
from typing import Any

from cloud import aws
from cloud.botocore_data import CACHE, PACKAGED_SERVICES, SERVICES
from cloud.local.lambda_runtime import api_gateway_event, response_body
from tests.service_clients import ROOT, services_in
from tools import package_checks, package_run

from .conftest import BuiltPackage

EVENTS = Path(__file__).resolve().parents[1] / "events"

# Zappa's ``raw_command`` event runs Python inside the function: here, a 12-megapixel photograph-like
# JPEG through the rendition pipeline, so the peak RSS covers the heaviest thing the function does.
RENDER_12_MEGAPIXELS = """
import io
from PIL import Image, ImageFilter
from uploads.renditions import image_renditions
photo = Image.effect_noise((4000, 3000), 64).filter(ImageFilter.GaussianBlur(2)).convert("RGB")
buffer = io.BytesIO()
photo.save(buffer, "JPEG", quality=90)
image_renditions(buffer.getvalue())
print("rendered 12 MP")
"""
# Every client the function builds, built inside the package: ours (cloud.aws), django-storages' S3
# resource and pyathena's Athena client. botocore's data for other services is not packaged.
BUILD_EVERY_CLIENT = """
import boto3
from pyathena import connect
from cloud import aws
from cloud.botocore_data import SERVICES
for service in SERVICES:
    aws.client(service).meta.service_model.operation_names
boto3.resource("s3").meta.client.meta.service_model.operation_names
connect(s3_staging_dir="s3://results/", region_name="us-east-1", work_group="w")
"""
APP_PACKAGES = ("accounts", "analytics", "blog", "cloud", "common", "config", "uploads")
MEMORY_SIZE_MB = json.loads(package_run.SETTINGS_FILE.read_text())["production"]["memory_size"]


def test_package_fits_lambdas_size_limits(built_package: BuiltPackage) -> None:
    report = built_package.report
    assert 0 < report.zipped_bytes <= package_checks.ZIPPED_BUDGET < package_checks.MAX_ZIPPED
    assert report.zipped_bytes < report.unzipped_bytes <= package_checks.MAX_UNZIPPED


def test_package_holds_the_app_and_no_local_only_package(built_package: BuiltPackage) -> None:
    task = built_package.unpacked
    for needed in ("django", "PIL", "boto3", "storages", "nh3", "jwt", "config", "blog", "cloud", "zappa"):
        assert (task / needed).is_dir(), needed
    assert (task / "staticfiles" / "staticfiles.json").is_file(), "WhiteNoise's manifest must be packaged"
    assert (task / "zappa_settings.py").is_file()
    assert built_package.report.forbidden == []
    for absent in (
        "moto",
        "duckdb",
        "pyarrow",
        "aws_cdk",
        "playwright",
        "pytest",
        "mypy",
        "tests",
        "checks",
        "infra",
    ):
        assert not (task / absent).exists(), absent


def test_forbidden_entries_names_local_only_packages() -> None:
    names = [
        "moto/__init__.py",
        "duckdb-2.0.0.dist-info/METADATA",
        "django/__init__.py",
        "tests/x.py",
        "PIL/a.so",
    ]
    assert package_checks.forbidden_entries(names) == ["duckdb-2.0.0.dist-info", "moto", "tests"]


def test_package_ships_bytecode_python_uses_without_checking_timestamps(built_package: BuiltPackage) -> None:
    task = built_package.unpacked
    pycs = list(task.rglob("__pycache__/*.pyc"))
    assert len(pycs) > 1000
    # PEP 552 header flags: 0b01 is a hash-based pyc whose source is never checked. Timestamp pycs
    # (flags 0) would all be stale on Lambda: the zip keeps no modification times.
    assert {int.from_bytes(pyc.read_bytes()[4:8], "little") for pyc in pycs} == {0b01}
    tag = sys.implementation.cache_tag
    for module in ("blog/views.py", "config/settings.py", "django/db/models/base.py", "zappa/handler.py"):
        source = task / module
        assert (source.parent / "__pycache__" / f"{source.stem}.{tag}.pyc").is_file(), module


def test_package_ships_botocores_data_pre_parsed_for_our_clients(built_package: BuiltPackage) -> None:
    folder = built_package.unpacked / ".botocore-data" / CACHE.name
    assert (folder / "endpoints.marshal").is_file()
    for service in SERVICES:
        assert list(folder.glob(f"{service}/*/service-2.marshal")), service


def test_every_service_the_code_builds_a_client_for_is_one_the_package_keeps() -> None:
    used = services_in(
        path
        for package in APP_PACKAGES
        for path in (ROOT / package).rglob("*.py")
        if "local" not in path.relative_to(ROOT).parts  # cloud/local: the emulator's, never packaged
    )
    assert {"dynamodb", "s3", "sqs", "ssm"} <= used  # the scan did find the clients
    assert used <= set(SERVICES), used - set(SERVICES)


def test_botocore_data_is_trimmed_to_our_services_and_every_client_still_loads(
    built_package: BuiltPackage, lambda_environment: dict[str, str]
) -> None:
    data = built_package.unpacked / "botocore" / "data"
    assert sorted(p.name for p in data.iterdir() if p.is_dir()) == sorted(PACKAGED_SERVICES)
    assert (data / "endpoints.json").is_file()
    (answer,) = _run(built_package, lambda_environment, [{"raw_command": BUILD_EVERY_CLIENT}])["answers"]
    assert answer == {"result": None}, answer


def test_shared_libraries_need_no_glibc_newer_than_amazon_linux_2023(built_package: BuiltPackage) -> None:
    report = built_package.report
    assert report.shared_libraries > 10  # Pillow, cryptography, nh3 ...: the check did look
    assert report.glibc_too_new == {}
    assert tuple(int(part) for part in report.newest_glibc.split(".")) <= package_checks.LAMBDA_GLIBC


def test_glibc_versions_are_read_from_the_version_references() -> None:
    objdump = """
Dynamic Section:
  NEEDED               libc.so.6
Version definitions:
1 0x01 0x0a0bd3c1 GLIBC_9.99
Version References:
  required from libpthread.so.0:
    0x09691a75 0x00 05 GLIBC_2.2.5
  required from libc.so.6:
    0x06969194 0x00 04 GLIBC_2.14
    0x069691b4 0x00 03 GLIBC_2.34

"""
    assert package_checks.glibc_versions_needed(objdump) == {(2, 2, 5), (2, 14), (2, 34)}


def _run(built_package: BuiltPackage, env: dict[str, str], events: list[dict[str, Any]]) -> dict[str, Any]:
    return package_run.run_events(built_package.unpacked, events, env=env)


def _stream_event() -> dict[str, Any]:
    event = json.loads((EVENTS / "ddb-article-published.json").read_text())
    for record in event["Records"]:
        record["eventID"] = uuid.uuid4().hex
        record["eventSourceARN"] = (
            "arn:aws:dynamodb:us-east-1:123456789012:table/blog-production-table/stream/2026-01-01T00:00:00.000"
        )
    return event


def test_packaged_handler_serves_the_site_routes_the_stream_and_passes_deploy_checks(
    built_package: BuiltPackage, lambda_environment: dict[str, str]
) -> None:
    stream_event = _stream_event()
    run = _run(
        built_package,
        lambda_environment,
        [
            api_gateway_event("GET", "/healthz"),
            api_gateway_event("GET", "/"),
            api_gateway_event("GET", "/static/css/site.css"),
            {"manage": "check --deploy --fail-level WARNING"},
            stream_event,
            {"raw_command": RENDER_12_MEGAPIXELS},
        ],
    )
    healthz, home, css, check, stream, render = run["answers"]
    assert healthz["result"]["statusCode"] == 200, (healthz, run["stderr"][-3000:])
    assert home["result"]["statusCode"] == 200, home
    assert b"<html" in response_body(home["result"]).lower()
    assert home["result"]["headers"]["Strict-Transport-Security"].startswith("max-age=")
    assert css["result"]["statusCode"] == 200, css  # WhiteNoise serves the collected, hashed files
    assert check == {"result": {}}, check
    assert stream == {"result": {"batchItemFailures": []}}, stream
    # Imported from the package or the standard library only: nothing leaked in from a virtualenv.
    assert run["modules_from_outside"] == []
    # The secret key came from SSM (the package and the function's environment hold none).
    assert '"secrets loaded from SSM"' in run["stderr"]
    lake = aws.names().__class__.for_prefix("blog-production").lake_bucket
    objects = aws.client("s3").list_objects_v2(Bucket=lake, Prefix="events/").get("Contents", [])
    bodies = b"".join(aws.client("s3").get_object(Bucket=lake, Key=o["Key"])["Body"].read() for o in objects)
    assert stream_event["Records"][0]["eventID"].encode() in bodies
    assert render == {"result": None}, render
    # The peak (Django, boto3, a page, a stream batch, a 12 MP image) fits in memory_size. Measured
    # 199-523 MiB across runs of this test; the spread is not yet explained (docs/deploy.md).
    peak_mib = run["max_rss_kib"] / 1024
    print(f"packaged handler peak RSS: {peak_mib:.0f} MiB of memory_size {MEMORY_SIZE_MB} MiB")
    assert peak_mib < MEMORY_SIZE_MB, peak_mib


def test_packaged_handler_raises_for_a_poison_upload_message_so_lambda_retries_it(
    built_package: BuiltPackage, lambda_environment: dict[str, str]
) -> None:
    event = json.loads((EVENTS / "sqs-s3-notification.json").read_text())
    event["Records"][0]["eventSourceARN"] = "arn:aws:sqs:us-east-1:123456789012:blog-production-uploads"
    event["Records"][0]["body"] = "not an S3 notification"
    (answer,) = _run(built_package, lambda_environment, [event])["answers"]
    assert answer["error"] == "UploadBatchFailed", answer


def test_the_smoke_run_of_make_package_passes_and_judges_failures(
    built_package: BuiltPackage, lambda_environment: dict[str, str]
) -> None:
    labelled = package_run.smoke_events()
    run = _run(built_package, lambda_environment, [event for _, event in labelled])
    outcomes = [
        package_run.smoke_outcome(label, a) for (label, _), a in zip(labelled, run["answers"], strict=True)
    ]
    assert all(passed for _, passed in outcomes), outcomes
    # Both ways in: the custom domain, and the execute-api host (200, not Django's 400 for an unknown
    # host). Through the execute-api host Zappa serves the app under /<stage>/ (SCRIPT_NAME): its
    # links are checked in test_packaged_environment.py.
    answers = {label: answer["result"] for (label, _), answer in zip(labelled, run["answers"], strict=True)}
    assert answers["GET /"]["statusCode"] == answers["GET / (execute-api host)"]["statusCode"] == 200
    assert package_run.smoke_outcome("GET /", {"result": {"statusCode": 500}}) == ("GET /: 500", False)
    assert package_run.smoke_outcome("GET /", {"error": "ImportError", "message": "x"})[1] is False
    assert package_run.smoke_outcome("manage check", {"result": None})[1] is False
