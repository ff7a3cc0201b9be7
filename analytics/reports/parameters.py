"""Report parameters: validate what a person sent, then bind it into the SQL as typed literals.

Pure functions, no AWS. Values are never formatted into SQL text: the SQL is parsed (sqlglot,
Athena dialect), each ``:name`` placeholder is replaced by a literal node built from an already
validated value, and the tree is written back out, so quoting is sqlglot's, not ours.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING

from analytics.reports.catalog import Report, report_sql
from analytics.schema import COLUMN_NAMES
from common.errors import UserError

if TYPE_CHECKING:
    from sqlglot import exp

# sqlglot is imported where it is used: it costs ~0.3 s to import, which every Lambda cold start
# would pay (the URLconf imports this module) though few requests run a report.

DEFAULT_DAYS = 30  # "the last 30 days"
MAX_DAYS = 366  # a year at most: bounds Athena's scan (and cost) and activity's day series
# Dates a report may ask for: epoch time onwards (the lake's timestamps), and far enough from
# date.max that the previous period (start - MAX_DAYS) and dt_end (end + 1 day) stay computable.
EARLIEST_DATE = date(1970, 1, 1)
LATEST_DATE = date(9998, 12, 31)
REALTIME_WINDOW = timedelta(minutes=30)  # the realtime report: visitors in the last 30 minutes
COUNTRY = re.compile(r"[A-Z]{2}")  # ISO 3166 alpha-2 shape ('ZZ' is the lake's "unknown")

ALLOWED = frozenset({"start", "end", "country"})


class InvalidParameters(UserError, ValueError):
    """The parameters are wrong; ``fields`` says which and why."""

    status, code = 400, "invalid"

    def __init__(self, message: str, *, fields: Mapping[str, str]) -> None:
        super().__init__(message, fields=fields)


@dataclass(frozen=True)
class ReportParameters:
    start: date
    end: date
    country: str | None = None

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def as_dict(self) -> dict[str, str | None]:
        return {"start": self.start.isoformat(), "end": self.end.isoformat(), "country": self.country}


@dataclass(frozen=True)
class DateRange:
    """Inclusive range of ``dt`` partitions a query reads (``first`` None: from the lake's start)."""

    first: date | None
    last: date

    def contains(self, day: date) -> bool:
        return (self.first is None or self.first <= day) and day <= self.last


@dataclass(frozen=True)
class BoundQuery:
    """A report's SQL with its parameters bound: what an engine runs."""

    report_id: str
    parameters: ReportParameters
    sql: str  # Athena dialect
    partitions: DateRange


def _parse_date(raw: object, name: str) -> date:
    if not isinstance(raw, str) or not raw.strip():
        raise InvalidParameters("Some parameters are wrong.", fields={name: "Give a date as YYYY-MM-DD."})
    try:
        value = date.fromisoformat(raw.strip())
    except ValueError:
        raise InvalidParameters(
            "Some parameters are wrong.", fields={name: "Give a date as YYYY-MM-DD."}
        ) from None
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        raise InvalidParameters(
            "Some parameters are wrong.",
            fields={name: f"Give a date from {EARLIEST_DATE.isoformat()} to {LATEST_DATE.isoformat()}."},
        )
    return value


def parameters_parse(report: Report, raw: Mapping[str, object], *, today: date) -> ReportParameters:
    """Return validated parameters for ``report`` from ``raw`` (query string or JSON), with defaults."""
    unknown = sorted(set(raw) - ALLOWED)
    if unknown:
        raise InvalidParameters(
            "Some parameters are wrong.", fields=dict.fromkeys(unknown, "Unknown parameter.")
        )
    present = {name: value for name, value in raw.items() if value not in (None, "")}
    # A filter the report does not use is refused, never silently dropped.
    unused = [name for name in sorted(present) if name not in report.parameters]
    if unused:
        raise InvalidParameters(
            "Some parameters are wrong.",
            fields=dict.fromkeys(unused, f"The report {report.title!r} does not use this filter."),
        )
    end = _parse_date(present["end"], "end") if "end" in present else today
    start = (
        _parse_date(present["start"], "start")
        if "start" in present
        else end - timedelta(days=DEFAULT_DAYS - 1)
    )
    if start > end:
        raise InvalidParameters("Some parameters are wrong.", fields={"start": "The start is after the end."})
    if (end - start).days + 1 > MAX_DAYS:
        raise InvalidParameters(
            "Some parameters are wrong.", fields={"start": f"Ask for at most {MAX_DAYS} days at a time."}
        )
    country: str | None = None
    if "country" in present:
        value = present["country"]
        country = value.strip().upper() if isinstance(value, str) else ""
        if not COUNTRY.fullmatch(country):
            raise InvalidParameters(
                "Some parameters are wrong.", fields={"country": "Give an ISO 3166 alpha-2 code, e.g. FR."}
            )
    if report.country == "required" and country is None:
        raise InvalidParameters(
            "Some parameters are wrong.", fields={"country": "This report needs a country."}
        )
    return ReportParameters(start=start, end=end, country=country)


def _date(value: date) -> exp.Expression:
    from sqlglot import exp

    return exp.cast(exp.Literal.string(value.isoformat()), exp.DataType.Type.DATE)


def _timestamp(value: datetime) -> exp.Expression:
    from sqlglot import exp

    return exp.cast(exp.Literal.string(value.strftime("%Y-%m-%d %H:%M:%S")), exp.DataType.Type.TIMESTAMP)


def partition_range(report: Report, params: ReportParameters, *, now: datetime | None = None) -> DateRange:
    """Return the ``dt`` partitions the report reads for ``params``.

    One day past ``end``: ``dt`` is the day an event reached Firehose, which for a change made just
    before midnight is the next day. The realtime report reads yesterday and today.
    """
    if report.realtime:
        today = (now or datetime.now(UTC)).date()
        return DateRange(first=today - timedelta(days=1), last=today)
    first = params.start - timedelta(days=params.days) if report.reads_previous_period else params.start
    return DateRange(first=first if report.prunes_start else None, last=params.end + timedelta(days=1))


def sql_values(
    report: Report, params: ReportParameters, *, now: datetime | None = None
) -> dict[str, exp.Expression]:
    """Return the literal for every placeholder a report may use."""
    from sqlglot import exp

    now = (now or datetime.now(UTC)).astimezone(UTC).replace(tzinfo=None)

    previous_start = params.start - timedelta(days=params.days)
    dt_end = params.end + timedelta(days=1)
    return {
        "start": _date(params.start),
        "end": _date(params.end),
        "days": exp.Literal.number(params.days),
        "country": exp.Literal.string(params.country)
        if params.country is not None
        else exp.cast(exp.null(), exp.DataType.Type.VARCHAR),
        "dt_start": exp.Literal.string(params.start.isoformat()),
        "dt_end": exp.Literal.string(dt_end.isoformat()),
        "dt_previous_start": exp.Literal.string(previous_start.isoformat()),
        "start_at": _timestamp(datetime.combine(params.start, datetime.min.time())),
        "previous_start_at": _timestamp(datetime.combine(previous_start, datetime.min.time())),
        "end_before": _timestamp(datetime.combine(dt_end, datetime.min.time())),
        "realtime_since": _timestamp(now - REALTIME_WINDOW),
        "now_at": _timestamp(now + timedelta(seconds=1)),
    }


def sql_bind(sql: str, values: Mapping[str, exp.Expression]) -> str:
    """Return ``sql`` (Athena dialect) with every ``:name`` placeholder replaced by its literal."""
    import sqlglot
    from sqlglot import exp

    tree = sqlglot.parse_one(sql, read="athena")
    missing = sorted({p.name for p in tree.find_all(exp.Placeholder)} - set(values))
    if missing:
        raise KeyError(f"no value for placeholder(s) {', '.join(missing)}")

    def bind(node: exp.Expression) -> exp.Expression:
        return values[node.name].copy() if isinstance(node, exp.Placeholder) else node

    return tree.transform(bind).sql(dialect="athena", comments=False)


def events_deduplicated(sql: str, partitions: DateRange) -> str:
    """Return ``sql`` with every read of ``events`` made a read of its partitions without duplicates.

    The one place of two rules every report relies on: Firehose and the stream deliver at least
    once, so rows sharing an ``event_id`` are one event; and a report reads only the ``dt``
    partitions of its dates (Athena prunes by the ``dt`` filter, inside the subquery). The subquery
    carries only the columns the report names, so Parquet's other columns are never read.
    """
    import sqlglot
    from sqlglot import exp

    raw = "_events_raw"
    tree = sqlglot.parse_one(sql, read="athena")
    # Only the columns the report names (all of them for a SELECT *), so no engine reads more.
    named = {column.name for column in tree.find_all(exp.Column)}
    star = any(
        isinstance(projection, exp.Star) or (isinstance(projection, exp.Column) and projection.is_star)
        for select in tree.find_all(exp.Select)
        for projection in select.expressions
    )
    kept = [name for name in (*COLUMN_NAMES[1:], "dt") if star or name in named]
    columns = "".join(f", arbitrary({name}) AS {name}" for name in kept)
    lower = f"dt >= '{partitions.first.isoformat()}' AND " if partitions.first else ""
    inner = sqlglot.parse_one(
        f"SELECT event_id{columns} FROM {raw} "  # noqa: S608 - our column names and formatted dates
        f"WHERE {lower}dt <= '{partitions.last.isoformat()}' GROUP BY event_id",
        read="athena",
    )

    def swap(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.Table) and node.name == "events" and not node.db:
            alias = exp.TableAlias(this=exp.to_identifier(node.alias or "events"))
            return exp.Subquery(this=inner.copy(), alias=alias)
        return node

    tree = tree.transform(swap)
    for table in tree.find_all(exp.Table):
        if table.name == raw:
            table.set("this", exp.to_identifier("events"))
    return tree.sql(dialect="athena", comments=False)


def report_bind(report: Report, params: ReportParameters, *, now: datetime | None = None) -> BoundQuery:
    """Return the report's SQL bound to ``params``, deduplicated, and the partitions it reads."""
    partitions = partition_range(report, params, now=now)
    bound = sql_bind(report_sql(report.id), sql_values(report, params, now=now))
    return BoundQuery(
        report_id=report.id,
        parameters=params,
        sql=events_deduplicated(bound, partitions),
        partitions=partitions,
    )
