from __future__ import annotations

from collections.abc import Iterator

import pytest

from cloud.local.bootstrap import LocalStack
from cloud.local.stack import ephemeral_stack
from conftest import TEST_PORT


@pytest.fixture(scope="session")
def local_stack() -> Iterator[LocalStack]:
    """Start the emulator once, create every resource, and tell the app the Cognito ids."""
    with ephemeral_stack(TEST_PORT) as stack:
        yield stack


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    """Each test starts with an empty latest-articles cache."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(scope="session")
def live_server_url(local_stack: LocalStack) -> Iterator[str]:
    """Serve the Django app (with static files) on a free port in a background thread."""
    import threading
    from socketserver import ThreadingMixIn
    from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.core.wsgi import get_wsgi_application

    class ThreadingServer(ThreadingMixIn, WSGIServer):
        daemon_threads = True

    class QuietHandler(WSGIRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

    server = make_server(
        "127.0.0.1", 0, StaticFilesHandler(get_wsgi_application()), ThreadingServer, QuietHandler
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()


CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Debian's Chromium driven by Playwright (Playwright cannot download its own browsers here)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()
