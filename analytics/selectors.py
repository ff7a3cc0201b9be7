"""Analytics reads: the report catalog and runs."""

from __future__ import annotations

from analytics.engines.base import Run, engine_get
from analytics.reports.catalog import REPORTS, Report


def report_list() -> list[Report]:
    """Return every report, in the catalog's order."""
    return list(REPORTS.values())


def run_get(*, run_id: str) -> Run:
    """Return a run's current state; raise ``RunNotFound`` for an unknown id."""
    return engine_get().run_get(run_id)
