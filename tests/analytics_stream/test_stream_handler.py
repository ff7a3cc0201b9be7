"""The stream handler: Lambda's DynamoDB-stream event in, Firehose out, partial batch response back."""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

import pytest

from analytics.events import event_from_record
from analytics.stream_handler import handle
from cloud import aws

from .conftest import Lake
from .test_events import CASES, assert_matches_schema, load
from .test_firehose import FlakyFirehose

ROOT = Path(__file__).resolve().parents[2]


def every_fixture_record() -> list[dict]:
    return [record for name in sorted(CASES) for record in load(name)]


def test_a_batch_of_every_kind_reaches_the_lake(lake: Lake) -> None:
    records = every_fixture_record()
    answer = handle({"Records": records}, None, firehose=aws.client("firehose"), stream_name=lake.stream_name)
    assert answer == {"batchItemFailures": []}
    expected = [e for e in map(event_from_record, records) if e is not None]
    assert len(expected) == 8
    assert lake.events() == expected
    for event in lake.events():
        assert_matches_schema(event)


def test_records_firehose_keeps_refusing_are_reported_from_the_first(
    lake: Lake, caplog: pytest.LogCaptureFixture
) -> None:
    records = every_fixture_record()
    liked, ready = load("like-inserted")[0], load("image-ready")[0]
    client = FlakyFirehose(fail_times={ready["eventID"]: 99, liked["eventID"]: 99})
    with caplog.at_level(logging.ERROR, logger="analytics.stream_handler"):
        answer = handle({"Records": records}, None, firehose=client, stream_name=lake.stream_name)
    # Sorted by fixture name "image-ready" comes before "like-inserted": it is the first failure.
    assert answer == {"batchItemFailures": [{"itemIdentifier": ready["dynamodb"]["SequenceNumber"]}]}
    delivered = {e["event_id"] for e in lake.events()}
    assert ready["eventID"] not in delivered
    assert liked["eventID"] not in delivered
    assert len(delivered) == 6
    logged = {getattr(r, "event_id", None) for r in caplog.records}
    assert {ready["eventID"], liked["eventID"]} <= logged


def test_an_unreadable_record_is_reported_and_nothing_after_it_is_sent(lake: Lake) -> None:
    records = [*load("article-published"), *load("like-inserted"), *load("like-removed")]
    del records[1]["dynamodb"]["NewImage"]  # a KEYS_ONLY record: we cannot tell what it was
    answer = handle({"Records": records}, None, firehose=aws.client("firehose"), stream_name=lake.stream_name)
    assert answer == {"batchItemFailures": [{"itemIdentifier": records[1]["dynamodb"]["SequenceNumber"]}]}
    # The third comes again with the retried batch: sending it now would only duplicate it.
    assert [e["event_type"] for e in lake.events()] == ["article_published"]


def test_a_batch_without_events_sends_nothing(lake: Lake) -> None:
    answer = handle(
        {"Records": load("ignored-items")},
        None,
        firehose=aws.client("firehose"),
        stream_name=lake.stream_name,
    )
    assert answer == {"batchItemFailures": []}
    assert lake.keys() == []


@pytest.mark.parametrize("event", [{}, {"Records": "x"}, {"Records": [{"eventID": "1"}]}, []])
def test_what_is_not_a_stream_event_fails_the_whole_batch(event: object, local_stack: object) -> None:
    with pytest.raises(ValueError, match="stream"):
        handle(event, None, firehose=aws.client("firehose"), stream_name="unused")  # type: ignore[arg-type]


def test_the_handler_imports_without_django() -> None:
    code = "import sys, analytics.stream_handler; print(sorted(m for m in sys.modules if 'django' in m))"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


GLUE_TO_DUCKDB = {"string": "VARCHAR", "timestamp": "TIMESTAMP", "int": "INTEGER", "bigint": "BIGINT"}


def test_the_lake_objects_read_back_with_the_glue_tables_types(lake: Lake, tmp_path: Path) -> None:
    """What the local reports engine does: read the objects as JSON lines typed by the Glue columns."""
    import duckdb

    from analytics.schema import COLUMNS

    handle(
        {"Records": every_fixture_record()},
        None,
        firehose=aws.client("firehose"),
        stream_name=lake.stream_name,
    )
    s3 = aws.client("s3")
    paths = []
    for index, key in enumerate(lake.keys()):
        path = tmp_path / f"{index}.json"
        path.write_bytes(s3.get_object(Bucket=lake.names.lake_bucket, Key=key)["Body"].read())
        paths.append(str(path))
    columns = "{" + ", ".join(f"'{name}': '{GLUE_TO_DUCKDB[kind]}'" for name, kind, _ in COLUMNS) + "}"
    query = (
        "SELECT event_type, occurred_at, expires_at, image_bytes FROM read_json(?, "  # noqa: S608 - our names
        f"columns={columns}, format='newline_delimited') ORDER BY event_id"
    )
    rows = duckdb.execute(query, [paths]).fetchall()
    assert len(rows) == 8
    published = next(row for row in rows if row[0] == "article_published")
    assert str(published[1]) == "2025-11-20 09:15:30"
    assert str(published[2]) == "2025-12-20 09:15:30"
    assert next(row for row in rows if row[0] == "image_ready")[3] == 245760
