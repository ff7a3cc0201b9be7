"""Reports on 1,000,000 events: our DuckDB engine against DuckDB alone, and Parquet bytes against JSON.

``python -m bench.reports`` (part of ``make bench``). Everything runs in a private emulator on a
free port, with events generated deterministically (row number -> hash, no random state).

1. Engine overhead. The events go into the emulator's lake bucket as the local Firehose writes
   them (JSON lines, one object per hour here: ~460 events, ~210 KB). Each report runs on our
   engine (Glue GetTable, S3 listing, partition pruning, cached objects, sqlglot transpile, DuckDB)
   and, as the baseline in the same run, the same transpiled SQL runs on DuckDB alone over a local
   Parquet copy of the same events; both must return the same rows. Cold (downloading and parsing
   every object once per process) and warm (objects cached: the steady state of ``make run``) are
   reported apart, and warm twice: reusing the S3 listing for ``LISTING_TTL_SECONDS`` (the
   engine's default) and listing the lake on every run.
2. Production layout. The same events written as Firehose would in AWS: Parquet (Snappy),
   partitioned ``dt=yyyy-MM-dd``. For each report, the bytes Athena would scan: the column chunks
   of the columns the SQL references (found with sqlglot), in the partitions it reads, against
   scanning the whole lake as JSON.
"""

# The SQL below is built from this file's constants and the schema's column names, never from input.
# ruff: noqa: S608

from __future__ import annotations

import functools
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pyarrow.parquet as pq
import sqlglot
from sqlglot import exp

from bench.stats import median_ms, table, timings

EVENTS = 1_000_000
DAYS = 90
FIRST_DAY = date(2002, 1, 1)
EVENTS_PER_OBJECT = 2_500  # ~1 MB, the bootstrap's buffering hint (an hour here holds fewer events)
REPEAT = 5

# Deterministic pseudo-random columns from the row number (DuckDB's hash), no random state.
GENERATE = f"""
CREATE TABLE gen AS
WITH base AS (
    SELECT i,
           -- 1% of rows repeat the previous row's event (at-least-once delivery)
           CASE WHEN i % 100 = 99 THEN i - 1 ELSE i END AS e
    FROM range({EVENTS}) AS t(i)
),
shaped AS (
    SELECT i, e,
           CAST(hash(e) % 1000 AS BIGINT) AS kind,
           CAST(hash(e * 7 + 3) % 1000000007 AS BIGINT) AS a,
           CAST(hash(e * 13 + 5) % 1000000007 AS BIGINT) AS b,
           TIMESTAMP '{FIRST_DAY.isoformat()} 00:00:00'
             + to_seconds(CAST(hash(e * 31 + 1) % ({DAYS} * 86400) AS BIGINT)) AS ts
    FROM base
)
SELECT
    i,
    'evt-' || e AS event_id,
    CASE WHEN kind < 500 THEN 'page_viewed'
         WHEN kind < 800 THEN 'article_liked'
         WHEN kind < 850 THEN 'article_unliked'
         WHEN kind < 930 THEN 'article_published'
         WHEN kind < 970 THEN 'article_updated'
         WHEN kind < 980 THEN 'article_expired'
         ELSE 'image_ready' END AS event_type,
    strftime(ts, '%Y-%m-%dT%H:%M:%S.000Z') AS occurred_at,
    'art-' || (a % 20000) AS article_id,
    'article-' || (a % 20000) AS article_slug,
    'Article number ' || (a % 20000) AS article_title,
    'user-' || (a % 20000 % 500) AS author_id,
    'Author ' || (a % 20000 % 500) AS author_name,
    CASE WHEN kind >= 850 AND kind < 980 THEN strftime(ts, '%Y-%m-%dT%H:%M:%S.000Z') END AS published_at,
    CASE WHEN kind >= 850 AND kind < 980
         THEN strftime(ts + INTERVAL 30 DAY, '%Y-%m-%dT%H:%M:%S.000Z') END AS expires_at,
    CASE WHEN kind >= 850 AND kind < 980 THEN CAST(b % 400 AS BIGINT) END AS like_count,
    CASE WHEN kind >= 970 AND kind < 980 THEN 'ttl' END AS actor,
    CASE WHEN kind < 850 THEN ['FR','US','DE','GB','ES','IT','NL','BR','IN','JP','CA','ZZ'][1 + b % 12] END
        AS country,
    CASE WHEN kind < 850 THEN ['desktop','mobile','tablet','smarttv','bot','unknown'][1 + (b // 12) % 6] END
        AS device,
    CASE WHEN kind >= 980 THEN 'img-' || b % 100000 END AS image_id,
    CASE WHEN kind >= 980 THEN CAST(640 + b % 2000 AS INTEGER) END AS image_width,
    CASE WHEN kind >= 980 THEN CAST(480 + b % 1500 AS INTEGER) END AS image_height,
    CASE WHEN kind >= 980 THEN CAST(10000 + b % 5000000 AS BIGINT) END AS image_bytes,
    CASE WHEN kind >= 980 THEN CAST(4 AS INTEGER) END AS image_renditions,
    CAST(NULL AS VARCHAR) AS reason,
    CASE WHEN kind < 500
         THEN CASE WHEN a % 5 = 0 THEN '/' ELSE '/articles/article-' || (a % 20000) || '/' END END AS path,
    CASE WHEN kind < 500 AND b % 4 = 0
         THEN ['news.example.com', 'search.example.org', 'social.example.net'][1 + b % 3] END
        AS referrer_host,
    CASE WHEN kind < 500 AND b % 10 = 0 THEN 'newsletter' END AS utm_source,
    CASE WHEN kind < 500 AND b % 10 = 0 THEN 'email' END AS utm_medium,
    CASE WHEN kind < 500 AND b % 10 = 0 THEN 'winter' END AS utm_campaign,
    CASE WHEN kind < 500 THEN 'v-' || (b % 50000) || '-' || strftime(ts, '%Y%m%d') END AS visitor_hash,
    strftime(ts, '%Y-%m-%d') AS dt,
    strftime(ts, '%Y/%m/%d/%H') AS hour_prefix
FROM shaped
ORDER BY ts, i
"""


