"""The site under a script prefix: through the API's execute-api host, Zappa serves it at ``/<stage>/``.

Zappa passes the stage as ``SCRIPT_NAME`` for a request to an ``*.amazonaws.com`` host (zappa/handler.py)
and leaves it empty for the stage's own domain. Every URL a page hands the browser must then carry
the prefix: links, form actions, static files, the URLs the scripts fetch (``data-root`` on <html>,
read by static/js). Here with execute-api host events, signed in as an admin so
every navigation link shows, through Zappa's handler (its generated settings, this process's
environment); tests/deploy/test_packaged_environment.py does the same through the packaged handler.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import set_script_prefix

from accounts.identity import Identity
from blog import services
from cloud.local.bootstrap import LocalStack
from cloud.local.lambda_runtime import api_gateway_event, lambda_context, load_zappa_handler, response_body
from cloud.resources import GROUP_ADMINS, GROUP_AUTHORS
from tests.blog.conftest import signed_in
from tools.package_run import SMOKE_API_HOST, SMOKE_HOST

from .page_urls import page_urls, root_relative_without

PREFIX = "/production"  # the stage, as Zappa's handler adds it (zappa_settings.json: "production")


@pytest.fixture
def handler(local_stack: LocalStack, settings: Any) -> Iterator[Callable[..., dict[str, Any]]]:
    settings.ALLOWED_HOSTS = [*django_settings.ALLOWED_HOSTS, SMOKE_API_HOST, SMOKE_HOST]
    lambda_handler = load_zappa_handler("production")

    def call(path: str, *, cookie: str = "", host: str = SMOKE_API_HOST) -> dict[str, Any]:
        headers = {"Host": host, **({"Cookie": cookie} if cookie else {})}
        return dict(lambda_handler(api_gateway_event("GET", path, headers=headers), lambda_context()))

    yield call
    set_script_prefix("/")  # Django's test client never resets the thread's prefix; later tests use it


def test_every_url_of_the_pages_carries_the_stage_prefix(handler: Callable[..., dict[str, Any]]) -> None:
    admin = Identity(
        user_id="prefix-admin",
        username="prefix-admin",
        display_name="Ada",
        groups=frozenset({GROUP_AUTHORS, GROUP_ADMINS}),
    )
    article = services.article_publish(author=admin, title=f"Prefixed {uuid.uuid4().hex[:8]}", body="Hello.")
    session = signed_in(Client(), admin).cookies[django_settings.SESSION_COOKIE_NAME].value
    pages = ("/", f"/articles/{article.slug}/", "/write/", "/images/", "/analytics/", "/search/?q=x")
    for path in (*pages, "/no-such-page/"):
        response = handler(path, cookie=f"{django_settings.SESSION_COOKIE_NAME}={session}")
        assert response["statusCode"] in (200, 404), (path, response["statusCode"])
        found = page_urls(response_body(response).decode())
        assert found.root == f"{PREFIX}/", path  # what static/js builds its fetch and beacon URLs on
        assert any(name == "src" and url.startswith(f"{PREFIX}/static/") for _, name, url in found.urls), path
        assert root_relative_without(PREFIX, found.urls) == [], path
    # Static URLs name real files under the prefix (API Gateway sends the path without the stage).
    # Checked against the static files, not fetched: in a full run WhiteNoise's file list was made
    # by an earlier test, before any collectstatic (the packaged check serves them for real).
    from django.contrib.staticfiles import finders

    home = page_urls(response_body(handler("/")).decode())
    css = next(url for _, _, url in home.urls if url.endswith(".css"))
    assert css.startswith(f"{PREFIX}/static/"), css
    assert finders.find(css.removeprefix(f"{PREFIX}/static/")), css
    # The feed and the sitemap give absolute URLs on the host and under the prefix.
    for path in ("/feed.atom", "/sitemap.xml"):
        body = response_body(handler(path)).decode()
        assert f"https://{SMOKE_API_HOST}{PREFIX}/articles/{article.slug}/" in body, path
        assert f"https://{SMOKE_API_HOST}/articles/" not in body, path


def test_through_the_stage_domain_urls_stay_at_the_root(handler: Callable[..., dict[str, Any]]) -> None:
    handler("/")  # the execute-api host first: its prefix must not stick to the thread
    found = page_urls(response_body(handler("/", host=SMOKE_HOST)).decode())
    assert found.root == "/"
    assert any(url.startswith("/static/") for _, _, url in found.urls)


def test_the_scripts_build_their_urls_from_data_root() -> None:
    scripts = Path(__file__).resolve().parents[2] / "static" / "js"
    for script in sorted(scripts.glob("*.js")):
        source = script.read_text()
        # A root-relative URL written into a script would miss the prefix: they start from ROOT.
        assert not re.search(r"""["'](/api/|/collect)""", source), script.name
