"""Rules for text and numbers from outside, shared by the API, the forms and the services.

Free of Django and AWS, so domain modules can use them.
"""

from __future__ import annotations

import re

# C0 controls, DEL and C1 controls, lone surrogates (JSON can carry "\ud800"; UTF-8 cannot) and the
# two non-characters: XML 1.0 cannot hold them (the Atom feed would fail) and no page shows them.
_NOT_TEXT = "\x7f-\x9f\ud800-\udfff\ufffe\uffff"
CONTROL_CHARACTERS = f"[\x00-\x1f{_NOT_TEXT}]"
# Multi-line text (an article's Markdown) keeps tab, newline and carriage return.
CONTROL_CHARACTERS_MULTILINE = f"[\x00-\x08\x0b\x0c\x0e-\x1f{_NOT_TEXT}]"
CONTROL_CHARACTERS_PROBLEM = "Use printable characters only (no control characters)."

# The same rules as JSON Schema patterns (ECMA-262 and Python ``re`` both read ``\uXXXX``), for the
# OpenAPI document: text without control characters, and text that is not only whitespace either.
_C = r"\u0000-\u001f\u007f-\u009f"
_CM = r"\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f"
TEXT_PATTERN = f"^[^{_C}]*$"
NONBLANK_TEXT_PATTERN = f"^[^{_C}]*[^\\s{_C}][^{_C}]*$"
NONBLANK_MULTILINE_PATTERN = f"^[^{_CM}]*[^\\s{_CM}][^{_CM}]*$"


def control_characters_problem(value: str, *, multiline: bool = False) -> str | None:
    """Return the field error for control characters in ``value``, or None when there are none."""
    # Patterns, not compiled at import: ``re`` compiles each on first use and keeps it. They take
    # ~1 ms to compile, which a cold start serving a page that validates nothing need not pay.
    pattern = CONTROL_CHARACTERS_MULTILINE if multiline else CONTROL_CHARACTERS
    return CONTROL_CHARACTERS_PROBLEM if re.search(pattern, value) else None


def whole_number(value: object) -> int | None:
    """Return ``value`` as an int when it is a JSON whole number (``88`` or ``88.0``), else None.

    JSON Schema's ``integer`` is any number without a fraction, so ``88.0`` is one; ``true`` is not.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None
