"""Analytics writes: start report runs and console queries on the configured engine."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime

from analytics.engines.base import Query, Run, RunLabel, engine_get
from analytics.reports.catalog import report_get
from analytics.reports.parameters import parameters_parse, report_bind
from analytics.sqlcheck import console_query


def today_utc() -> date:
    return datetime.now(UTC).date()


def report_run_start(
    *, report_id: str, raw_parameters: Mapping[str, object], today: date | None = None
) -> Run:
    """Validate the parameters, bind them into the report's SQL and start it.

    Raise ``ReportNotFound`` or ``InvalidParameters`` (with per-field messages) before anything runs.
    """
    report = report_get(report_id)
    params = parameters_parse(report, raw_parameters, today=today or today_utc())
    bound = report_bind(report, params)
    label = RunLabel(report=report.id, parameters=params.as_dict())
    return engine_get().run_start(Query(sql=bound.sql, label=label, partitions=bound.partitions))


def console_run_start(*, sql: str) -> Run:
    """Start one SELECT from the console (row-limited); raise ``QueryRefused`` for anything else."""
    return engine_get().run_start(Query(sql=console_query(sql), label=RunLabel(report=None)))
