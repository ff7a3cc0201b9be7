"""The analytics JSON API, for admins (a Bearer access token, or the page's session).

Reports' errors carry their own status and code (unknown report 404, bad parameters or query 400,
engine unreachable 503); ``api_view`` answers them.
"""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.urls import reverse

from accounts.decorators import api_identity_required
from analytics import selectors, services
from analytics.engines.base import Run
from cloud.resources import GROUP_ADMINS
from common.api import api_view


def _run_response(answer: Run, *, status: int = 200) -> JsonResponse:
    response = JsonResponse(answer.as_dict(), status=status)
    response["Location"] = reverse("analytics_api:run", args=[answer.id])
    response["Cache-Control"] = "no-store"
    return response


def report_list(request: HttpRequest) -> JsonResponse:
    """List the reports, their parameters and charts."""
    api_identity_required(request, group=GROUP_ADMINS)
    return JsonResponse({"reports": [report.as_dict() for report in selectors.report_list()]})


def report_run_create(request: HttpRequest, name: str) -> JsonResponse:
    """Start a report run; answer with the run (finished, or queued/running: poll its Location)."""
    api_identity_required(request, group=GROUP_ADMINS)
    from analytics.schemas import ReportParameters  # msgspec on first use, not at start-up
    from common.schema import request_body

    body = request_body(request, ReportParameters) if request.body else ReportParameters()
    started = services.report_run_start(report_id=name, raw_parameters=body.given())
    return _run_response(started, status=201)


def query_run_create(request: HttpRequest) -> JsonResponse:
    """Start one SELECT against the analytics database (row-limited)."""
    api_identity_required(request, group=GROUP_ADMINS)
    from analytics.schemas import QueryRequest, query_problem  # msgspec on first use, not at start-up
    from common.schema import request_body

    body = request_body(request, QueryRequest, problem=query_problem)
    started = services.console_run_start(sql=body.sql)
    return _run_response(started, status=201)


def run_detail(request: HttpRequest, run_id: str) -> JsonResponse:
    """Return a run: status, columns, rows, bytes scanned, duration and estimated cost."""
    api_identity_required(request, group=GROUP_ADMINS)
    return _run_response(selectors.run_get(run_id=run_id))


reports = api_view({"GET": report_list})
report_runs = api_view({"POST": report_run_create})
queries = api_view({"POST": query_run_create})
run = api_view({"GET": run_detail})
