"""Every report's rows, exactly, on the DuckDB engine over the emulator's Glue table and lake objects."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest

from analytics import services
from analytics.engines.base import Run, engine_for
from tests.analytics_reports.lake_events import END, START

pytestmark = pytest.mark.usefixtures("lake")


def run(report_id: str, **params: str) -> Run:
    result = services.report_run_start(
        report_id=report_id, raw_parameters={"start": START, "end": END, **params}, today=date(2001, 4, 1)
    )
    assert result.engine == "duckdb"
    assert result.status == "succeeded", result.error
    return result


def table(result: Run) -> list[dict[str, Any]]:
    names = [c.name for c in result.columns]
    return [dict(zip(names, row, strict=True)) for row in result.rows]


def test_top_countries() -> None:
    result = run("top-countries")
    assert [(c.name, c.type) for c in result.columns] == [
        ("country", "varchar"),
        ("likes", "bigint"),
        ("articles", "bigint"),
    ]
    # FR: l-1, l-2, l-3 (delivered twice), l-7 (late, delivered twice); l-x1 is after the period.
    assert result.rows == (("FR", 4, 3), ("US", 3, 2), ("DE", 1, 1))


def test_authors_by_country_joins_articles_published_before_the_period() -> None:
    result = run("authors-by-country", country="fr")
    # Uma: l-1 and l-2 on art-1 (published 03-04, before the period), l-7 on art-3; Vic: l-3 on art-2.
    assert table(result) == [
        {"author_name": "Uma", "likes": 3, "articles": 2},
        {"author_name": "Vic", "likes": 1, "articles": 1},
    ]
    assert run("authors-by-country", country="DE").rows == (("Uma", 1, 1),)


def test_activity_puts_the_previous_period_beside_each_day() -> None:
    result = run("activity")
    d = date
    assert [c.name for c in result.columns] == [
        "day",
        "published",
        "likes",
        "previous_day",
        "previous_published",
        "previous_likes",
    ]
    assert result.rows == (
        (d(2001, 3, 10), 1, 1, d(2001, 3, 3), 0, 0),
        (d(2001, 3, 11), 0, 2, d(2001, 3, 4), 1, 0),
        (d(2001, 3, 12), 1, 2, d(2001, 3, 5), 0, 1),
        (d(2001, 3, 13), 0, 1, d(2001, 3, 6), 0, 0),
        (d(2001, 3, 14), 0, 1, d(2001, 3, 7), 0, 0),
        (d(2001, 3, 15), 0, 0, d(2001, 3, 8), 0, 0),
        (d(2001, 3, 16), 1, 1, d(2001, 3, 9), 0, 1),
    )


def test_activity_for_one_country_counts_only_its_likes() -> None:
    result = run("activity", country="FR")
    assert [(row[0].day, row[1], row[2], row[4], row[5]) for row in result.rows] == [
        (10, 1, 1, 0, 0),
        (11, 0, 2, 1, 0),
        (12, 1, 0, 0, 1),
        (13, 0, 0, 0, 0),
        (14, 0, 0, 0, 0),
        (15, 0, 0, 0, 0),
        (16, 1, 1, 0, 0),
    ]


def test_top_articles() -> None:
    assert run("top-articles").rows == (
        ("art-2", "Beta", "Vic", 3),
        ("art-3", "Gamma", "Uma", 3),
        ("art-1", "Alpha", "Uma", 2),
    )
    assert run("top-articles", country="US").rows == (
        ("art-2", "Beta", "Vic", 2),
        ("art-3", "Gamma", "Uma", 1),
    )


def test_devices() -> None:
    assert run("devices").rows == (("mobile", 4), ("desktop", 3), ("tablet", 1))
    assert run("devices", country="FR").rows == (("desktop", 2), ("mobile", 2))


def test_expired_with_lifetime_likes() -> None:
    result = run("expired")
    assert table(result) == [
        {
            "article_id": "art-9",
            "article_title": "Old",
            "author_name": "Wes",
            "published_at": datetime(2001, 1, 1),
            "expired_at": datetime(2001, 3, 11, 5),
            "lifetime_likes": 7,
        },
        {
            "article_id": "art-1",
            "article_title": "Alpha",
            "author_name": "Uma",
            "published_at": datetime(2001, 1, 1),
            "expired_at": datetime(2001, 3, 14, 5),
            "lifetime_likes": 3,
        },
    ]


def test_a_run_reads_only_the_partitions_it_needs(lake: dict[str, bytes]) -> None:
    result = run("devices")
    # 03-10 .. 03-17 (one day past the end: late arrivals); not 03-02 .. 03-09.
    expected = sum(len(body) for key, body in lake.items() if "2001/03/1" in key)
    assert result.bytes_scanned == expected
    assert 0 < expected < sum(len(body) for body in lake.values())
    assert result.estimated_cost_usd == pytest.approx(10 / 1024**2 * 5)  # the 10 MB minimum


def test_a_run_is_kept_for_polling() -> None:
    result = run("devices")
    assert engine_for("duckdb").run_get(result.id) == result


def test_new_objects_are_seen_by_the_next_run(lake: dict[str, bytes]) -> None:
    from cloud import aws
    from tests.analytics_reports import lake_events

    before = run("devices", country="DE").rows
    extra = lake_events.liked("l-new", "2001-03-15T10:00:00.000Z", "art-2", "DE", "tablet")
    key = lake_events.object_key("15", "10", aws.names().firehose_stream, 99)
    aws.client("s3").put_object(
        Bucket=aws.names().lake_bucket, Key=key, Body=lake_events.object_body([extra])
    )
    try:
        assert run("devices", country="DE").rows == (("mobile", 1), ("tablet", 1))
    finally:
        aws.client("s3").delete_object(Bucket=aws.names().lake_bucket, Key=key)
    assert run("devices", country="DE").rows == before


def test_console_query_runs_on_the_lake() -> None:
    result = services.console_run_start(
        sql="SELECT event_type, count(DISTINCT event_id) AS n FROM events "
        "WHERE dt BETWEEN '2001-03-01' AND '2001-03-31' GROUP BY event_type ORDER BY event_type"
    )
    assert result.status == "succeeded", result.error
    assert result.rows == (
        ("article_expired", 3),
        ("article_liked", 12),
        ("article_published", 5),
        ("article_unliked", 1),
    )


def test_console_queries_cannot_reach_local_files() -> None:
    # DuckDB would read any file it is pointed at; the local engine's database forbids it.
    result = services.console_run_start(sql="SELECT * FROM read_csv('/etc/hostname')")
    assert result.status == "failed"
    assert "Permission" in (result.error or "")


def test_a_malformed_lake_object_fails_the_run_and_names_it() -> None:
    from cloud import aws

    key = "events/2001/05/01/10/broken-object"
    aws.client("s3").put_object(
        Bucket=aws.names().lake_bucket, Key=key, Body=b'{"event_id": "x", "like_count": "many"}\n'
    )
    try:
        result = services.report_run_start(
            report_id="devices",
            raw_parameters={"start": "2001-05-01", "end": "2001-05-01"},
            today=date(2001, 6, 1),
        )
    finally:
        aws.client("s3").delete_object(Bucket=aws.names().lake_bucket, Key=key)
    assert result.status == "failed"
    assert key in (result.error or "")
    assert result.rows == ()
