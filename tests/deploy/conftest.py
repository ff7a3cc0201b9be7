"""Fixtures for the deployment checks: the Lambda package, built once per session, and its own stack."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from cloud import aws
from cloud.local.bootstrap import LocalStack, bootstrap
from cloud.resources import ResourceNames
from tools import lambda_package

PRODUCTION_PREFIX = "blog-production"  # baked into the package (zappa_settings.json environment_variables)
SECRET_PARAMETER = "/blog-production/django-secret-key"


@dataclass(frozen=True)
class BuiltPackage:
    zip_path: Path
    unpacked: Path
    report: lambda_package.Report


@pytest.fixture(scope="session")
def built_package(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BuiltPackage]:
    """Run ``zappa package production`` from the clean packaging virtualenv, unpack and inspect it."""
    folder = tmp_path_factory.mktemp("lambda-package")
    zip_path = lambda_package.build("production", output=folder / "blog-production.zip")
    unpacked = lambda_package.unpack(zip_path, folder / "task")
    yield BuiltPackage(
        zip_path=zip_path, unpacked=unpacked, report=lambda_package.inspect(zip_path, unpacked)
    )
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def production_stack(local_stack: LocalStack) -> LocalStack:
    """Create the production-named resources in the emulator (the package's names are baked in)."""
    stack = bootstrap(ResourceNames.for_prefix(PRODUCTION_PREFIX), with_demo_users=False)
    aws.client("ssm").put_parameter(
        Name=SECRET_PARAMETER,
        Value="packaged-handler-test-secret-" + "x" * 40,
        Type="SecureString",
        Overwrite=True,
    )
    return stack


@pytest.fixture(scope="session")
def lambda_environment(production_stack: LocalStack) -> dict[str, str]:
    """The Lambda function's environment as infra/ and the deploy guide set it, pointed at the emulator."""
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LANG": "C.UTF-8",
        "AWS_ENDPOINT_URL": os.environ["AWS_ENDPOINT_URL"],
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_REGION": "us-east-1",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_LAMBDA_FUNCTION_NAME": "blog-production",
        "COGNITO_USER_POOL_ID": production_stack.user_pool_id,
        "COGNITO_CLIENT_ID": production_stack.user_pool_client_id,
        "DJANGO_ALLOWED_HOSTS": "blog.example.com",
        "DJANGO_CSRF_TRUSTED_ORIGINS": "https://blog.example.com",
    }
