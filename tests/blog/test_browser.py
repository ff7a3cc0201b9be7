"""The reader's and author's way through the blog in a real browser (Debian's Chromium, Playwright):
sign in as ``author``, publish with a preview, find it on the home page, like it from two browser
contexts (2), reload (still 2), like again from the first (still 2); and the form without JavaScript."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from playwright.sync_api import expect

from cloud.local.bootstrap import DEMO_AUTHOR_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("local_stack")]


def _count(page: Any) -> str:
    return str(page.inner_text("form.like-form .like-count"))


def _console_errors(page: Any) -> list[str]:
    """Collect script errors and CSP violations (not the favicon's 404)."""
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "console",
        lambda message: errors.append(message.text) if "Content Security Policy" in message.text else None,
    )
    return errors


def test_publish_and_like_from_two_browsers(browser: Any, live_server_url: str) -> None:
    base = live_server_url
    title = f"Browser article {uuid.uuid4().hex[:8]}"
    first_context, second_context, no_js_context = (
        browser.new_context(),
        browser.new_context(),
        browser.new_context(java_script_enabled=False),
    )
    try:
        writer = first_context.new_page()
        errors = _console_errors(writer)
        writer.goto(f"{base}/accounts/sign-in/?next=/write/")
        writer.fill("input[name=username]", "author")
        writer.fill("input[name=password]", DEMO_AUTHOR_PASSWORD)
        writer.click("main form button[type=submit]")
        writer.wait_for_url(f"{base}/write/")

        writer.fill("input[name=title]", title)
        writer.fill("textarea[name=body]", "Hello from **Chromium**.")
        # The preview follows the typing (rendered by the server); no button to press.
        expect(writer.locator(".preview .article-body strong")).to_have_text("Chromium")
        assert (
            writer.inner_html(".preview .article-body").strip()
            == "<p>Hello from <strong>Chromium</strong>.</p>"
        )
        writer.click("button[name=action][value=publish]")
        writer.wait_for_url(f"{base}/articles/**")
        article_url = writer.url
        assert writer.inner_text("article h1") == title

        writer.goto(f"{base}/")
        writer.click(f"text={title}")
        writer.wait_for_url(article_url)
        assert _count(writer) == "0"

        writer.click("form.like-form .like-button")
        expect(writer.locator("form.like-form .like-count")).to_have_text("1")
        assert writer.inner_text("form.like-form .like-button") == "Unlike"

        reader = second_context.new_page()
        reader.goto(article_url)
        assert _count(reader) == "1"
        reader.click("form.like-form .like-button")
        expect(reader.locator("form.like-form .like-count")).to_have_text("2")

        writer.reload()
        assert _count(writer) == "2"
        assert writer.inner_text("form.like-form .like-button") == "Unlike"
        # Like again from the first browser (the API, as a script would): still 2.
        answer = writer.evaluate(
            """async () => {
                const form = document.querySelector('form.like-form');
                const token = form.querySelector('input[name=csrfmiddlewaretoken]').value;
                const page = form.querySelector('input[name=page_token]').value;
                const headers = {'X-CSRFToken': token, 'X-Page-Token': page};
                const response = await fetch(form.dataset.api, {method: 'POST', headers: headers});
                return await response.json();
            }"""
        )
        assert answer == {"liked": True, "like_count": 2}
        writer.reload()
        assert _count(writer) == "2"

        plain = no_js_context.new_page()
        plain.goto(article_url)
        plain.click("form.like-form .like-button")
        plain.wait_for_url(article_url)
        assert _count(plain) == "3"
        assert plain.inner_text("form.like-form .like-button") == "Unlike"
        assert errors == []  # no CSP violation, no script error
    finally:
        for context in (first_context, second_context, no_js_context):
            context.close()
