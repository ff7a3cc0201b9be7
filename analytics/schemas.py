"""The analytics API's bodies (common.schema): validated on the way in, documented in /api/openapi.json.

Types and unknown fields are refused here; what a report's parameters or a console query mean is
the domain's to check (analytics.reports.parameters, analytics.sqlcheck), with its own codes
(``query_refused``): the schema documents those rules without enforcing them a second time.
"""

from __future__ import annotations

from typing import Annotated, Any

from msgspec import UNSET, Meta, UnsetType

from analytics.reports.catalog import REPORTS
from analytics.sqlcheck import CONSOLE_MAX_CHARS
from common.schema import Answer, Body

# Empty or null is the same as absent: the page's form sends every field. (msgspec keeps its own
# anyOf over ``extra_json_schema``: analytics.openapi puts this in.)
DATE_OR_NOTHING = {"anyOf": [{"type": "string", "format": "date"}, {"enum": ["", None]}]}
DATE_FIELDS = ("start", "end")


class ReportParameters(Body):
    start: (
        Annotated[
            str | None,
            Meta(description="Inclusive; default 29 days before end. At most 366 days before end."),
        ]
        | UnsetType
    ) = UNSET
    end: Annotated[str | None, Meta(description="Inclusive; default today (UTC).")] | UnsetType = UNSET
    country: (
        Annotated[
            str | None,
            Meta(
                extra_json_schema={"pattern": r"^(\s*[A-Za-z]{2}\s*)?$"},
                description="ISO 3166 alpha-2; required by authors-by-country, ignored where unused.",
            ),
        ]
        | UnsetType
    ) = UNSET


class QueryRequest(Body):
    sql: Annotated[
        str,
        Meta(
            extra_json_schema={"maxLength": CONSOLE_MAX_CHARS, "pattern": r"\S"},
            description="Exactly one SELECT (Athena SQL); a row limit is added.",
        ),
    ]


def query_problem(name: str, value: object) -> str | None:
    return "Send the query as a string."


class Chart(Answer):
    type: Annotated[str, Meta(extra_json_schema={"enum": ["bar", "line"]})]
    x: Annotated[str, Meta(description="The column on the horizontal axis.")]
    y: Annotated[list[str], Meta(description="One series per column.")]
    title: str


class Report(Answer):
    id: Annotated[str, Meta(extra_json_schema={"enum": list(REPORTS)})]
    title: str
    description: str
    chart: Chart
    filters: Annotated[
        list[Annotated[str, Meta(extra_json_schema={"enum": sorted(ReportParameters.__struct_fields__)})]],
        Meta(description="The filters the report uses; any other is refused (400)."),
    ]
    parameters: dict[str, str]


class ReportList(Answer):
    reports: list[Report]


class Column(Answer):
    name: str
    type: str


class Run(Answer):
    id: Annotated[str, Meta(description="Athena's query execution id, or a local run id.")]
    engine: Annotated[str, Meta(extra_json_schema={"enum": ["athena", "duckdb"]})]
    report: Annotated[str | None, Meta(description="null for a console query.")]
    parameters: dict[str, str | None]
    status: Annotated[str, Meta(extra_json_schema={"enum": ["queued", "running", "succeeded", "failed"]})]
    columns: list[Column]
    rows: list[list[Any]]
    bytes_scanned: int | None = None
    duration_ms: int | None = None
    estimated_cost_usd: Annotated[
        float | None, Meta(description="$5 per TB scanned, at least 10 MB per query.")
    ] = None
    error: str | None = None