def _fetch_all(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple[object, ...]]:
    return con.execute(sql).fetchall()


def _median_ms(fn: Callable[[], object], repeat: int = REPEAT) -> float:
    return median_ms(timings(fn, repeat=repeat, warmup=0))


def generate(work: Path) -> tuple[duckdb.DuckDBPyConnection, list[str]]:
    from analytics.schema import COLUMN_NAMES

    con = duckdb.connect()
    con.execute("SET preserve_insertion_order = true")
    con.execute(GENERATE)
    columns = ", ".join(COLUMN_NAMES)
    # One object per EVENTS_PER_OBJECT rows, never straddling an hour (as Firehose's prefixes).
    con.execute(
        "CREATE TABLE objects AS SELECT *, hour_prefix || '/' || lpad(CAST("
        f"row_number() OVER (PARTITION BY hour_prefix ORDER BY i) // {EVENTS_PER_OBJECT} AS VARCHAR), 4, '0')"
        " AS object FROM gen"
    )
    con.execute(
        f"COPY (SELECT {columns}, object FROM objects ORDER BY i) TO '{work / 'json'}' "
        "(FORMAT JSON, PARTITION_BY (object), OVERWRITE_OR_IGNORE)"
    )
    return con, list(COLUMN_NAMES)


def upload(work: Path, bucket: str, stream: str) -> tuple[int, int]:
    """Put each generated JSON file in the lake as the emulator's Firehose names objects."""
    from concurrent.futures import ThreadPoolExecutor

    from cloud import aws

    s3 = aws.client("s3")
    files = sorted((work / "json").rglob("*.json"))

    def put(path: Path) -> int:
        object_dir = path.parent.name.removeprefix("object=").replace("%2F", "/")
        y, m, d, h, n = object_dir.split("/")
        key = f"events/{y}/{m}/{d}/{h}/{stream}-1-{y}-{m}-{d}-{h}-00-00-{n}"
        body = path.read_bytes()
        s3.put_object(Bucket=bucket, Key=key, Body=body)
        return len(body)

    with ThreadPoolExecutor(max_workers=8) as pool:
        sizes = list(pool.map(put, files))
    return len(sizes), sum(sizes)


