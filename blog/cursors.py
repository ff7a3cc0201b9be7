"""Opaque page cursors: base64 of DynamoDB's ``LastEvaluatedKey``, checked on the way back in.

A cursor comes from outside, so it is validated like any input: the right key names, string values
of sane length, and the partition it must stay in. A bad cursor is the caller's mistake (400).
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping

from blog.domain import InvalidCursor

MAX_CURSOR_CHARS = 1024  # four short key attributes; anything longer is not ours
MAX_KEY_VALUE_CHARS = 200


def cursor_encode(key: Mapping[str, Mapping[str, str]]) -> str:
    """Return the opaque cursor for a DynamoDB key (``{"pk": {"S": "..."}, ...}``)."""
    compact = {name: value["S"] for name, value in sorted(key.items())}
    raw = json.dumps(compact, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def cursor_decode(
    cursor: str, *, names: frozenset[str], fixed: Mapping[str, str]
) -> dict[str, dict[str, str]]:
    """Return the DynamoDB key in ``cursor``: exactly ``names``, with ``fixed`` attributes as given."""
    if not cursor or len(cursor) > MAX_CURSOR_CHARS:
        raise InvalidCursor()
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        data = json.loads(raw)
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise InvalidCursor() from None
    if not isinstance(data, dict) or set(data) != names:
        raise InvalidCursor()
    for name, value in data.items():
        if not isinstance(value, str) or not 0 < len(value) <= MAX_KEY_VALUE_CHARS:
            raise InvalidCursor()
        if name in fixed and value != fixed[name]:
            raise InvalidCursor()
    return {name: {"S": value} for name, value in data.items()}
