"""The admins' analytics pages: reports (chart, table, CSV) and the SQL console. Thin: parse, call, render."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from accounts.decorators import admin_required
from analytics import selectors, services
from analytics.engines.base import QueryNotStarted, Run, RunNotFound, json_value
from analytics.health import pipeline_health_get
from analytics.pageviews import InvalidBeacon
from analytics.reports.catalog import REPORTS, ReportNotFound, report_get
from analytics.reports.parameters import ALLOWED, EARLIEST_DATE, LATEST_DATE, InvalidParameters
from analytics.sqlcheck import CONSOLE_MAX_ROWS, QueryRefused

DEFAULT_REPORT = "visitors"


def _filters(request: HttpRequest) -> dict[str, str]:
    return {name: request.GET.get(name, "").strip() for name in sorted(ALLOWED) if request.GET.get(name)}


def _table(run: Run) -> list[list[dict[str, Any]]]:
    """Return the run's cells with links: an article's title to the article, a page's path to the page."""
    names = [c.name for c in run.columns]
    id_at = names.index("article_id") if "article_id" in names else None
    rows = []
    for row in run.rows:
        cells = []
        for name, value in zip(names, row, strict=True):
            href = None
            if name == "article_title" and id_at is not None and row[id_at]:
                href = reverse("analytics:article", args=[row[id_at]])
            elif name == "path" and isinstance(value, str) and value.startswith("/"):
                href = value
            cells.append({"value": value, "href": href})
        rows.append(cells)
    return rows


def _run_context(run: Run) -> dict[str, Any]:
    return {
        "run": run,
        "table": _table(run),
        "run_data": run.as_dict(),
        "cost": f"{run.estimated_cost_usd:.6f}" if run.estimated_cost_usd is not None else None,
    }


@admin_required
def analytics_page(request: HttpRequest) -> HttpResponse:
    """Show one report's chart and table for the asked filters (or a run already started)."""
    report_id = request.GET.get("report") or DEFAULT_REPORT
    filters = _filters(request)
    context: dict[str, Any] = {
        "reports": list(REPORTS.values()),
        "reports_data": [r.as_dict() for r in REPORTS.values()],
        "health": pipeline_health_get(),
        "earliest": EARLIEST_DATE.isoformat(),
        "latest": LATEST_DATE.isoformat(),
        "filters": filters,
        "errors": {},
    }
    status = 200
    try:
        report = report_get(report_id)
    except ReportNotFound as error:
        report = report_get(DEFAULT_REPORT)
        context["errors"] = {"report": str(error)}
        status = error.page_status
    context["report"] = report
    context["chart"] = report.chart.as_dict()
    if status == 200:
        try:
            run_id = request.GET.get("run")
            run = (
                selectors.run_get(run_id=run_id)
                if run_id
                else services.report_run_start(report_id=report.id, raw_parameters=filters)
            )
        except InvalidParameters as error:
            context["errors"], status = error.fields, error.page_status
        except RunNotFound as error:
            context["errors"], status = {"run": str(error)}, error.page_status
        except QueryNotStarted as error:
            context["errors"], status = {"engine": str(error)}, error.page_status
        else:
            context.update(_run_context(run))
            params = run.label.parameters or {}
            context["filters"] = {k: v for k, v in params.items() if v} or filters
            context["csv_url"] = (
                reverse("analytics:report-csv", args=[report.id]) + "?" + urlencode(context["filters"])
            )
    return render(request, "analytics/page.html", context, status=status)


@admin_required
def article_redirect(request: HttpRequest, article_id: str) -> HttpResponse:
    """Send an admin from a report's article row to the article's page (reports know ids, not slugs)."""
    from blog.domain import ArticleNotFound
    from blog.selectors import article_get

    try:
        article = article_get(article_id=article_id)
    except ArticleNotFound:
        return HttpResponse(
            "That article no longer exists (expired or deleted).", status=404, content_type="text/plain"
        )
    return redirect("blog:article", slug=article.slug)


@admin_required
def console_page(request: HttpRequest) -> HttpResponse:
    """Run one SELECT typed by an admin (row-limited) and show its rows."""
    context: dict[str, Any] = {"sql": "", "max_rows": CONSOLE_MAX_ROWS}
    status = 200
    if request.method == "POST":
        context["sql"] = request.POST.get("sql", "")
        try:
            context.update(_run_context(services.console_run_start(sql=context["sql"])))
        except QueryRefused as error:
            context["refused"], status = str(error), error.page_status
        except QueryNotStarted as error:
            context["refused"], status = str(error), error.page_status
    elif request.GET.get("run"):
        try:
            context.update(_run_context(selectors.run_get(run_id=request.GET["run"])))
        except RunNotFound as error:
            context["refused"], status = str(error), error.page_status
    return render(request, "analytics/console.html", context, status=status)


@admin_required
def report_csv(request: HttpRequest, report_id: str) -> HttpResponse:
    """Download a report's rows as CSV (202 while a slow Athena query is still running)."""
    try:
        run = services.report_run_start(report_id=report_id, raw_parameters=_filters(request))
    except ReportNotFound as error:
        return HttpResponse(str(error), status=error.page_status, content_type="text/plain")
    except InvalidParameters as error:
        message = "; ".join(f"{k}: {v}" for k, v in error.fields.items())
        return HttpResponse(message, status=error.page_status, content_type="text/plain")
    except QueryNotStarted as error:
        return HttpResponse(str(error), status=error.page_status, content_type="text/plain")
    if run.status == "failed":
        return HttpResponse(f"The report failed: {run.error}", status=502, content_type="text/plain")
    if not run.finished:
        response = HttpResponse("The report is still running: try again in a few seconds.", status=202)
        response["Retry-After"] = "5"
        return response
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([c.name for c in run.columns])
    for row in run.rows:
        writer.writerow([_csv_cell(value) for value in row])
    params = run.label.parameters
    filename = f"{report_id}_{params.get('start')}_{params.get('end')}.csv"
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _csv_cell(value: object) -> object:
    cell = json_value(value)
    # A cell starting like a formula would run in a spreadsheet: prefix it (OWASP CSV injection).
    if isinstance(cell, str) and cell[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + cell
    return "" if cell is None else cell


# The beacon carries no session and changes nothing a person owns (one anonymous count), and
# navigator.sendBeacon cannot send a CSRF token header: like Plausible's /api/event it is exempt.
@csrf_exempt
@require_POST
def page_view_collect(request: HttpRequest) -> HttpResponse:
    """Count one page view sent by static/js/beacon.js; answer 204 (also for a view not counted)."""
    try:
        services.page_view_record(
            body=request.body,
            headers=request.headers,
            remote_addr=request.META.get("REMOTE_ADDR", ""),
            site_host=request.get_host(),
        )
    except InvalidBeacon as error:
        return HttpResponse(str(error), status=400, content_type="text/plain")
    except services.PageViewNotDelivered:
        return HttpResponse("The view could not be recorded.", status=503, content_type="text/plain")
    response = HttpResponse(status=204)
    response["Cache-Control"] = "no-store"
    return response