def referenced_columns(sql: str, schema: set[str]) -> set[str]:
    return {c.name for c in sqlglot.parse_one(sql, read="athena").find_all(exp.Column)} & schema


def main() -> None:
    from analytics.engines import duckdb as duckdb_engine
    from analytics.engines.base import Query, RunLabel
    from analytics.engines.duckdb import DuckDBEngine, duckdb_type, transpile
    from analytics.reports.catalog import REPORTS
    from analytics.reports.parameters import parameters_parse, report_bind
    from analytics.schema import COLUMNS
    from cloud import aws
    from cloud.local import bootstrap, emulator

    port = emulator.free_port()
    # A private emulator on a free port: any credentials do, never a developer's real ones.
    os.environ.update(
        {
            "AWS_ENDPOINT_URL": f"http://127.0.0.1:{port}",
            "AWS_ACCESS_KEY_ID": "bench",
            "AWS_SECRET_ACCESS_KEY": "bench",
            "AWS_REGION": "us-east-1",
            "RESOURCE_PREFIX": "blog-bench",
        }
    )
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN"):
        os.environ.pop(name, None)
    aws.reset()
    process = emulator.start(port)
    try:
        names = aws.names()
        bootstrap.ensure_bucket(names.lake_bucket)
        bootstrap.ensure_glue(names)
        with tempfile.TemporaryDirectory(prefix="bench-reports-") as tmp:
            work = Path(tmp)
            started = time.perf_counter()
            con, columns = generate(work)
            print(f"generated {EVENTS:,} events over {DAYS} days in {time.perf_counter() - started:.1f} s")
            started = time.perf_counter()
            objects, json_bytes = upload(work, names.lake_bucket, names.firehose_stream)
            print(
                f"lake (local layout): {objects} JSON objects, {json_bytes / 1e6:,.0f} MB, "
                f"uploaded in {time.perf_counter() - started:.1f} s"
            )
            # The baseline's local copy, and the production layout, from the same rows with the Glue
            # table's types (as Firehose's conversion writes them).
            typed = ", ".join(f"CAST({name} AS {duckdb_type(type_)}) AS {name}" for name, type_, _ in COLUMNS)
            con.execute(f"CREATE TABLE typed AS SELECT {typed}, dt FROM gen ORDER BY i")
            copy = work / "copy.parquet"
            con.execute(f"COPY typed TO '{copy}' (FORMAT PARQUET)")
            production = work / "production"
            con.execute(
                f"COPY typed TO '{production}' (FORMAT PARQUET, COMPRESSION SNAPPY, PARTITION_BY (dt))"
            )
            con.close()

            end = FIRST_DAY + timedelta(days=DAYS - 1)
            raw = {"start": (end - timedelta(days=29)).isoformat(), "end": end.isoformat(), "country": "FR"}

            def used_filters(report: Any) -> dict[str, str]:
                return {k: v for k, v in raw.items() if k in report.parameters}

            bound = {
                report.id: report_bind(report, parameters_parse(report, used_filters(report), today=end))
                for report in REPORTS.values()
            }

            engine = DuckDBEngine()
            started = time.perf_counter()
            cold = engine.run_start(Query(sql="SELECT count(*) FROM events", label=RunLabel(report=None)))
            cold_s = time.perf_counter() - started
            print(
                f"engine cold start: listed, downloaded and loaded {cold.rows[0][0]:,} events "
                f"({cold.bytes_scanned or 0:,} bytes) in {cold_s:.1f} s (once per process)"
            )

            baseline = duckdb.connect()
            baseline.execute(f"CREATE VIEW events AS SELECT * FROM read_parquet('{copy}')")
            rows: list[tuple[object, ...]] = []
            ratios: list[float] = []
            fresh_ratios: list[float] = []
            listing_ttl = duckdb_engine.LISTING_TTL_SECONDS
            for report_id, query in bound.items():
                q = Query(sql=query.sql, label=RunLabel(report=report_id), partitions=query.partitions)
                ours = engine.run_start(q)
                assert ours.status == "succeeded", ours.error
                duck_sql = transpile(query.sql)
                theirs = baseline.execute(duck_sql).fetchall()
                assert [tuple(r) for r in theirs] == list(ours.rows), f"{report_id}: engines disagree"
                base_ms = _median_ms(functools.partial(_fetch_all, baseline, duck_sql))
                ours_ms = _median_ms(functools.partial(engine.run_start, q))
                duckdb_engine.LISTING_TTL_SECONDS = 0.0  # the same runs, listing the lake every time
                fresh_ms = _median_ms(functools.partial(engine.run_start, q), repeat=3)
                duckdb_engine.LISTING_TTL_SECONDS = listing_ttl
                ratios.append(ours_ms / base_ms)
                fresh_ratios.append(fresh_ms / base_ms)
                rows.append(
                    (
                        report_id,
                        len(ours.rows),
                        f"{base_ms:.1f}",
                        f"{ours_ms:.1f}",
                        f"{ours_ms / base_ms:.2f}x",
                        f"{fresh_ms:.1f}",
                        f"{fresh_ms / base_ms:.2f}x",
                    )
                )
            print(
                f"\n(1) warm runs (objects cached), median of {REPEAT}; same rows from both engines checked"
            )
            print(
                table(
                    rows,
                    (
                        "report",
                        "rows",
                        "duckdb+parquet ms",
                        "ours ms",
                        "ratio",
                        "ours, relisting ms",
                        "ratio",
                    ),
                )
            )
            print(
                f"ours (listing reused <= {listing_ttl:.0f} s): worst {max(ratios):.2f}x, "
                f"median {statistics.median(ratios):.2f}x (goal <= 1.5x)"
            )
            print(
                f"ours, listing the asked days' objects on every run: worst {max(fresh_ratios):.2f}x, "
                f"median {statistics.median(fresh_ratios):.2f}x"
            )

            # (2) bytes Athena would scan in the production layout.
            schema = set(columns)
            chunk_bytes: dict[str, dict[str, int]] = {}  # dt -> column -> compressed bytes
            for path in production.rglob("*.parquet"):
                dt = path.parent.name.removeprefix("dt=")
                metadata = pq.ParquetFile(path).metadata
                sizes = chunk_bytes.setdefault(dt, {})
                for g in range(metadata.num_row_groups):
                    group = metadata.row_group(g)
                    for c in range(group.num_columns):
                        chunk = group.column(c)
                        sizes[chunk.path_in_schema] = (
                            sizes.get(chunk.path_in_schema, 0) + chunk.total_compressed_size
                        )
            parquet_total = sum(sum(s.values()) for s in chunk_bytes.values())
            rows = []
            shares: list[float] = []
            for report_id, query in bound.items():
                used = referenced_columns(query.sql, schema)
                days = [dt for dt in chunk_bytes if query.partitions.contains(date.fromisoformat(dt))]
                scanned = sum(chunk_bytes[dt].get(col, 0) for dt in days for col in used)
                shares.append(scanned / json_bytes)
                rows.append(
                    (
                        report_id,
                        len(days),
                        len(used),
                        f"{scanned / 1e6:.2f}",
                        f"{100 * scanned / json_bytes:.2f}%",
                    )
                )
            print(
                f"\n(2) production layout: Parquet (Snappy) by dt, {parquet_total / 1e6:.1f} MB in all; "
                f"whole lake as JSON {json_bytes / 1e6:.0f} MB"
            )
            print(table(rows, ("report", "partitions", "columns", "scanned MB", "of JSON lake")))
            print(f"worst {100 * max(shares):.2f}% of the whole lake as JSON (goal <= 5%)")
    finally:
        process.terminate()
        process.wait(timeout=10)


if __name__ == "__main__":
    main()
