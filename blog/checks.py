"""System checks: fail fast on blog settings that would break likes, expiry or the cache."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks

from blog.domain import EXPIRY_MAX_DAYS, EXPIRY_MIN_DAYS

MIN_HASH_KEY_CHARS = 32  # a keyed hash is only as private as its key is unguessable


@checks.register()
def blog_settings_check(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    problems: list[checks.CheckMessage] = []
    days = getattr(settings, "ARTICLE_DEFAULT_TTL_DAYS", None)
    if not isinstance(days, int) or not EXPIRY_MIN_DAYS <= days <= EXPIRY_MAX_DAYS:
        problems.append(
            checks.Error(
                "ARTICLE_DEFAULT_TTL_DAYS must be a whole number of days "
                f"from {EXPIRY_MIN_DAYS} to {EXPIRY_MAX_DAYS}.",
                id="blog.E001",
            )
        )
    seconds = getattr(settings, "LATEST_CACHE_SECONDS", None)
    if not isinstance(seconds, int) or seconds < 0:
        problems.append(checks.Error("LATEST_CACHE_SECONDS must be a whole number >= 0.", id="blog.E002"))
    if not getattr(settings, "VISITOR_COOKIE", ""):
        problems.append(checks.Error("VISITOR_COOKIE must name the visitor cookie.", id="blog.E003"))
    key = getattr(settings, "VISITOR_HASH_KEY", "")
    if getattr(settings, "PRODUCTION", False) and len(key or "") < MIN_HASH_KEY_CHARS:
        problems.append(
            checks.Error(
                f"VISITOR_HASH_KEY must be at least {MIN_HASH_KEY_CHARS} characters in production.",
                hint="Set VISITOR_HASH_KEY (or DJANGO_SECRET_KEY, its default) to a long random value.",
                id="blog.E004",
            )
        )
    return problems
