from __future__ import annotations

from typing import Any

from analytics.checks import analytics_engine_check


def test_the_default_local_engine_passes() -> None:
    assert analytics_engine_check() == []


def test_an_unknown_engine_is_an_error(settings: Any) -> None:
    settings.ANALYTICS_ENGINE = "sqlite"
    assert [m.id for m in analytics_engine_check()] == ["analytics.E001"]


def test_athena_needs_a_workgroup(settings: Any) -> None:
    settings.ANALYTICS_ENGINE = "athena"
    settings.ATHENA_WORKGROUP = ""
    assert [m.id for m in analytics_engine_check()] == ["analytics.E003"]
