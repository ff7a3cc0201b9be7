from __future__ import annotations

from collections.abc import Iterator
from typing import Any

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


@pytest.fixture(autouse=True)
def _demo_sign_ins_are_not_rate_limited(request: pytest.FixtureRequest) -> Iterator[None]:
    """Let tests sign the demo users in as often as they need.

    Page, API and browser tests sign in as ``author`` or ``admin`` from 127.0.0.1, and a whole run
    does so more often than the sign-in limit allows. The limit itself is tested in tests/accounts.
    """
    if "accounts" in request.node.path.parts:
        yield
        return
    from django.test import override_settings

    with override_settings(ACCOUNTS_SIGN_IN_LIMIT=10_000, ACCOUNTS_SIGN_IN_USER_LIMIT=10_000):
        yield


@pytest.fixture(autouse=True)
def _likes_from_one_address_are_not_limited(request: pytest.FixtureRequest) -> Iterator[None]:
    """Let tests like from 127.0.0.1 as often as they need.

    Every page, API and browser test likes from the same address, far more often than the
    per-address like limits allow; tests marked ``address_limits`` keep them (tests/blog/test_like_limits.py).
    """
    if request.node.get_closest_marker("address_limits"):
        yield
        return
    from django.test import override_settings

    with override_settings(BLOG_LIKE_ADDRESS_LIMIT=10_000, BLOG_LIKE_ADDRESS_ARTICLE_LIMIT=10_000):
        yield


@pytest.fixture(autouse=True)
def _api_responses_match_the_document(monkeypatch: pytest.MonkeyPatch) -> None:
    """Check every /api/ response a test gets from the test client against /api/openapi.json."""
    from django.conf import settings
    from django.test.client import Client

    from tests.openapi_check import response_problem

    request = Client.request

    def checked(self: Client, **environ: Any) -> Any:
        response = request(self, **environ)
        path = environ.get("PATH_INFO", "")
        if path.startswith("/api/") and path != "/api/openapi.json":
            problem = response_problem(
                method=environ.get("REQUEST_METHOD", "GET"),
                path=path,
                status=response.status_code,
                content_type=response.get("Content-Type", ""),
                body=response.content,
            )
            # A test URLconf may add API paths of its own (tests/accounts/urls.py): not ours to document.
            own_urls = settings.ROOT_URLCONF != "config.urls"
            if not (own_urls and problem and problem.endswith("is not in the document")):
                assert problem is None, problem
        return response

    monkeypatch.setattr(Client, "request", checked)


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A page in a fresh browser context (its own cookies: a new visitor)."""
    context = browser.new_context()
    try:
        yield context.new_page()
    finally:
        context.close()
