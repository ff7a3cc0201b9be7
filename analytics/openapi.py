"""The analytics part of the OpenAPI document (merged by config.openapi). Admins only."""

from __future__ import annotations

from typing import Any

from analytics.reports.catalog import REPORTS
from analytics.sqlcheck import CONSOLE_MAX_CHARS
from common.openapi import BEARER, error_response, json_response

_ADMIN_ERRORS = {
    "401": error_response("No valid access token (or session)."),
    "403": error_response("The caller is not in the admins group."),
}

SCHEMAS: dict[str, Any] = {
    "Chart": {
        "type": "object",
        "required": ["type", "x", "y", "title"],
        "properties": {
            "type": {"type": "string", "enum": ["bar", "line"]},
            "x": {"type": "string", "description": "The column on the horizontal axis."},
            "y": {"type": "array", "items": {"type": "string"}, "description": "One series per column."},
            "title": {"type": "string"},
        },
    },
    "Report": {
        "type": "object",
        "required": ["id", "title", "description", "chart", "filters", "parameters"],
        "properties": {
            "id": {"type": "string", "enum": list(REPORTS)},
            "title": {"type": "string"},
            "description": {"type": "string"},
            "chart": {"$ref": "#/components/schemas/Chart"},
            "filters": {
                "type": "array",
                "items": {"type": "string", "enum": ["country", "end", "start"]},
                "description": "The filters the report uses; any other is refused (400).",
            },
            "parameters": {"type": "object", "additionalProperties": {"type": "string"}},
        },
    },
    "ReportList": {
        "type": "object",
        "required": ["reports"],
        "properties": {"reports": {"type": "array", "items": {"$ref": "#/components/schemas/Report"}}},
    },
    "ReportParameters": {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            # Empty or null is the same as absent: the page's form sends every field.
            "start": {
                "anyOf": [{"type": "string", "format": "date"}, {"enum": ["", None]}],
                "description": "Inclusive; default 29 days before end. At most 366 days before end.",
            },
            "end": {
                "anyOf": [{"type": "string", "format": "date"}, {"enum": ["", None]}],
                "description": "Inclusive; default today (UTC).",
            },
            "country": {
                "type": ["string", "null"],
                "pattern": r"^(\s*[A-Za-z]{2}\s*)?$",
                "description": "ISO 3166 alpha-2; required by authors-by-country, ignored where unused.",
            },
        },
    },
    "QueryRequest": {
        "type": "object",
        "additionalProperties": False,
        "required": ["sql"],
        "properties": {
            "sql": {
                "type": "string",
                "maxLength": CONSOLE_MAX_CHARS,
                "pattern": r"\S",
                "description": "Exactly one SELECT (Athena SQL); a row limit is added.",
            }
        },
    },
    "Run": {
        "type": "object",
        "required": ["id", "engine", "report", "parameters", "status", "columns", "rows"],
        "properties": {
            "id": {"type": "string", "description": "Athena's query execution id, or a local run id."},
            "engine": {"type": "string", "enum": ["athena", "duckdb"]},
            "report": {"type": ["string", "null"], "description": "null for a console query."},
            "parameters": {"type": "object", "additionalProperties": {"type": ["string", "null"]}},
            "status": {"type": "string", "enum": ["queued", "running", "succeeded", "failed"]},
            "columns": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["name", "type"],
                    "properties": {"name": {"type": "string"}, "type": {"type": "string"}},
                },
            },
            "rows": {"type": "array", "items": {"type": "array", "items": {}}},
            "bytes_scanned": {"type": ["integer", "null"]},
            "duration_ms": {"type": ["integer", "null"]},
            "estimated_cost_usd": {
                "type": ["number", "null"],
                "description": "$5 per TB scanned, at least 10 MB per query.",
            },
            "error": {"type": ["string", "null"]},
        },
    },
}

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
            "parameters": [
                {
                    "name": "name",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "string", "enum": list(REPORTS)},
                }
            ],
            "requestBody": {
                "required": False,
                "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/ReportParameters"}}
                },
            },
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
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/QueryRequest"}}},
            },
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
            "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
            "responses": {
                "200": json_response("Run", "The run."),
                "404": error_response("No such run (local runs live in the server process's memory)."),
                **_ADMIN_ERRORS,
            },
        }
    },
}
