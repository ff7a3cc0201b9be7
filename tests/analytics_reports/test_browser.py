"""The page in Chromium: sign in as admin, open a report, change the date range, see it redrawn."""

from __future__ import annotations

from typing import Any

import pytest

from cloud.local.bootstrap import DEMO_ADMIN_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("lake")]


def test_changing_the_date_range_redraws_the_chart_and_table(browser: Any, live_server_url: str) -> None:
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    # Failed requests (but the browser's own favicon probe: no favicon is served in tests).
    page.on(
        "response",
        lambda r: (
            errors.append(f"{r.status} {r.url}") if r.status >= 400 and "favicon" not in r.url else None
        ),
    )
    try:
        page.goto(
            f"{live_server_url}/accounts/sign-in/?next=/analytics/%3Freport%3Dactivity%26start%3D2001-03-10%26end%3D2001-03-16"
        )
        page.fill("input[name=username]", "admin")
        page.fill("input[name=password]", DEMO_ADMIN_PASSWORD)
        page.click("form.account-form button[type=submit]")  # not the header's search form
        page.wait_for_url("**/analytics/**")
        assert page.locator("#report-title").inner_text() == "Activity"
        # static/js/charts.js draws the chart (no inline script): a point per day, a line per series.
        page.wait_for_selector("#chart svg[data-points='7']")
        assert page.locator("#chart svg polyline").count() == 4
        assert page.locator("#run-table tbody tr").count() == 7

        page.fill("#start", "2001-03-11")
        page.fill("#end", "2001-03-13")
        page.click("#report-form button[type=submit]")
        page.wait_for_selector("#chart svg[data-points='3']")
        assert page.locator("#run-table tbody tr").count() == 3
        assert page.locator("#run-table tbody tr").first.inner_text().split("\t")[:3] == [
            "2001-03-11",
            "0",
            "2",
        ]
        assert "start=2001-03-11" in page.url
        assert "start=2001-03-11" in (page.locator("#csv-link").get_attribute("href") or "")

        page.select_option("#report", "devices")
        page.click("#report-form button[type=submit]")
        page.wait_for_selector("#chart svg[data-type='bar'][data-points='3']")
        assert page.locator("#chart svg rect.bar").count() == 6  # visitors and previous_visitors
        assert page.locator("#report-title").inner_text() == "Devices"
        assert errors == []
    finally:
        context.close()
