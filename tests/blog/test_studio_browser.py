"""A new writer's first article, in a real browser (Debian's Chromium through Playwright).

Sign up, confirm, ask to write; an admin (a second browser) grants it; at the writer's next request,
without signing in again, they write a draft with a tag and an uploaded picture, see the live
preview render it, and schedule it. Everything runs against the emulator: Cognito for the accounts,
S3 and the upload queue (the local SQS runner) for the picture, DynamoDB for the article.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from playwright.sync_api import expect

from cloud.local.bootstrap import DEMO_ADMIN_PASSWORD
from tests.uploads import images
from tests.uploads.test_browser import upload_runner  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("local_stack")]


def sign_in(page: Any, base: str, username: str, password: str, *, next_url: str) -> None:
    page.goto(f"{base}/accounts/sign-in/?next={next_url}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("form.account-form button[type=submit]")
    page.wait_for_url(f"{base}{next_url}")


def test_a_new_writer_asks_is_granted_and_schedules_a_tagged_illustrated_draft(
    browser: Any,
    live_server_url: str,
    upload_runner: None,  # noqa: F811
) -> None:
    base = live_server_url
    username, password = f"w{uuid.uuid4().hex[:10]}", "writer-pass-1"
    title, tag = f"First steps {uuid.uuid4().hex[:6]}", f"debut-{uuid.uuid4().hex[:4]}"
    writer_context, admin_context = browser.new_context(), browser.new_context()
    try:
        writer = writer_context.new_page()
        errors: list[str] = []
        writer.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

        # Sign up and confirm (the emulator's Cognito takes any code).
        writer.goto(f"{base}/accounts/sign-up/")
        writer.fill("input[name=username]", username)
        writer.fill("input[name=email]", f"{username}@example.com")
        writer.fill("input[name=display_name]", "Ada Newcomer")
        writer.fill("input[name=password]", password)
        writer.fill("input[name=password_again]", password)
        writer.click("form.account-form button[type=submit]")
        writer.wait_for_url(f"{base}/accounts/confirm/**")
        writer.fill("input[name=code]", "123456")
        writer.click("form.account-form button[type=submit]")
        writer.wait_for_url(f"{base}/accounts/sign-in/")
        sign_in(writer, base, username, password, next_url="/accounts/request-access/")

        # A reader cannot write yet: they ask.
        writer.goto(f"{base}/write/")
        expect(writer.locator("main a[href='/accounts/request-access/']")).to_be_visible()
        errors.clear()  # the browser logs that page's 403 status, as it should
        writer.goto(f"{base}/accounts/request-access/")
        writer.fill("#id_reason", "Notes on learning to draw.")
        writer.click("main form button[type=submit]")
        expect(writer.locator("main")).to_contain_text("An admin will decide")

        # The admin sees the request on their users page and grants it.
        admin = admin_context.new_page()
        sign_in(admin, base, "admin", DEMO_ADMIN_PASSWORD, next_url="/accounts/users/")
        request = admin.locator(f"[data-request='{username}']")
        expect(request).to_contain_text("Notes on learning to draw.")
        request.locator("button[value=grant-authors]").click()
        admin.wait_for_url(f"{base}/accounts/users/**")
        expect(admin.locator(f"[data-request='{username}']")).to_have_count(0)

        # The writer's next request may write: no new sign-in.
        writer.goto(f"{base}/write/")
        expect(writer.locator("#id_title")).to_be_visible()
        writer.fill("#id_title", title)
        writer.fill("#id_tags", f"{tag}, Drawing")
        writer.fill("#id_body", "My first **sketch**.")
        expect(writer.locator("[data-preview-body] strong")).to_have_text("sketch")  # live, from the server

        writer.set_input_files(
            "#picker-files",
            [{"name": "sketch.png", "mimeType": "image/png", "buffer": images.two_halves_bytes((640, 480))}],
        )
        row = writer.locator(".upload-item", has_text="sketch.png")
        row.and_(writer.locator("[data-status=ready]")).wait_for(timeout=30_000)
        image_id = row.get_attribute("data-image-id")
        item = writer.locator(f".picker-item[data-image-id='{image_id}']")
        item.locator("[data-picker-alt]").fill("A red and blue sketch")
        item.locator("[data-picker-insert]").click()
        expect(writer.locator("[data-preview-body] img[alt='A red and blue sketch']")).to_have_count(1)

        writer.click("button[name=action][value=draft]")
        expect(writer.locator("[data-editor-state]")).to_have_text("draft")

        # Schedule it a day ahead (UTC, the field's zone).
        when = (datetime.now(UTC) + timedelta(days=1)).replace(second=0, microsecond=0)
        writer.fill("#id_publish_at", when.strftime("%Y-%m-%dT%H:%M"))
        writer.click("button[name=action][value=schedule]")
        writer.wait_for_url(f"{base}/me/articles/")  # My articles, with what was done
        expect(writer.locator("main")).to_contain_text(f"Scheduled: “{title}” goes public at")
        row_of_mine = writer.locator("tr", has_text=title)
        expect(row_of_mine).to_have_attribute("data-status", "scheduled")
        expect(row_of_mine.locator("time").first).to_have_attribute("datetime", when.isoformat())
        expect(row_of_mine).to_contain_text(tag)
        expect(row_of_mine).to_contain_text("drawing")  # tags normalised

        # Not public before its time: not on the home page, not on its tag page.
        reader = browser.new_context().new_page()
        reader.goto(f"{base}/")
        expect(reader.locator("main")).not_to_contain_text(title)
        assert reader.goto(f"{base}/tags/{tag}/").status == 404
        assert errors == []  # no CSP violation, no script error
    finally:
        writer_context.close()
        admin_context.close()
