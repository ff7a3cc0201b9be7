"""WhiteNoise, indexing the static files when the first one is asked for rather than at start-up.

WhiteNoise stats every collected file (each with its gzip and Brotli copies) and builds its headers
when the middleware is made: ~3 ms of every cold start (55 files here), which a page that serves no
static file need not pay. Browsers ask for the CSS after the page, usually of a warm instance.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from whitenoise.middleware import WhiteNoiseMiddleware


class LazyWhiteNoiseMiddleware(WhiteNoiseMiddleware):
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse], settings: Any = settings) -> None:
        self._unindexed: list[tuple[str, str | None]] = []
        self._indexing = threading.Lock()
        super().__init__(get_response, settings)

    def add_files(self, root: str, prefix: str | None = None) -> None:
        if prefix is None:  # WHITENOISE_ROOT: served at "/", so any request may ask for one
            super().add_files(root)
        else:
            self._unindexed.append((root, prefix))  # STATIC_ROOT: indexed by the first request below

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._unindexed and request.path_info.startswith(self.static_prefix):
            with self._indexing:  # a concurrent request must not look before the index is whole
                for root, prefix in self._unindexed:
                    super().add_files(root, prefix)
                self._unindexed.clear()
        response: HttpResponse = super().__call__(request)
        return response
