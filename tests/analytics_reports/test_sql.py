"""Report SQL, parameters and the console's gate: pure, no AWS."""

from __future__ import annotations

from datetime import date

import pytest
import sqlglot
from sqlglot import exp

from analytics.reports.catalog import REPORTS, report_get, report_sql
from analytics.reports.parameters import InvalidParameters, parameters_parse, report_bind
from analytics.sqlcheck import CONSOLE_MAX_ROWS, QueryRefused, console_query

TODAY = date(2001, 4, 1)


@pytest.mark.parametrize("report_id", sorted(REPORTS))
def test_every_report_is_one_athena_select_whose_reads_are_deduplicated_and_filter_on_dt(
    report_id: str,
) -> None:
    statements = sqlglot.parse(report_sql(report_id), read="athena")
    assert len(statements) == 1
    assert isinstance(statements[0], exp.Query)
    report = report_get(report_id)
    assert report.chart.type in ("bar", "line")
    raw = {"country": "FR"} if report.country != "unused" else {}
    bound = report_bind(report, parameters_parse(report, raw, today=TODAY))
    tree = sqlglot.parse_one(bound.sql, read="athena")
    scans = [t for t in tree.find_all(exp.Table) if t.name == "events"]
    assert scans, report_id
    # Every scan of the events table is the one subquery that drops duplicate event_ids and sits
    # under a WHERE that names the dt partition (analytics.reports.parameters.events_deduplicated).
    for table in scans:
        select = table.find_ancestor(exp.Select)
        assert select is not None
        assert [g.name for g in select.args["group"].expressions] == ["event_id"], report_id
        assert any(c.name == "dt" for c in select.args["where"].find_all(exp.Column)), report_id


def test_duplicates_are_dropped_in_one_place() -> None:
    from analytics.reports.parameters import DateRange, events_deduplicated

    sql = events_deduplicated(
        "SELECT count(*) FROM events e JOIN events ON 1 = 1",
        DateRange(first=date(2001, 3, 1), last=date(2001, 3, 2)),
    )
    assert sql.count("GROUP BY event_id") == 2
    assert sql.count("WHERE dt >= '2001-03-01' AND dt <= '2001-03-02'") == 2
    assert ") AS e JOIN (" in sql


@pytest.mark.parametrize("raw", [{"end": "0001-01-01"}, {"start": "0001-01-01"}, {"end": "9999-12-31"}])
def test_dates_out_of_range_name_the_field(raw: dict[str, str]) -> None:
    with pytest.raises(InvalidParameters) as caught:
        parameters_parse(report_get("visitors"), raw, today=TODAY)
    assert set(caught.value.fields) == set(raw)
    assert "1970-01-01" in caught.value.fields[next(iter(raw))]


@pytest.mark.parametrize(
    ("report_id", "raw"), [("countries", {"country": "FR"}), ("realtime", {"start": "2001-03-01"})]
)
def test_a_filter_the_report_does_not_use_is_refused_not_ignored(report_id: str, raw: dict[str, str]) -> None:
    with pytest.raises(InvalidParameters) as caught:
        parameters_parse(report_get(report_id), raw, today=TODAY)
    assert "does not use" in caught.value.fields[next(iter(raw))]


@pytest.mark.parametrize("report_id", sorted(REPORTS))
def test_bound_sql_has_no_placeholder_left_and_still_parses(report_id: str) -> None:
    report = report_get(report_id)
    raw = {"country": "FR"} if report.country != "unused" else {}
    bound = report_bind(report, parameters_parse(report, raw, today=TODAY))
    tree = sqlglot.parse_one(bound.sql, read="athena")
    assert not list(tree.find_all(exp.Placeholder))
    assert sqlglot.transpile(bound.sql, read="athena", write="duckdb")
    assert isinstance(tree, exp.Query)
    assert {report.chart.x, *report.chart.y} <= set(tree.named_selects)  # the chart's columns are selected


