from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from accounts.identity import request_identity


def identity(request: HttpRequest) -> dict[str, Any]:
    """Put the signed-in identity (or None) into every template as ``identity``."""
    return {"identity": request_identity(request)}
