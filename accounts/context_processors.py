from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def identity(request: HttpRequest) -> dict[str, Any]:
    """Put the signed-in identity (or None) into every template as ``identity``."""
    return {"identity": getattr(request, "identity", None)}
