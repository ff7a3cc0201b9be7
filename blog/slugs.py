"""Slugs for article URLs. Pure."""

from __future__ import annotations

import secrets
from collections.abc import Iterator

from django.utils.text import slugify

from blog.domain import SLUG_MAX_CHARS

NUMBERED_TRIES = 4  # "-2" .. "-5"; past that the title is common: a random suffix settles it at once
RANDOM_TRIES = 3


def slug_base(title: str) -> str:
    """Return the ASCII slug of ``title`` (``article`` when nothing is left of it)."""
    base = slugify(title)[:SLUG_MAX_CHARS].strip("-")
    return base or "article"


def slug_candidates(title: str) -> Iterator[str]:
    """Yield the slugs to try, in order: ``base``, ``base-2`` .. ``base-5``, then random suffixes."""
    base = slug_base(title)
    yield base
    for number in range(2, NUMBERED_TRIES + 2):
        yield f"{base}-{number}"
    for _ in range(RANDOM_TRIES):
        yield f"{base}-{secrets.token_hex(3)}"
