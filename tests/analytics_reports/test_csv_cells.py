"""CSV downloads never hand a spreadsheet a formula (OWASP CSV injection), end to end.

Titles that start like a formula go through the lake, the DuckDB engine and the CSV view; each comes
out prefixed with an apostrophe, other cells untouched. Its own day (1999-06-01): no other test's.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

from django.test import Client

from analytics.schema import COLUMN_NAMES
from cloud import aws
from cloud.local.bootstrap import DEMO_ADMIN_PASSWORD
from tests.analytics_reports import lake_events

DAY = "1999-06-01"
TITLES = {
    "csv-1": '=HYPERLINK("http://evil.example","x")',
    "csv-2": "+1+1",
    "csv-3": "-2",
    "csv-4": "@SUM(A1)",
    "csv-5": "Plain title",
}


def _liked(n: int, article_id: str) -> dict[str, object]:
    event = dict.fromkeys(COLUMN_NAMES)
    event.update(
        event_id=f"csv-event-{n}",
        event_type="article_liked",
        occurred_at=f"{DAY}T10:00:0{n}.000Z",
        article_id=article_id,
        article_title=TITLES[article_id],
        author_id="u1",
        author_name="Uma",
        country="US",
        device="desktop",
    )
    return event


def test_formula_cells_are_defused(signed_in: Callable[[str, str], Client]) -> None:
    names = aws.names()
    events = [_liked(n, article_id) for n, article_id in enumerate(TITLES)]
    # Laid out as the emulator's Firehose writes it (events/YYYY/MM/DD/HH/...), as lake_events does.
    key = f"events/1999/06/01/10/{names.firehose_stream}-1-1999-06-01-10-00-00-00000001"
    aws.client("s3").put_object(Bucket=names.lake_bucket, Key=key, Body=lake_events.object_body(events))

    response = signed_in("admin", DEMO_ADMIN_PASSWORD).get(
        f"/analytics/reports/top-articles.csv?start={DAY}&end={DAY}"
    )
    assert response.status_code == 200, response.content
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    titles = {row["article_id"]: row["article_title"] for row in rows}
    assert titles == {
        "csv-1": "'" + TITLES["csv-1"],
        "csv-2": "'+1+1",
        "csv-3": "'-2",
        "csv-4": "'@SUM(A1)",
        "csv-5": "Plain title",
    }
    assert {row["likes"] for row in rows} == {"1"}  # numbers are not touched
