"""The latest-articles cache: in process memory (Django's locmem cache), as the seed's Lambda did.

Pages (the selector's ``ArticlePage``) and the home page's rendered article list (so the hot path
renders no template for it) are cached under a version number; any write this process makes bumps
the version, so its own readers never see a stale page. Other processes (other Lambda instances)
may serve a page up to ``settings.LATEST_CACHE_SECONDS`` old: the trade the seed made, and the
issue keeps it.
"""

from __future__ import annotations

import hashlib
import uuid
from typing import NamedTuple

from django.conf import settings
from django.core.cache import cache

from blog.domain import ArticlePage

VERSION_KEY = "blog:latest:version"


def _version() -> str:
    version = cache.get(VERSION_KEY)
    if version is None:
        version = uuid.uuid4().hex
        cache.set(VERSION_KEY, version, timeout=None)
    return str(version)


class RenderedList(NamedTuple):
    """The home page's article list as HTML, good until its first article expires."""

    html: str
    next_cursor: str | None
    fresh_until: float


def _key(kind: str, cursor: str | None) -> str:
    # Cursors come from outside and may be long: key on their hash.
    digest = hashlib.sha256((cursor or "").encode()).hexdigest()[:32]
    return f"blog:latest:{_version()}:{kind}:{digest}"


def latest_cache_get(cursor: str | None) -> ArticlePage | None:
    page = cache.get(_key("page", cursor))
    return page if isinstance(page, ArticlePage) else None


def latest_cache_set(cursor: str | None, page: ArticlePage) -> None:
    cache.set(_key("page", cursor), page, timeout=settings.LATEST_CACHE_SECONDS)


def latest_html_get(cursor: str | None, *, now: float) -> RenderedList | None:
    """Return the rendered list unless one of its articles has expired since (it must not be shown)."""
    rendered = cache.get(_key("html", cursor))
    return rendered if isinstance(rendered, RenderedList) and now < rendered.fresh_until else None


def latest_html_set(cursor: str | None, rendered: RenderedList) -> None:
    cache.set(_key("html", cursor), rendered, timeout=settings.LATEST_CACHE_SECONDS)


def latest_cache_invalidate() -> None:
    """Forget every cached page and list (the old entries age out of locmem on their own)."""
    cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)
