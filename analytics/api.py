"""The analytics JSON API, for admins (a Bearer access token, or the page's session)."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.urls import reverse

from accounts.decorators import api_identity_required
from analytics import selectors, services
from analytics.engines.base import QueryNotStarted, Run, RunNotFound
from analytics.reports.catalog import ReportNotFound
from analytics.reports.parameters import ALLOWED, InvalidParameters
from analytics.sqlcheck import QueryRefused
from cloud.resources import GROUP_ADMINS
from common.api import ApiError, NotFound, ValidationFailed, json_body


class EngineUnavailable(ApiError):
    status, code = 503, "engine_unavailable"


def _run_response(run: Run, *, status: int = 200) -> JsonResponse:
    response = JsonResponse(run.as_dict(), status=status)
    response["Location"] = reverse("analytics_api:run", args=[run.id])
    response["Cache-Control"] = "no-store"
    return response


def report_list(request: HttpRequest) -> JsonResponse:
    """List the reports, their parameters and charts."""
    api_identity_required(request, group=GROUP_ADMINS)
    return JsonResponse({"reports": [report.as_dict() for report in selectors.report_list()]})


def report_run_create(request: HttpRequest, name: str) -> JsonResponse:
    """Start a report run; answer with the run (finished, or queued/running: poll its Location)."""
    api_identity_required(request, group=GROUP_ADMINS)
    body = json_body(request, allowed=ALLOWED) if request.body else {}
    try:
        run = services.report_run_start(report_id=name, raw_parameters=body)
    except ReportNotFound as error:
        raise NotFound(str(error)) from None
    except InvalidParameters as error:
        raise ValidationFailed(str(error), fields=error.fields) from None
    except QueryNotStarted as error:
        raise EngineUnavailable(str(error)) from None
    return _run_response(run, status=201)


def query_run_create(request: HttpRequest) -> JsonResponse:
    """Start one SELECT against the analytics database (row-limited)."""
    api_identity_required(request, group=GROUP_ADMINS)
    body = json_body(request, allowed={"sql"}, required={"sql"})
    if not isinstance(body["sql"], str):
        raise ValidationFailed("Some fields are wrong.", fields={"sql": "Send the query as a string."})
    try:
        run = services.console_run_start(sql=body["sql"])
    except QueryRefused as error:
        raise ValidationFailed(str(error), fields={"sql": str(error)}, code="query_refused") from None
    except QueryNotStarted as error:
        raise EngineUnavailable(str(error)) from None
    return _run_response(run, status=201)


def run_detail(request: HttpRequest, run_id: str) -> JsonResponse:
    """Return a run: status, columns, rows, bytes scanned, duration and estimated cost."""
    api_identity_required(request, group=GROUP_ADMINS)
    try:
        run = selectors.run_get(run_id=run_id)
    except RunNotFound as error:
        raise NotFound(str(error)) from None
    return _run_response(run)
