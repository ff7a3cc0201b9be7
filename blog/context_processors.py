"""The site's name and description in every template (``site_name``, ``site_description``)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest | None = None) -> dict[str, Any]:
    """Return the site's name and description from settings."""
    return {"site_name": settings.BLOG_NAME, "site_description": settings.BLOG_DESCRIPTION}
