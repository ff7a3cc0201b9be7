"""What every query engine shares: the run, its cost estimate, and the engine interface.

An engine runs Athena-dialect SQL against the analytics database and answers with a ``Run``.
``settings.ANALYTICS_ENGINE`` picks one ("duckdb" locally, "athena" in production), the way
``SESSION_ENGINE`` picks a session backend.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal, Protocol

from analytics.engines import ENGINES
from analytics.reports.parameters import DateRange
from common.errors import UserError

RunStatus = Literal["queued", "running", "succeeded", "failed"]
FINISHED: tuple[RunStatus, ...] = ("succeeded", "failed")

# Athena's price: $5 per TB scanned, rounded up to the megabyte, 10 MB minimum per query.
PRICE_PER_TB_USD = 5.0
BYTES_PER_TB = 1024**4
BYTES_PER_MB = 1024**2
MINIMUM_BILLED_BYTES = 10 * BYTES_PER_MB


def cost_estimate(bytes_scanned: int) -> float:
    """Return what Athena would charge, in US dollars, for scanning ``bytes_scanned`` bytes."""
    billed = max(math.ceil(bytes_scanned / BYTES_PER_MB) * BYTES_PER_MB, MINIMUM_BILLED_BYTES)
    return billed / BYTES_PER_TB * PRICE_PER_TB_USD


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # Athena's type names: varchar, bigint, integer, double, boolean, date, timestamp


@dataclass(frozen=True)
class RunLabel:
    """What a run was for: a report and its parameters, or the console (``report`` None)."""

    report: str | None
    parameters: dict[str, str | None] = field(default_factory=dict)


# Every run answers within API Gateway's 29 s (with room for loading lake objects locally) or is
# stopped; Athena runs are polled instead, and stopped once they pass ATHENA_TIME_LIMIT_SECONDS.
QUERY_TIME_LIMIT_SECONDS = 10.0
ATHENA_TIME_LIMIT_SECONDS = 300.0  # a report over a year of Parquet takes seconds; 5 minutes is a runaway
# A run's rows travel in one JSON response: Lambda's payload limit is 6 MB, so 2 MiB of values
# leaves room for JSON's quoting and the page around them.
MAX_RESULT_BYTES = 2 * 1024 * 1024


@dataclass(frozen=True)
class Query:
    """Athena-dialect SQL to run, the ``dt`` partitions it reads (None: all), its label and limits."""

    sql: str
    label: RunLabel
    partitions: DateRange | None = None
    time_limit_seconds: float = QUERY_TIME_LIMIT_SECONDS
    max_result_bytes: int = MAX_RESULT_BYTES


@dataclass(frozen=True)
class Run:
    id: str
    engine: str
    label: RunLabel
    status: RunStatus
    columns: tuple[Column, ...] = ()
    rows: tuple[tuple[Any, ...], ...] = ()
    bytes_scanned: int | None = None
    duration_ms: int | None = None
    error: str | None = None

    @property
    def finished(self) -> bool:
        return self.status in FINISHED

    @property
    def estimated_cost_usd(self) -> float | None:
        return None if self.bytes_scanned is None else cost_estimate(self.bytes_scanned)

    def as_dict(self) -> dict[str, Any]:
        """Return the run as JSON-ready data (dates as ISO strings)."""
        return {
            "id": self.id,
            "engine": self.engine,
            "report": self.label.report,
            "parameters": self.label.parameters,
            "status": self.status,
            "columns": [{"name": c.name, "type": c.type} for c in self.columns],
            "rows": [[json_value(v) for v in row] for row in self.rows],
            "bytes_scanned": self.bytes_scanned,
            "duration_ms": self.duration_ms,
            "estimated_cost_usd": self.estimated_cost_usd,
            "error": self.error,
        }


def json_value(value: Any) -> Any:
    """Return ``value`` as something ``json.dumps`` writes faithfully."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, bytes):
        return value.hex()
    return value


class RunNotFound(UserError, LookupError):
    """No run has that id (or it is no longer kept)."""

    status, code = 404, "not_found"


class QueryNotStarted(UserError, RuntimeError):
    """The engine could not start the query (throttled, unreachable): nothing to poll, try again."""

    status, code = 503, "engine_unavailable"


class Engine(Protocol):
    name: str

    def run_start(self, query: Query) -> Run:
        """Start ``query``; return its run (finished, or queued/running to be polled with ``run_get``)."""
        ...

    def run_get(self, run_id: str) -> Run:
        """Return the run's current state; raise ``RunNotFound`` for an unknown id."""
        ...


@functools.cache
def engine_for(name: str) -> Engine:
    """Return the (process-wide) engine called ``name``."""
    if name == "duckdb":
        from analytics.engines.duckdb import DuckDBEngine

        return DuckDBEngine()
    if name == "athena":
        from analytics.engines.athena import AthenaEngine

        return AthenaEngine()
    raise ValueError(f"ANALYTICS_ENGINE must be one of {', '.join(ENGINES)}, not {name!r}")


def engine_get() -> Engine:
    """Return the engine ``settings.ANALYTICS_ENGINE`` names."""
    from django.conf import settings

    return engine_for(settings.ANALYTICS_ENGINE)
