"""Fixtures for the deployment checks: the Lambda package, built once per session, and its own stack."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from cloud.local.bootstrap import LocalStack
from tools import package_build, package_checks, package_run


@dataclass(frozen=True)
class BuiltPackage:
    zip_path: Path
    unpacked: Path
    report: package_checks.Report


@pytest.fixture(scope="session")
def built_package(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BuiltPackage]:
    """Run ``zappa package production`` from the clean packaging virtualenv, unpack and inspect it."""
    folder = tmp_path_factory.mktemp("lambda-package")
    zip_path = package_build.build("production", output=folder / "blog-production.zip")
    unpacked = package_build.unpack(zip_path, folder / "task")
    yield BuiltPackage(
        zip_path=zip_path, unpacked=unpacked, report=package_checks.inspect(zip_path, unpacked)
    )
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def lambda_environment(local_stack: LocalStack) -> dict[str, str]:
    """The function's environment as docs/deploy.md sets it, with production's resources in the emulator."""
    return package_run.emulated_function_environment("production")
