"""WhiteNoise, imported and built by the first request for a static file rather than at start-up.

Building WhiteNoise's middleware stats every collected file (each with its gzip and Brotli copies)
and builds its headers: ~3 ms of every cold start (55 files here), and importing it ~2.5 ms more,
which a page need not pay. Browsers ask for the CSS after the page, usually of a warm instance.
Files are served under ``STATIC_URL`` only (``WHITENOISE_ROOT`` is not used here).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse


class LazyWhiteNoiseMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        folder = urlsplit(settings.STATIC_URL).path.strip("/")
        self.static_prefix = f"/{folder}/" if folder else "/"  # as WhiteNoise reads it
        self._whitenoise: Callable[[HttpRequest], HttpResponse] | None = None
        self._building = threading.Lock()

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info.startswith(self.static_prefix):
            return self.whitenoise(request)
        return self.get_response(request)

    @property
    def whitenoise(self) -> Callable[[HttpRequest], HttpResponse]:
        """WhiteNoise's middleware, made once (a concurrent request waits until it is whole)."""
        with self._building:
            if self._whitenoise is None:
                from whitenoise.middleware import WhiteNoiseMiddleware

                self._whitenoise = WhiteNoiseMiddleware(self.get_response)
            return self._whitenoise
