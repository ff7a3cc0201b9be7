"""Library chatter stays at WARNING in make run, the runners and the benches, unless asked for."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# What make run's Django, the upload runner and every bench do: set Django up, then build clients the
# way django-storages does (no endpoint passed: botocore finds AWS_ENDPOINT_URL and says so at INFO).
DJANGO_PROCESS = """
import django, boto3
django.setup()
boto3.client("s3", region_name="us-east-1")
import logging
logging.getLogger("blog").info("app line")
"""

RUNNER_PROCESS = """
import boto3, threading
from cloud.local import stream_runner
stream_runner.run = lambda stop, checkpoint_path: boto3.client("s3", region_name="us-east-1")
stream_runner.main()
"""


def run(code: str, **env: str) -> str:
    environment = {
        **os.environ,
        "AWS_ENDPOINT_URL": "http://127.0.0.1:9",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "LOG_LEVEL": "INFO",
        **env,
    }
    environment.pop("LIBRARY_LOG_LEVEL", None)
    environment.update(env)
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return result.stderr


def test_django_processes_keep_botocore_at_warning() -> None:
    output = run(DJANGO_PROCESS)
    assert "Found endpoint" not in output
    assert "app line" in output  # the app's own INFO lines still show


def test_the_stream_runner_keeps_botocore_at_warning() -> None:
    output = run(RUNNER_PROCESS)
    assert "Found endpoint" not in output
    assert "stream runner started" in output


def test_library_lines_come_back_when_asked_for() -> None:
    assert "Found endpoint for s3 via: environment_global" in run(DJANGO_PROCESS, LIBRARY_LOG_LEVEL="INFO")
    assert "Found endpoint for s3 via: environment_global" in run(RUNNER_PROCESS, LIBRARY_LOG_LEVEL="INFO")
