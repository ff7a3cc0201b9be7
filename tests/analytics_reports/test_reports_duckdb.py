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


def test_top_articles_counts_net_likes() -> None:
    # art-1: liked twice and unliked once in the period (net 1); liked twice in the previous one.
    assert run("top-articles").rows == (
        ("art-2", "Beta", "Vic", 3, 0, 3, 0, None),
        ("art-3", "Gamma", "Uma", 3, 0, 3, 0, None),
        ("art-1", "Alpha", "Uma", 2, 1, 1, 2, -50.0),
    )
    assert run("top-articles", country="US").rows == (
        ("art-2", "Beta", "Vic", 2, 0, 2, 0, None),
        ("art-3", "Gamma", "Uma", 1, 0, 1, 0, None),
    )


def test_devices() -> None:
    # device, visitors, views, previous_visitors, change_pct, likes
    assert run("devices").rows == (
        ("mobile", 2, 3, 0, None, 4),
        ("desktop", 2, 3, 1, 100.0, 3),
        ("tablet", 0, 0, 0, None, 1),
    )
    assert run("devices", country="FR").rows == (("desktop", 2, 3, 1, 100.0, 2), ("mobile", 0, 0, 0, None, 2))


def test_visitors_and_views_per_day_one_visitor_a_day() -> None:
    rows = table(run("visitors"))
    assert [(r["day"].isoformat(), r["visitors"], r["views"]) for r in rows] == [
        ("2001-03-10", 2, 3),  # a1 on two pages is one visitor; V4 delivered twice is one view
        ("2001-03-11", 1, 1),  # the same person the next day: a visitor again
        ("2001-03-12", 1, 2),
        ("2001-03-13", 0, 0),
        ("2001-03-14", 0, 0),
        ("2001-03-15", 0, 0),
        ("2001-03-16", 0, 0),
    ]
    assert [(r["previous_day"].isoformat(), r["previous_visitors"], r["previous_views"]) for r in rows][
        2
    ] == (
        "2001-03-05",
        1,
        1,
    )
    assert sum(r["visitors"] for r in rows) == 4
    assert [r["views"] for r in table(run("visitors", country="US"))][:3] == [1, 0, 2]


def test_top_pages() -> None:
    # path, article_id, article_title, visitors, views, previous_views, change_pct
    assert run("top-pages").rows == (
        ("/", None, None, 3, 3, 1, 200.0),
        ("/articles/beta/", "art-2", "Beta", 2, 2, 0, None),
        ("/articles/alpha/", "art-1", "Alpha", 1, 1, 0, None),
    )
    assert run("top-pages", country="US").rows == (
        ("/articles/beta/", "art-2", "Beta", 2, 2, 0, None),
        ("/", None, None, 1, 1, 0, None),
    )


def test_entry_pages_start_a_visit_after_30_minutes_without_a_view() -> None:
    assert run("entry-pages").rows == (("/", 3, 3, 1, 200.0), ("/articles/beta/", 2, 2, 0, None))


def test_referrers_sources_and_countries() -> None:
    assert run("referrers").rows == (
        ("(direct)", 3, 4, 1, 200.0),
        ("news.example.com", 1, 1, 0, None),
        ("search.example.org", 1, 1, 0, None),
    )
    assert run("sources").rows == (
        ("(none)", "(none)", "(none)", 3, 5, 1, 200.0),
        ("newsletter", "email", "winter", 1, 1, 0, None),
    )
    assert run("countries").rows == (("FR", 2, 3, 1, 100.0), ("US", 2, 3, 0, None))


def test_views_per_article_beside_likes_and_net_likes() -> None:
    assert table(run("articles")) == [
        {"article_id": "art-2", "article_title": "Beta", "views": 2, "visitors": 2, "likes": 3,
         "unlikes": 0, "net_likes": 3, "previous_views": 0, "change_pct": None},
        {"article_id": "art-1", "article_title": "Alpha", "views": 1, "visitors": 1, "likes": 2,
         "unlikes": 1, "net_likes": 1, "previous_views": 0, "change_pct": None},
        {"article_id": "art-3", "article_title": "Gamma", "views": 0, "visitors": 0, "likes": 3,
         "unlikes": 0, "net_likes": 3, "previous_views": 0, "change_pct": None},
    ]  # fmt: skip


def test_realtime_counts_the_last_30_minutes(lake: dict[str, bytes]) -> None:
    from datetime import UTC, timedelta

    from cloud import aws
    from tests.analytics_reports import lake_events

    now = datetime.now(UTC)

    def at(minutes: int) -> str:
        moment = now - timedelta(minutes=minutes)
        return f"{moment:%Y-%m-%dT%H:%M:%S}.000Z"

    views = [
        lake_events.viewed("rt-1", at(1), "/rt-a/", visitor="rt-v1", country="FR", device="desktop"),
        lake_events.viewed("rt-2", at(20), "/rt-b/", visitor="rt-v1", country="FR", device="desktop"),
        lake_events.viewed("rt-3", at(29), "/rt-a/", visitor="rt-v2", country="FR", device="mobile"),
        lake_events.viewed(
            "rt-4", at(45), "/rt-c/", visitor="rt-v3", country="FR", device="mobile"
        ),  # too old
    ]

    def counts() -> tuple[int, int, int]:
        result = services.report_run_start(report_id="realtime", raw_parameters={})
        assert result.status == "succeeded", result.error
        [row] = table(result)
        return row["visitors"], row["views"], row["pages"]

    # Other tests may have sent views in the last 30 minutes: count ours as the difference.
    before = counts()
    key = f"events/{now:%Y/%m/%d/%H}/{aws.names().firehose_stream}-1-realtime"
    aws.client("s3").put_object(Bucket=aws.names().lake_bucket, Key=key, Body=lake_events.object_body(views))
    try:
        after = counts()
    finally:
        aws.client("s3").delete_object(Bucket=aws.names().lake_bucket, Key=key)
    assert tuple(a - b for a, b in zip(after, before, strict=True)) == (2, 3, 2)


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
    result = run("top-countries")
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
        assert run("devices", country="DE").rows == (
            ("mobile", 0, 0, 0, None, 1),
            ("tablet", 0, 0, 0, None, 1),
        )
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
        ("page_viewed", 7),
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


def test_a_query_past_its_time_limit_is_stopped_and_does_not_hold_up_others() -> None:
    import threading

    from analytics.engines.base import Query, RunLabel

    engine = engine_for("duckdb")
    long_query = Query(
        sql="SELECT count(*) AS n FROM range(100000000000)", label=RunLabel(report=None), time_limit_seconds=3
    )
    finished: list[Run] = []
    thread = threading.Thread(target=lambda: finished.append(engine.run_start(long_query)))
    thread.start()
    try:
        quick = services.console_run_start(sql="select 1 AS one")
        assert quick.rows == ((1,),)
        assert thread.is_alive()  # select 1 answered while the long query was still counting
    finally:
        thread.join()
    [stopped] = finished
    assert stopped.status == "failed"
    assert stopped.error == "The query ran for more than 3 s and was stopped."


def test_a_result_over_the_size_cap_fails_the_run() -> None:
    from analytics.engines.base import Query, RunLabel

    run = engine_for("duckdb").run_start(
        Query(
            sql="SELECT repeat('x', 1000) AS x FROM range(100)",
            label=RunLabel(report=None),
            max_result_bytes=50_000,
        )
    )
    assert run.status == "failed"
    assert run.error == "The result is larger than 48 KiB: select fewer rows or columns."
