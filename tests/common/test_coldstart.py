"""common.coldstart: rare collections until the first response, then the usual ones."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest
from django.core.signals import request_finished

from common.coldstart import STARTUP_FACTOR, collect_rarely_until_first_response


@pytest.fixture
def usual_thresholds() -> Iterator[tuple[int, ...]]:
    usual = gc.get_threshold()
    yield usual
    gc.set_threshold(*usual)
    gc.unfreeze()


def test_the_collector_runs_rarely_until_the_first_response(usual_thresholds: tuple[int, ...]) -> None:
    collect_rarely_until_first_response()
    assert gc.get_threshold() == (usual_thresholds[0] * STARTUP_FACTOR, *usual_thresholds[1:])
    frozen_before = gc.get_freeze_count()

    request_finished.send(sender=None)

    assert gc.get_threshold() == usual_thresholds
    assert gc.get_freeze_count() > frozen_before  # what start-up built is out of collections


def test_only_the_first_response_ends_start_up(usual_thresholds: tuple[int, ...]) -> None:
    collect_rarely_until_first_response()
    request_finished.send(sender=None)
    gc.set_threshold(1234, *usual_thresholds[1:])
    request_finished.send(sender=None)
    assert gc.get_threshold()[0] == 1234  # the handler disconnected itself
