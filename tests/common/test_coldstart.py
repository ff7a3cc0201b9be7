"""common.coldstart: rare collections while a Lambda container starts, then the usual ones."""

from __future__ import annotations

import gc
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from common import coldstart

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def usual_thresholds() -> Iterator[tuple[int, ...]]:
    coldstart.collect_as_usual()  # the test process started if it imported the Lambda entry point
    usual = gc.get_threshold()
    yield usual
    gc.set_threshold(*usual)
    gc.unfreeze()


def test_the_collector_runs_rarely_until_start_up_ends(usual_thresholds: tuple[int, ...]) -> None:
    coldstart.collect_rarely()
    coldstart.collect_rarely()  # a second call does not compound
    assert gc.get_threshold() == (usual_thresholds[0] * coldstart.STARTUP_FACTOR, *usual_thresholds[1:])
    frozen_before = gc.get_freeze_count()

    coldstart.collect_as_usual()

    assert gc.get_threshold() == usual_thresholds
    assert gc.get_freeze_count() > frozen_before  # what start-up built is out of collections


def test_start_up_ends_once(usual_thresholds: tuple[int, ...]) -> None:
    coldstart.collect_rarely()
    coldstart.collect_as_usual()
    gc.set_threshold(1234, *usual_thresholds[1:])
    coldstart.collect_as_usual()
    assert gc.get_threshold()[0] == 1234


def test_a_wrapped_handler_ends_start_up_even_when_it_raises(usual_thresholds: tuple[int, ...]) -> None:
    @coldstart.ends_start_up
    def handler(event: dict[str, str], context: object) -> dict[str, str]:
        raise RuntimeError(event["say"])

    coldstart.collect_rarely()
    with pytest.raises(RuntimeError, match="boom"):
        handler({"say": "boom"}, None)
    assert gc.get_threshold() == usual_thresholds


# Import the Lambda entry point in a fresh interpreter, noting the collector's first threshold when
# the heavy packages are first imported.
FRESH_PROCESS = """
import gc, json, sys
usual = gc.get_threshold()[0]
seen = {}
def audit(event, args):
    if event == "import" and args[0] in ("boto3", "django", "zappa.handler"):
        seen.setdefault(args[0], gc.get_threshold()[0])
sys.addaudithook(audit)
import cloud.lambda_handlers
import zappa.handler, django.core.wsgi  # what the first page imports: Zappa's handler builds Django's app
print(json.dumps({"usual": usual, "seen": seen}))
"""


def test_the_lambda_entry_point_collects_rarely_before_the_heavy_imports() -> None:
    done = subprocess.run(
        [sys.executable, "-c", FRESH_PROCESS], capture_output=True, text=True, check=True, cwd=ROOT
    )
    result = json.loads(done.stdout)
    rarely = result["usual"] * coldstart.STARTUP_FACTOR
    assert result["seen"] == {"boto3": rarely, "django": rarely, "zappa.handler": rarely}
