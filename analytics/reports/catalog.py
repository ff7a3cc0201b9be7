"""The reports admins can run: one Athena-dialect SQL file each, with a chart description.

Each report's SQL lives next to this module as ``<id>.sql`` and uses named parameters (``:start``,
``:dt_end``, ``:country`` ...) that ``analytics.reports.parameters`` binds to validated values.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from common.errors import UserError

SQL_DIR = Path(__file__).resolve().parent

ChartType = Literal["bar", "line"]
CountryUse = Literal["required", "optional", "unused"]


@dataclass(frozen=True)
class Chart:
    """How to draw a report's rows: ``x`` column on the axis, one series per ``y`` column."""

    type: ChartType
    x: str
    y: tuple[str, ...]
    title: str

    def as_dict(self) -> dict[str, object]:
        return {"type": self.type, "x": self.x, "y": list(self.y), "title": self.title}


@dataclass(frozen=True)
class Report:
    id: str
    title: str
    description: str
    chart: Chart
    country: CountryUse = "optional"
    # How many days before ``start`` the report also reads (activity's previous period).
    reads_previous_period: bool = False
    # False when a side of the query reads every partition up to the end (authors' publications).
    prunes_start: bool = True
    # The last 30 minutes, whatever the dates: no start, end or country.
    realtime: bool = False

    @property
    def parameters(self) -> frozenset[str]:
        """Return the filters this report uses (the page disables the others; the API refuses them)."""
        if self.realtime:
            return frozenset()
        return frozenset({"start", "end"} | ({"country"} if self.country != "unused" else set()))

    @property
    def sql_path(self) -> Path:
        return SQL_DIR / f"{self.id}.sql"

    def as_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "title": self.title,
            "description": self.description,
            "chart": self.chart.as_dict(),
            "filters": sorted(self.parameters),
            "parameters": {
                "start": "ISO date, inclusive (default: 29 days before end)"
                if not self.realtime
                else "not used",
                "end": "ISO date, inclusive (default: today, UTC)" if not self.realtime else "not used",
                "country": {
                    "required": "ISO 3166 alpha-2, required",
                    "optional": "ISO 3166 alpha-2, optional",
                }.get(self.country, "not used"),
            },
        }


def _compared(x: str, series: str, title: str, *, chart: ChartType = "bar") -> Chart:
    return Chart(type=chart, x=x, y=(series, f"previous_{series}"), title=title)


REPORTS: dict[str, Report] = {
    report.id: report
    for report in (
        Report(
            id="visitors",
            title="Visitors and page views",
            description="Visitors and page views per day, beside the previous period of equal length.",
            chart=Chart(
                type="line",
                x="day",
                y=("visitors", "previous_visitors", "views", "previous_views"),
                title="Per day, this period and the previous one",
            ),
            reads_previous_period=True,
        ),
        Report(
            id="realtime",
            title="Realtime",
            description="Visitors and page views in the last 30 minutes (locally from the lake; in "
            "production the lake lags by Firehose's buffer, up to 15 minutes).",
            chart=Chart(type="bar", x="window", y=("visitors", "views"), title="The last 30 minutes"),
            country="unused",
            realtime=True,
        ),
        Report(
            id="top-pages",
            title="Top pages",
            description="The most viewed pages, with the previous period's views and the change.",
            chart=_compared("path", "views", "Views by page"),
            reads_previous_period=True,
        ),
        Report(
            id="entry-pages",
            title="Entry pages",
            description="Where visits begin (a visit ends after 30 minutes without a view).",
            chart=_compared("path", "entries", "Visits begun by page"),
            reads_previous_period=True,
        ),
        Report(
            id="referrers",
            title="Referrers",
            description="The sites visitors came from ('(direct)': no referrer or the blog itself).",
            chart=_compared("referrer_host", "visitors", "Visitors by referrer"),
            reads_previous_period=True,
        ),
        Report(
            id="sources",
            title="Sources (UTM)",
            description="Page views by utm_source / utm_medium / utm_campaign.",
            chart=_compared("utm_source", "visitors", "Visitors by source"),
            reads_previous_period=True,
        ),
        Report(
            id="countries",
            title="Countries",
            description="Where visitors are (CloudFront's country; ZZ: unknown).",
            chart=_compared("country", "visitors", "Visitors by country"),
            country="unused",
            reads_previous_period=True,
        ),
        Report(
            id="devices",
            title="Devices",
            description="The devices of visitors, with their page views and likes.",
            chart=_compared("device", "visitors", "Visitors by device"),
            reads_previous_period=True,
        ),
        Report(
            id="articles",
            title="Articles: views and likes",
            description="Views per article beside its likes, unlikes and net likes in the period.",
            chart=Chart(type="bar", x="article_title", y=("views", "net_likes"), title="Views and net likes"),
            reads_previous_period=True,
        ),
        Report(
            id="top-articles",
            title="Top articles",
            description="Articles with the most net likes (likes minus unlikes) in the period.",
            chart=_compared("article_title", "net_likes", "Net likes by article"),
            reads_previous_period=True,
        ),
        Report(
            id="top-countries",
            title="Top countries (likes)",
            description="Countries whose readers like the most articles.",
            chart=Chart(type="bar", x="country", y=("likes",), title="Likes by country"),
            country="unused",
        ),
        Report(
            id="authors-by-country",
            title="Authors by country",
            description="The most popular authors among readers of a country (articles joined to likes).",
            chart=Chart(type="bar", x="author_name", y=("likes",), title="Likes by author"),
            country="required",
            prunes_start=False,
        ),
        Report(
            id="activity",
            title="Activity",
            description="Articles published and likes per day, beside the previous period of equal length.",
            chart=Chart(
                type="line",
                x="day",
                y=("likes", "previous_likes", "published", "previous_published"),
                title="Per day, this period and the previous one",
            ),
            reads_previous_period=True,
        ),
        Report(
            id="expired",
            title="Expired articles",
            description="Articles that expired in the period, with the likes they gathered in their life.",
            chart=Chart(type="bar", x="article_title", y=("lifetime_likes",), title="Lifetime likes"),
            country="unused",
        ),
    )
}


class ReportNotFound(UserError, LookupError):
    status, code = 404, "not_found"


def report_get(report_id: str) -> Report:
    """Return the report called ``report_id``; raise ``ReportNotFound`` for any other name."""
    try:
        return REPORTS[report_id]
    except KeyError:
        raise ReportNotFound(f"There is no report called {report_id!r}.") from None


@functools.cache
def report_sql(report_id: str) -> str:
    """Return the report's Athena SQL text (read once per process)."""
    return report_get(report_id).sql_path.read_text()
