"""The signed-in identity kept in the signed-cookie session.

Only a compact record is stored (no tokens: a Cognito refresh token alone is ~1.7 KB and the whole
cookie must stay under the browsers' 4 KB). Groups are read at sign-in and hold until it expires.
"""

from __future__ import annotations

import time
from typing import Any

from accounts.identity import Identity

SESSION_KEY = "identity"
IDENTITY_LIFETIME_SECONDS = 12 * 60 * 60  # a working day; group changes apply at the next sign-in


def session_identity_store(session: Any, *, identity: Identity, now: float | None = None) -> None:
    """Remember ``identity`` in the session until it expires."""
    now = time.time() if now is None else now
    session[SESSION_KEY] = {
        "u": identity.username,
        "n": identity.display_name,
        "g": sorted(identity.groups),
        "exp": int(now) + IDENTITY_LIFETIME_SECONDS,
    }


def session_identity_load(session: Any, *, now: float | None = None) -> Identity | None:
    """Return the session's identity, or None when absent, malformed or expired."""
    record = session.get(SESSION_KEY)
    if not isinstance(record, dict):
        return None
    now = time.time() if now is None else now
    try:
        username, display_name, groups, expires_at = record["u"], record["n"], record["g"], record["exp"]
    except KeyError:
        return None
    if not (isinstance(username, str) and isinstance(display_name, str) and isinstance(groups, list)):
        return None
    if not isinstance(expires_at, int) or expires_at <= now:
        return None
    return Identity(
        user_id=username,
        username=username,
        display_name=display_name,
        groups=frozenset(str(group) for group in groups),
    )
