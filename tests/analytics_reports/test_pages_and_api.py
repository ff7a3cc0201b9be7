"""The page, the CSV download and the JSON API: admins only, real sign-in and real tokens."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from cloud.local.bootstrap import DEMO_ADMIN_PASSWORD, DEMO_AUTHOR_PASSWORD
from config.openapi import document

pytestmark = pytest.mark.usefixtures("lake")

PERIOD = "start=2001-03-10&end=2001-03-16"
PAGES = ["/analytics/", "/analytics/console/", f"/analytics/reports/devices.csv?{PERIOD}"]


@pytest.fixture
def admin_client(signed_in: Callable[[str, str], Client]) -> Client:
    return signed_in("admin", DEMO_ADMIN_PASSWORD)


@pytest.mark.parametrize("url", PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(url: str, local_stack: object) -> None:
    response = Client().get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/sign-in/?next=")


def test_authors_get_403_on_every_page(signed_in: Callable[[str, str], Client]) -> None:
    client = signed_in("author", DEMO_AUTHOR_PASSWORD)
    for url in PAGES:
        assert client.get(url).status_code == 403, url
    assert client.post("/analytics/console/", {"sql": "SELECT 1"}).status_code == 403


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/api/analytics/reports"),
        ("post", "/api/analytics/reports/devices/runs"),
        ("post", "/api/analytics/queries"),
        ("get", "/api/analytics/runs/0123456789abcdef"),
    ],
)
def test_the_api_refuses_anonymous_callers_and_non_admins(
    method: str, url: str, author_identity_headers: dict[str, str]
) -> None:
    anonymous = getattr(Client(), method)(url, content_type="application/json", data={})
    assert anonymous.status_code == 401
    assert anonymous.json()["error"]["code"] == "unauthorized"
    author = getattr(Client(), method)(
        url, content_type="application/json", data={}, headers=author_identity_headers
    )
    assert author.status_code == 403
    assert author.json()["error"]["code"] == "forbidden"


def test_the_page_shows_the_report_table_chart_data_and_stats(admin_client: Client) -> None:
    response = admin_client.get(f"/analytics/?report=devices&{PERIOD}")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<th scope="col">device</th>' in html
    assert "<td>mobile</td><td>2</td><td>3</td>" in html
    assert 'id="run-data"' in html
    assert 'id="chart-spec"' in html
    assert "scanned" in html
    assert "estimated cost $" in html
    assert "/analytics/reports/devices.csv?start=2001-03-10&amp;end=2001-03-16" in html
    assert "<script>" not in html  # CSP: no inline scripts (json_script's type is application/json)


def test_the_page_says_what_is_wrong_with_the_filters(admin_client: Client) -> None:
    response = admin_client.get("/analytics/?report=top-articles&country=France")
    assert response.status_code == 400
    assert "ISO 3166 alpha-2" in response.content.decode()


def test_the_csv_download(admin_client: Client) -> None:
    response = admin_client.get(f"/analytics/reports/top-articles.csv?{PERIOD}&country=US")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="top-articles_2001-03-10_2001-03-16.csv"' in response["Content-Disposition"]
    assert list(csv.reader(io.StringIO(response.content.decode()))) == [
        [
            "article_id",
            "article_title",
            "author_name",
            "likes",
            "unlikes",
            "net_likes",
            "previous_net_likes",
            "change_pct",
        ],
        ["art-2", "Beta", "Vic", "2", "0", "2", "0", ""],
        ["art-3", "Gamma", "Uma", "1", "0", "1", "0", ""],
    ]
    assert admin_client.get("/analytics/reports/nope.csv").status_code == 404
    assert admin_client.get("/analytics/reports/devices.csv?start=soon").status_code == 400


def test_the_page_answers_400_for_dates_out_of_range_and_unused_filters(admin_client: Client) -> None:
    early = admin_client.get("/analytics/?report=top-pages&end=0001-01-01")
    assert early.status_code == 400
    html = early.content.decode()
    assert "Give a date from 1970-01-01 to 9998-12-31." in html
    assert 'id="run-table"' not in html  # no result beside an error
    assert html.count('id="report"') == 1  # one element with that id (the select)
    unused = admin_client.get("/analytics/?report=countries&country=FR")
    assert unused.status_code == 400
    assert "does not use this filter" in unused.content.decode()
    page = admin_client.get(f"/analytics/?report=countries&{PERIOD}").content.decode()
    assert 'id="country" value="" maxlength="2" placeholder="e.g. FR" autocomplete="off" disabled' in page


def test_article_titles_link_to_their_articles(admin_client: Client) -> None:
    html = admin_client.get(f"/analytics/?report=top-pages&{PERIOD}").content.decode()
    assert '<td><a href="/analytics/articles/art-2/">Beta</a></td>' in html
    assert '<td><a href="/articles/beta/">/articles/beta/</a></td>' in html
    assert admin_client.get("/analytics/articles/art-2/").status_code == 404  # not in the table: gone


def test_the_console_page_runs_a_select_and_refuses_the_rest(admin_client: Client) -> None:
    ok = admin_client.post(
        "/analytics/console/",
        {
            "sql": "SELECT device, count(*) AS n FROM events WHERE dt = '2001-03-12' "
            "GROUP BY device ORDER BY device"
        },
    )
    assert ok.status_code == 200
    assert "<td>desktop</td><td>1</td>" in ok.content.decode()
    refused = admin_client.post("/analytics/console/", {"sql": "DROP TABLE events"})
    assert refused.status_code == 400
    assert "Only SELECT queries run here" in refused.content.decode()
    not_whole = admin_client.post("/analytics/console/", {"sql": "SELECT 1 LIMIT 'ten'"})
    assert not_whole.status_code == 400
    assert "LIMIT takes a whole number" in not_whole.content.decode()


def test_the_api_lists_runs_and_returns_reports(admin_identity_headers: dict[str, str]) -> None:
    client = Client()
    listing = client.get("/api/analytics/reports", headers=admin_identity_headers).json()
    assert [r["id"] for r in listing["reports"]] == [
        "visitors",
        "realtime",
        "top-pages",
        "entry-pages",
        "referrers",
        "sources",
        "countries",
        "devices",
        "articles",
        "top-articles",
        "top-countries",
        "authors-by-country",
        "activity",
        "expired",
    ]
    created = client.post(
        "/api/analytics/reports/authors-by-country/runs",
        data=json.dumps({"start": "2001-03-10", "end": "2001-03-16", "country": "FR"}),
        content_type="application/json",
        headers=admin_identity_headers,
    )
    assert created.status_code == 201
    run = created.json()
    assert run["status"] == "succeeded"
    assert run["report"] == "authors-by-country"
    assert run["parameters"] == {"start": "2001-03-10", "end": "2001-03-16", "country": "FR"}
    assert run["columns"] == [
        {"name": "author_name", "type": "varchar"},
        {"name": "likes", "type": "bigint"},
        {"name": "articles", "type": "bigint"},
    ]
    assert run["rows"] == [["Uma", 3, 2], ["Vic", 1, 1]]
    assert run["bytes_scanned"] > 0
    polled = client.get(created["Location"], headers=admin_identity_headers)
    assert polled.status_code == 200
    assert polled.json() == run


def test_the_api_validates(admin_identity_headers: dict[str, str]) -> None:
    client = Client()

    def post(url: str, body: object) -> dict[str, Any]:
        response = client.post(
            url, data=json.dumps(body), content_type="application/json", headers=admin_identity_headers
        )
        return {"status": response.status_code, **response.json()["error"]}

    assert post("/api/analytics/reports/nope/runs", {})["status"] == 404
    bad = post("/api/analytics/reports/devices/runs", {"start": "2001-02-30", "colour": "red"})
    assert bad["status"] == 400
    assert set(bad["fields"]) == {"colour"}
    bad = post("/api/analytics/reports/devices/runs", {"start": "2001-02-30"})
    assert bad["status"] == 400
    assert "start" in bad["fields"]
    refused = post("/api/analytics/queries", {"sql": "SELECT 1; SELECT 2"})
    assert refused["status"] == 400
    assert refused["code"] == "query_refused"
    not_whole = post("/api/analytics/queries", {"sql": "SELECT 1 LIMIT 2.5"})
    assert (not_whole["status"], not_whole["code"]) == (400, "query_refused")
    # Dates out of range (issue 16): a 400 naming the field, not an overflow.
    early = post("/api/analytics/reports/top-pages/runs", {"end": "0001-01-01"})
    assert (early["status"], set(early["fields"])) == (400, {"end"})
    late = post("/api/analytics/reports/visitors/runs", {"start": "9999-12-31"})
    assert (late["status"], set(late["fields"])) == (400, {"start"})
    unused = post("/api/analytics/reports/countries/runs", {"country": "FR"})
    assert (unused["status"], set(unused["fields"])) == (400, {"country"})
    missing = client.get("/api/analytics/runs/0123456789abcdef", headers=admin_identity_headers)
    assert missing.status_code == 404


def test_the_api_is_in_the_openapi_document() -> None:
    paths = document()["paths"]
    assert {
        "/api/analytics/reports",
        "/api/analytics/reports/{name}/runs",
        "/api/analytics/runs/{id}",
    } <= set(paths)
