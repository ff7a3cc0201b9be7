"""In Chromium: browse three pages as a reader, then see them in the admin's reports.

Headless Chromium says "HeadlessChrome" in its User-Agent, which the count rightly takes for a bot;
the reader's context uses a desktop Chrome User-Agent instead.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from accounts.identity import Identity
from blog import services as blog_services
from cloud.local.bootstrap import DEMO_ADMIN_PASSWORD
from cloud.resources import GROUP_AUTHORS

pytestmark = [pytest.mark.browser]

DESKTOP = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"


@pytest.fixture(autouse=True)
def _fresh_listings(monkeypatch: pytest.MonkeyPatch) -> None:
    from analytics.engines import duckdb as duckdb_engine

    monkeypatch.setattr(duckdb_engine, "LISTING_TTL_SECONDS", 0.0)


def test_three_pages_browsed_are_in_the_reports(browser: Any, live_server_url: str) -> None:
    author = Identity(
        user_id="author", username="author", display_name="Arthur Author", groups=frozenset({GROUP_AUTHORS})
    )
    title = f"Browsed {uuid.uuid4().hex[:8]}"
    article = blog_services.article_publish(author=author, title=title, body="Read in a browser.")
    paths = ["/", f"/articles/{article.slug}/", "/authors/author/"]

    reader = browser.new_context(user_agent=DESKTOP)
    page = reader.new_page()
    try:
        for path in paths:
            with page.expect_response(lambda r: r.url.endswith("/collect")) as sent:
                page.goto(f"{live_server_url}{path}?utm_source=browser-test")
            assert sent.value.status == 204
    finally:
        reader.close()

    admin = browser.new_context()
    page = admin.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.goto(f"{live_server_url}/accounts/sign-in/?next=/analytics/%3Freport%3Dtop-pages")
        page.fill("input[name=username]", "admin")
        page.fill("input[name=password]", DEMO_ADMIN_PASSWORD)
        page.click("form.account-form button[type=submit]")  # not the header's search form
        page.wait_for_url("**/analytics/**")
        page.wait_for_selector("#run-table tbody tr")
        table = page.locator("#run-table").inner_text()
        for path in paths:
            assert f"{path}\t" in table, (path, table)
        # The article's title links to it (through the id-to-slug redirect).
        link = page.locator("#run-table a", has_text=title)
        assert link.get_attribute("href") == f"/analytics/articles/{article.id}/"
        assert page.locator("#country").is_enabled()

        page.select_option("#report", "sources")
        page.click("#report-form button[type=submit]")
        page.wait_for_selector("#run-table td:text-is('browser-test')")

        page.select_option("#report", "countries")  # a report without a country filter
        assert page.locator("#country").is_disabled()
        page.select_option("#report", "top-pages")
        page.fill("#end", "0001-01-01")
        page.click("#report-form button[type=submit]")
        page.wait_for_selector("#form-error:has-text('end')")
        assert page.locator("#run-table").count() == 0  # the old result is gone with the error
        assert page.locator("#realtime-visitors").inner_text().isdigit()

        page.set_viewport_size({"width": 390, "height": 800})
        page.goto(f"{live_server_url}/analytics/?report=top-pages")
        page.wait_for_selector("#run-table")
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, overflow
        assert page.locator("[id=report]").count() == 1
        assert errors == []
    finally:
        admin.close()
