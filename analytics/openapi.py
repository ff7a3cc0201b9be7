"""The analytics part of the OpenAPI document (merged by config.openapi). Admins only."""

from __future__ import annotations

from typing import Any

from analytics.reports.catalog import REPORTS
from analytics.schemas import DATE_FIELDS, DATE_OR_NOTHING, QueryRequest, ReportList, ReportParameters, Run
from common.openapi import BEARER, error_response, json_response, parameter, request_body
from common.schema import components

_ADMIN_ERRORS = {
    "401": error_response("No valid access token (or session)."),
    "403": error_response("The caller is not in the admins group."),
}

SCHEMAS: dict[str, Any] = components(ReportParameters, QueryRequest, ReportList, Run)
for _name in DATE_FIELDS:
    SCHEMAS["ReportParameters"]["properties"][_name].update(DATE_OR_NOTHING)

PATHS: dict[str, Any] = {
    "/api/analytics/reports": {
        "get": {
            "summary": "List the reports",
            "tags": ["analytics"],
            "security": BEARER,
            "responses": {"200": json_response("ReportList", "The reports."), **_ADMIN_ERRORS},
        }
    },
    "/api/analytics/reports/{name}/runs": {
        "post": {
            "summary": "Run a report",
            "description": "Starts the report. The run comes back finished, or queued/running (Athena): "
            "poll GET /api/analytics/runs/{id} (the Location header).",
            "tags": ["analytics"],
            "security": BEARER,
            "parameters": [parameter("name", "path", {"type": "string", "enum": list(REPORTS)})],
            "requestBody": request_body("ReportParameters", required=False),
            "responses": {
                "201": json_response("Run", "The run."),
                "400": error_response("Invalid parameters (see error.fields)."),
                "404": error_response("No such report."),
                "503": error_response("The engine could not start the query; try again."),
                **_ADMIN_ERRORS,
            },
        }
    },
    "/api/analytics/queries": {
        "post": {
            "summary": "Run one SELECT on the analytics database (the SQL console)",
            "tags": ["analytics"],
            "security": BEARER,
            "requestBody": request_body("QueryRequest"),
            "responses": {
                "201": json_response("Run", "The run."),
                "400": error_response("Not exactly one SELECT (error.code 'query_refused')."),
                **_ADMIN_ERRORS,
            },
        }
    },
    "/api/analytics/runs/{id}": {
        "get": {
            "summary": "A run: status, columns, rows, bytes scanned",
            "tags": ["analytics"],
            "security": BEARER,
            "parameters": [parameter("id", "path", {"type": "string"})],
            "responses": {
                "200": json_response("Run", "The run."),
                "404": error_response("No such run (local runs live in the server process's memory)."),
                **_ADMIN_ERRORS,
            },
        }
    },
}
