"""Template filters for the public pages."""

from __future__ import annotations

from datetime import UTC, datetime

from django import template

register = template.Library()


@register.filter
def datetime_attr(moment: datetime | None) -> str:
    """Return ``moment`` for a ``<time datetime>``: UTC to the second (HTML allows at most three
    fraction digits; stored timestamps carry microseconds)."""
    if moment is None:
        return ""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