def test_defaults_are_the_last_30_days() -> None:
    params = parameters_parse(report_get("devices"), {}, today=TODAY)
    assert (params.start, params.end, params.country) == (date(2001, 3, 3), TODAY, None)


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        ({"start": "2001-13-01"}, "start"),
        ({"end": "yesterday"}, "end"),
        ({"start": "2001-03-10", "end": "2001-03-01"}, "start"),
        ({"start": "1999-01-01", "end": "2001-03-01"}, "start"),
        ({"country": "FRA"}, "country"),
        ({"country": "F1"}, "country"),
        ({"country": "' OR 1=1 --"}, "country"),
        ({"limit": "5"}, "limit"),
    ],
)
def test_bad_parameters_are_refused_with_the_field(raw: dict[str, str], field: str) -> None:
    with pytest.raises(InvalidParameters) as caught:
        parameters_parse(report_get("top-articles"), raw, today=TODAY)
    assert field in caught.value.fields


def test_authors_by_country_needs_a_country() -> None:
    with pytest.raises(InvalidParameters) as caught:
        parameters_parse(report_get("authors-by-country"), {}, today=TODAY)
    assert "country" in caught.value.fields


def test_values_are_bound_as_literals() -> None:
    report = report_get("top-articles")
    bound = report_bind(
        report, parameters_parse(report, {"country": "fr", "start": "2001-03-10"}, today=TODAY)
    )
    assert "country = 'FR'" in bound.sql
    # The previous period (23 days before the start) and one day past the end.
    assert "dt >= '2001-02-15' AND dt <= '2001-04-02'" in bound.sql


@pytest.mark.parametrize(
    "sql",
    [
        "INSERT INTO events SELECT * FROM events",
        "DROP TABLE events",
        "CREATE TABLE copy AS SELECT * FROM events",
        "UNLOAD (SELECT * FROM events) TO 's3://bucket/out/' WITH (format = 'PARQUET')",
        "SELECT 1; SELECT 2",
        "SELECT 1; DROP TABLE events",
        "DELETE FROM events",
        "MSCK REPAIR TABLE events",
        "SELEC nonsense FROM",
        "",
    ],
)
def test_the_console_refuses_anything_but_one_select(sql: str) -> None:
    with pytest.raises(QueryRefused) as caught:
        console_query(sql)
    assert str(caught.value)


def test_the_console_adds_or_lowers_the_row_limit() -> None:
    assert console_query("SELECT * FROM events").endswith(f"LIMIT {CONSOLE_MAX_ROWS}")
    assert console_query("SELECT * FROM events LIMIT 5").endswith("LIMIT 5")
    assert console_query("SELECT * FROM events LIMIT 100000").endswith(f"LIMIT {CONSOLE_MAX_ROWS}")
    union = console_query("SELECT 1 AS a UNION ALL SELECT 2")
    assert union.startswith("SELECT * FROM (")
    assert union.endswith(f"LIMIT {CONSOLE_MAX_ROWS}")


def test_listing_key_ranges_cover_both_lake_layouts() -> None:
    from analytics.engines.duckdb import key_ranges
    from analytics.lake import partition_from_key
    from analytics.reports.parameters import DateRange

    ranges = key_ranges("events/", DateRange(first=date(2001, 3, 10), last=date(2001, 3, 17)))
    inside = [
        "events/2001/03/10/00/s-1",
        "events/2001/03/17/23/s-2",
        "events/dt=2001-03-10/a",
        "events/dt=2001-03-17/b",
    ]
    outside = [
        "events/2001/03/09/23/s-3",
        "events/2001/03/18/00/s-4",
        "events/dt=2001-03-09/c",
        "events/dt=2001-03-18/d",
    ]

    def listed(key: str) -> bool:
        return any((after is None or key > after) and (stop is None or key < stop) for after, stop in ranges)

    assert all(listed(key) for key in inside)
    assert not any(listed(key) for key in outside)
    assert {partition_from_key(k) for k in inside} == {"2001-03-10", "2001-03-17"}
    assert key_ranges("events/", None) == [(None, None)]


@pytest.mark.parametrize("limit", ["1.5", "'10'", "1e3"])
def test_a_limit_that_is_not_a_whole_number_is_refused(limit: str) -> None:
    with pytest.raises(QueryRefused, match="LIMIT takes a whole number"):
        console_query(f"SELECT 1 LIMIT {limit}")
