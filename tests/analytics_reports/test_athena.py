"""The Athena engine (pyathena) against the emulator's Athena.

The emulator does not run SQL: it answers with results posted in advance to
``/moto-api/static/athena/query-results`` (the one fake here, because nothing local runs Athena SQL).
What is checked is ours: the query text sent, the database and workgroup, result reuse, starting
without waiting, polling until the query finishes, and typed rows.
"""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

from analytics import services
from analytics.engines import athena as athena_module
from analytics.engines.athena import AthenaEngine, label_from_query
from analytics.engines.base import RunLabel, RunNotFound
from analytics.reports.catalog import report_get
from analytics.reports.parameters import parameters_parse, report_bind
from cloud import aws


def _moto_api(path: str, body: dict[str, Any]) -> None:
    request = urllib.request.Request(
        f"{aws.endpoint_url()}/moto-api/{path}",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        assert response.status == 201


def _column(name: str, type_: str) -> dict[str, Any]:
    return {
        "CatalogName": "hive",
        "SchemaName": "",
        "TableName": "",
        "Name": name,
        "Label": name,
        "Type": type_,
        "Precision": 0,
        "Scale": 0,
        "Nullable": "UNKNOWN",
        "CaseSensitive": False,
    }


def canned_results(columns: list[tuple[str, str]], rows: list[list[str | None]]) -> None:
    """Queue one result set for the emulator's next query (a header row first, as Athena sends)."""
    header = {"Data": [{"VarCharValue": name} for name, _ in columns]}
    data = [{"Data": [{"VarCharValue": v} if v is not None else {} for v in row]} for row in rows]
    _moto_api(
        "static/athena/query-results",
        {"results": [{"rows": [header, *data], "column_info": [_column(n, t) for n, t in columns]}]},
    )


@pytest.fixture
def engine(athena_workgroup: str, settings: Any) -> AthenaEngine:
    settings.ANALYTICS_ENGINE = "athena"
    return AthenaEngine()


@pytest.fixture
def slow_queries() -> Iterator[None]:
    """Make each emulated query take three status requests per state (QUEUED, RUNNING, SUCCEEDED)."""
    _moto_api(
        "state-manager/set-transition",
        {"model_name": "athena::execution", "transition": {"progression": "manual", "times": 3}},
    )
    yield
    _moto_api("state-manager/unset-transition", {"model_name": "athena::execution"})


@pytest.fixture
def sent(engine: AthenaEngine) -> Iterator[list[dict[str, Any]]]:
    """Record the StartQueryExecution requests pyathena sends."""
    requests: list[dict[str, Any]] = []
    events = engine.connection().client.meta.events

    def record(params: dict[str, Any], **_: Any) -> None:
        requests.append(dict(params))

    events.register("provide-client-params.athena.StartQueryExecution", record)
    yield requests
    events.unregister("provide-client-params.athena.StartQueryExecution", record)


def test_a_report_starts_in_the_workgroup_and_database_with_result_reuse(
    engine: AthenaEngine, sent: list[dict[str, Any]], settings: Any
) -> None:
    canned_results([("country", "varchar"), ("likes", "bigint"), ("articles", "bigint")], [["FR", "4", "3"]])
    run = services.report_run_start(
        report_id="top-countries",
        raw_parameters={"start": "2001-03-10", "end": "2001-03-16"},
        today=date(2001, 4, 1),
    )
    report = report_get("top-countries")
    bound = report_bind(
        report, parameters_parse(report, {"start": "2001-03-10", "end": "2001-03-16"}, today=date.today())
    )
    (request,) = sent
    assert request["WorkGroup"] == settings.ATHENA_WORKGROUP
    assert request["QueryExecutionContext"]["Database"] == aws.names().glue_database
    assert request["ResultReuseConfiguration"] == {
        "ResultReuseByAgeConfiguration": {
            "Enabled": True,
            "MaxAgeInMinutes": athena_module.RESULT_REUSE_MINUTES,
        }
    }
    assert request["QueryString"].endswith(bound.sql)
    assert "dt >= '2001-03-10' AND dt <= '2001-03-17'" in request["QueryString"]
    execution = aws.client("athena").get_query_execution(QueryExecutionId=run.id)["QueryExecution"]
    assert execution["Query"] == request["QueryString"]
    assert execution["WorkGroup"] == settings.ATHENA_WORKGROUP
    # The emulator answers at once, so the start already returns the finished run, typed.
    assert run.engine == "athena"
    assert run.status == "succeeded"
    assert run.label == RunLabel(
        report="top-countries", parameters={"start": "2001-03-10", "end": "2001-03-16", "country": None}
    )
    assert [(c.name, c.type) for c in run.columns] == [
        ("country", "varchar"),
        ("likes", "bigint"),
        ("articles", "bigint"),
    ]
    assert run.rows == (("FR", 4, 3),)
    assert run.bytes_scanned == 0  # the emulator's statistics
    assert run.estimated_cost_usd == pytest.approx(10 / 1024**2 * 5)


@pytest.mark.usefixtures("slow_queries")
def test_a_slow_query_is_started_then_polled(engine: AthenaEngine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(athena_module, "START_WAIT_SECONDS", 0)
    canned_results(
        [("day", "date"), ("published", "bigint"), ("likes", "bigint"), ("previous_day", "date")],
        [["2001-03-10", "1", "1", "2001-03-03"], ["2001-03-11", "0", None, "2001-03-04"]],
    )
    run = services.report_run_start(
        report_id="activity",
        raw_parameters={"start": "2001-03-10", "end": "2001-03-11"},
        today=date(2001, 4, 1),
    )
    assert run.status == "queued"
    assert run.rows == ()
    seen: list[str] = [run.status]
    for _ in range(12):
        run = engine.run_get(run.id)
        seen.append(run.status)
        if run.finished:
            break
    assert seen[0] == "queued"
    assert "running" in seen
    assert seen[-1] == "succeeded"
    assert seen.index("running") < len(seen) - 1
    assert run.label.report == "activity"
    assert run.rows == (
        (date(2001, 3, 10), 1, 1, date(2001, 3, 3)),
        (date(2001, 3, 11), 0, None, date(2001, 3, 4)),
    )


def test_a_console_query_is_labelled_as_such(engine: AthenaEngine) -> None:
    canned_results([("n", "bigint")], [["42"]])
    run = services.console_run_start(sql="SELECT count(*) AS n FROM events WHERE dt = '2001-03-10'")
    assert run.label == RunLabel(report=None)
    assert run.rows == ((42,),)
    execution = aws.client("athena").get_query_execution(QueryExecutionId=run.id)["QueryExecution"]
    assert execution["Query"].endswith("SELECT COUNT(*) AS n FROM events WHERE dt = '2001-03-10' LIMIT 1000")


def test_an_unknown_run_is_not_found(engine: AthenaEngine) -> None:
    with pytest.raises(RunNotFound):
        engine.run_get("not a valid id!")


def test_the_label_round_trips_through_the_query_text() -> None:
    label = RunLabel(report="authors-by-country", parameters={"start": "2001-03-10", "country": "*/ DROP"})
    assert label_from_query(athena_module.label_comment(label) + "SELECT 1") == label.__class__(
        report="authors-by-country", parameters={"start": "2001-03-10", "country": "* / DROP"}
    )
    assert label_from_query("SELECT 1") == RunLabel(report=None)


def test_a_query_athena_refuses_to_start_is_a_503(
    engine: AthenaEngine, admin_identity_headers: dict[str, str]
) -> None:
    """Fault injected at the client (the emulator starts every query)."""
    from botocore.awsrequest import AWSResponse
    from django.test import Client

    def refuse(**_: Any) -> tuple[AWSResponse, dict[str, Any]]:
        error = {"Error": {"Code": "InvalidRequestException", "Message": "Workgroup is disabled"}}
        return AWSResponse("", 400, {}, None), error  # type: ignore[arg-type]

    events = engine.connection().client.meta.events
    events.register("before-call.athena.StartQueryExecution", refuse)
    try:
        response = Client().post(
            "/api/analytics/reports/devices/runs",
            content_type="application/json",
            headers=admin_identity_headers,
        )
    finally:
        events.unregister("before-call.athena.StartQueryExecution", refuse)
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "engine_unavailable"
    assert "Workgroup is disabled" in response.json()["error"]["message"]


@pytest.mark.usefixtures("slow_queries")
def test_the_page_and_csv_do_not_wait_for_a_slow_query(
    engine: AthenaEngine, monkeypatch: pytest.MonkeyPatch, signed_in: Any
) -> None:
    from cloud.local.bootstrap import DEMO_ADMIN_PASSWORD

    monkeypatch.setattr(athena_module, "START_WAIT_SECONDS", 0)
    client = signed_in("admin", DEMO_ADMIN_PASSWORD)
    page = client.get("/analytics/?report=devices&start=2001-03-10&end=2001-03-16")
    assert page.status_code == 200
    assert "Running (queued)" in page.content.decode()  # analytics.js polls the run, then draws it
    csv_response = client.get("/analytics/reports/devices.csv?start=2001-03-10&end=2001-03-16")
    assert csv_response.status_code == 202
    assert csv_response["Retry-After"] == "5"
