"""Analytics writes: start report runs and console queries on the configured engine; record page views."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Mapping
from datetime import UTC, date, datetime

from analytics.engines.base import Query, Run, RunLabel, engine_get
from analytics.firehose import Record, json_line
from analytics.pageviews import beacon_parse, client_ip, is_counted, page_view_event, visitor_hash_daily
from analytics.reports.catalog import report_get
from analytics.reports.parameters import parameters_parse, report_bind
from analytics.repository import page_views_put, salt_cache
from analytics.sqlcheck import console_query


def today_utc() -> date:
    return datetime.now(UTC).date()


def report_run_start(
    *, report_id: str, raw_parameters: Mapping[str, object], today: date | None = None
) -> Run:
    """Validate the parameters, bind them into the report's SQL and start it.

    Raise ``ReportNotFound`` or ``InvalidParameters`` (with per-field messages) before anything runs.
    """
    report = report_get(report_id)
    now = datetime.now(UTC)
    params = parameters_parse(report, raw_parameters, today=today or now.date())
    bound = report_bind(report, params, now=now)
    label = RunLabel(report=report.id, parameters=params.as_dict())
    return engine_get().run_start(Query(sql=bound.sql, label=label, partitions=bound.partitions))


def console_run_start(*, sql: str) -> Run:
    """Start one SELECT from the console (row-limited); raise ``QueryRefused`` for anything else."""
    return engine_get().run_start(Query(sql=console_query(sql), label=RunLabel(report=None)))


# --- Page views -------------------------------------------------------------------------------

ARTICLE_CACHE_SECONDS = 300  # a slug's article (id, title) changes rarely; a view must not cost a read
ARTICLE_CACHE_SIZE = 1024


class _ArticleCache:
    """slug -> (article id, title) or None, kept a few minutes in this process."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._items: dict[str, tuple[float, tuple[str, str] | None]] = {}

    def get(self, slug: str, *, now: float) -> tuple[str, str] | None:
        with self._lock:
            hit = self._items.get(slug)
        if hit is not None and now - hit[0] < ARTICLE_CACHE_SECONDS:
            return hit[1]
        from blog.domain import ArticleNotFound
        from blog.selectors import article_get_by_slug

        try:
            article = article_get_by_slug(slug=slug, now=now)
            value: tuple[str, str] | None = (article.id, article.title)
        except ArticleNotFound:
            value = None
        with self._lock:
            if len(self._items) >= ARTICLE_CACHE_SIZE:
                self._items.clear()
            self._items[slug] = (now, value)
        return value

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


article_cache = _ArticleCache()


def _article_slug(path: str) -> str | None:
    from django.urls import Resolver404, resolve

    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.kwargs.get("slug") if match.view_name == "blog:article" else None


def page_view_record(
    *, body: bytes, headers: Mapping[str, str], remote_addr: str, site_host: str, now: datetime | None = None
) -> bool:
    """Record one page view from the beacon; return False when it is not counted (a bot, a prefetch).

    Raise ``InvalidBeacon`` for a body our script does not send, ``PageViewNotDelivered`` when
    Firehose refused the record.
    """
    if not is_counted(headers):
        return False
    beacon = beacon_parse(body, site_host=site_host)
    now = now or datetime.now(UTC)
    slug = _article_slug(beacon.path)
    article = article_cache.get(slug, now=now.timestamp()) if slug else None
    visitor = visitor_hash_daily(
        salt=salt_cache.get(now.date()),
        site=site_host.lower(),
        ip=client_ip(headers, remote_addr=remote_addr),
        user_agent=headers.get("User-Agent", ""),
    )
    event = page_view_event(
        beacon=beacon,
        headers=headers,
        visitor=visitor,
        event_id=uuid.uuid4().hex,
        occurred_at=now,
        article_id=article[0] if article else None,
        article_title=article[1] if article else None,
        article_slug=slug if article else None,
    )
    failed = page_views_put([Record(record_id="0", data=json_line(event))])
    if failed:
        raise PageViewNotDelivered(failed[0].error_code)
    return True


class PageViewNotDelivered(RuntimeError):
    """Firehose did not take the page view (after retries)."""
