"""The latest-articles cache: in process memory (Django's locmem cache), as the seed's Lambda did.

Pages are cached under a version number; any write this process makes bumps the version, so its
own readers never see a stale page. Other processes (other Lambda instances) may serve a page up to
``settings.LATEST_CACHE_SECONDS`` old: that is the trade the seed made, and the issue keeps it.
"""

from __future__ import annotations

import hashlib
import uuid

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


def _page_key(cursor: str | None) -> str:
    # Cursors come from outside and may be long: key on their hash.
    digest = hashlib.sha256((cursor or "").encode()).hexdigest()[:32]
    return f"blog:latest:{_version()}:{digest}"


def latest_cache_get(cursor: str | None) -> ArticlePage | None:
    page = cache.get(_page_key(cursor))
    return page if isinstance(page, ArticlePage) else None


def latest_cache_set(cursor: str | None, page: ArticlePage) -> None:
    cache.set(_page_key(cursor), page, timeout=settings.LATEST_CACHE_SECONDS)


def latest_cache_invalidate() -> None:
    """Forget every cached page (the old entries age out of locmem on their own)."""
    cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)
