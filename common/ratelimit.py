"""Fixed-window rate limits kept in DynamoDB (Lambda instances share no memory).

CONTRACT: ``hit(scope, subject, limit=..., per_seconds=...)`` counts one request of ``subject``
(a visitor hash, a username) in ``scope`` (``like``, ``sign-in``) and raises ``RateLimited`` (a 429
``UserError``) past ``limit`` in the current window. The counter items expire through the table's TTL.
"""

from __future__ import annotations

import hashlib
import hmac
import time

from common.errors import TooManyRequests
from common.repository import RateWindowRepository


class RateLimited(TooManyRequests):
    pass


def subject_hash(*parts: str, key: str) -> str:
    """Return a keyed hash of ``parts`` to count under: the items never hold a raw address.

    The counter item lives only for its window (TTL), and rate items give no analytics event
    (analytics/events.py), so the hash never reaches the lake either.
    """
    message = "\x1f".join(parts).encode()
    return hmac.new(key.encode(), message, hashlib.sha256).hexdigest()[:32]


def hit(scope: str, subject: str, *, limit: int, per_seconds: int, now: float | None = None) -> None:
    """Count one request; raise ``RateLimited`` when ``subject`` is over ``limit`` per window."""
    now = time.time() if now is None else now
    window = int(now // per_seconds)
    counted = RateWindowRepository().count(
        scope=scope, subject=subject, window=window, limit=limit, expires_at=(window + 2) * per_seconds
    )
    if not counted:
        retry_in = (window + 1) * per_seconds - int(now)
        raise RateLimited(f"Too many requests. Try again in {retry_in} s.")
