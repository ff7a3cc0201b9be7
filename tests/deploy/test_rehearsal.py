"""``make deploy`` rehearsed against the emulator: every step, twice (the second changes nothing).

What the emulator stops short of, said here and printed by the test:
- moto's CloudFormation implements only some resource types: the stacks are created from the
  synthesized templates minus those (Cognito, Glue, Firehose, Athena, CloudFront, alarms, bucket
  and queue policies, CDK's bucket-notification custom resource); the test reports N of M resources
  created, and the ones the app needs are made by the local bootstrap under the deployed names.
- moto runs no Lambda code: the smoke test calls the packaged handler here, with the function's
  configuration as ``zappa deploy`` left it in the emulator.
- IAM is not enforced here: tests/deploy/test_iam_enforcement.py runs the app under the role's
  credentials with enforcement on.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from cloud import aws
from cloud.local import emulator
from cloud.local.stack import TEST_CREDENTIALS
from infra.config import ZAPPA_SETTINGS

from .conftest import BuiltPackage


@pytest.fixture
def private_emulator(tmp_path: Path) -> Iterator[str]:
    """A moto server of its own: the deploy creates production-named resources from scratch."""
    port = emulator.free_port()
    saved = dict(os.environ)
    os.environ.update({**TEST_CREDENTIALS, "AWS_ENDPOINT_URL": f"http://127.0.0.1:{port}"})
    os.environ.pop("AWS_SESSION_TOKEN", None)
    for variable in [v for v in os.environ if v.endswith("_NAME") or v == "RESOURCE_PREFIX"]:
        os.environ.pop(variable)
    aws.reset()
    process = emulator.start(port, log=tmp_path / "moto.log")
    try:
        yield os.environ["AWS_ENDPOINT_URL"]
    finally:
        process.terminate()
        process.wait(timeout=10)
        os.environ.clear()
        os.environ.update(saved)
        aws.reset()


def test_make_deploy_runs_every_step_against_the_emulator_and_a_second_run_changes_nothing(
    built_package: BuiltPackage, private_emulator: str, tmp_path: Path
) -> None:
    from tools.deploy import Deployment

    settings = tmp_path / "zappa_settings.json"
    shutil.copy(ZAPPA_SETTINGS, settings)
    first = Deployment("production", zip_path=built_package.zip_path, settings_file=settings)
    steps = {step.name: step for step in first.run()}
    assert steps["zappa deploy"].outcome == "created"
    assert steps["first admin"].outcome == "created"
    assert steps["smoke test"].outcome == "checked", steps["smoke test"]
    assert steps["upload concurrency"].outcome == "updated"
    coverage = first.emulation.resources
    print("emulated CloudFormation:", {stack: f"{n} of {m}" for stack, (n, m) in coverage.items()})
    print("not emulated:", first.emulation.not_emulated)
    created, total = coverage["blog-production-data"]
    assert 0 < created < total  # honest: moto's CloudFormation makes only part of the data stack
    assert coverage["blog-production-wiring"][0] >= 1  # the stream mapping

    # What the deploy left is what the app uses: the function's configuration names the buckets,
    # the pool and both hosts; the stream and the upload queue are mapped to the function.
    configuration = aws.client("lambda").get_function_configuration(FunctionName="blog-production")
    variables = configuration["Environment"]["Variables"]
    assert variables["MEDIA_BUCKET_NAME"] == "blog-production-media-123456789012-us-east-1"
    assert variables["COGNITO_USER_POOL_ID"] == first.outputs["blog-production-data"]["CognitoUserPoolId"]
    assert variables["DJANGO_ALLOWED_HOSTS"].endswith(".execute-api.us-east-1.amazonaws.com")
    mappings = [
        m
        for m in aws.client("lambda").list_event_source_mappings()["EventSourceMappings"]
        if m["FunctionArn"].endswith(":function:blog-production")
    ]
    sources = sorted(m["EventSourceArn"].split(":")[2] for m in mappings)
    assert sources == ["dynamodb", "sqs"], mappings

    second = Deployment("production", zip_path=built_package.zip_path, settings_file=settings)
    changed = [step.line() for step in second.run() if step.outcome in ("created", "updated")]
    assert changed == []
