"""Signing in and out in a real browser (Debian's Chromium through Playwright)."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("local_stack")]


def sign_in(page: Any, base: str, *, username: str, password: str, next_url: str) -> None:
    page.goto(f"{base}/accounts/sign-in/?next={next_url}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("form.account-form button[type=submit]")


def test_sign_in_guarded_page_and_sign_out(page: Any, live_server_url: str, make_user) -> None:
    user = make_user(groups=("authors",), display_name="Browser Author")
    page.goto(f"{live_server_url}/test/author/")
    assert "/accounts/sign-in/?next=/test/author/" in page.url  # sent to sign in first

    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", "wrong-pass-1")
    page.click("form.account-form button[type=submit]")
    assert "Incorrect username or password." in page.inner_text("main")

    page.fill("input[name=password]", user.password)
    page.click("form.account-form button[type=submit]")
    page.wait_for_url(f"{live_server_url}/test/author/")
    assert page.inner_text("body") == "author page"

    page.goto(f"{live_server_url}/accounts/sign-up/")
    assert page.inner_text(".site-header .who") == "Browser Author"
    page.click(".site-header form.sign-out button")  # Sign out (a POST with the CSRF token)
    page.goto(f"{live_server_url}/accounts/sign-up/")
    assert page.locator(".site-header .who").count() == 0
    page.goto(f"{live_server_url}/test/author/")
    assert "/accounts/sign-in/" in page.url


def test_the_pages_break_no_content_security_rule(page: Any, live_server_url: str) -> None:
    violations: list[str] = []
    page.on("console", lambda message: violations.append(message.text) if message.type == "error" else None)
    for path in (
        "/accounts/sign-in/",
        "/accounts/sign-up/",
        "/accounts/confirm/",
        "/accounts/forgot-password/",
    ):
        page.goto(f"{live_server_url}{path}")
    assert violations == []
