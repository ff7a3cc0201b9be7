"""Upload through the page in a real browser, watch progress and status, show it in an article."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from bench.renditions import photo_like_jpeg
from cloud.local import sqs_runner
from cloud.local.bootstrap import DEMO_AUTHOR_PASSWORD
from tests.uploads import images

pytestmark = [pytest.mark.browser]

# Record every status the upload rows go through (Playwright's init scripts are not subject to CSP).
RECORD_STATUSES = """
window.__statuses = [];
new MutationObserver(function (changes) {
  changes.forEach(function (change) {
    var node = change.target.nodeType === 3 ? change.target.parentNode : change.target;
    if (node && node.hasAttribute && node.hasAttribute("data-upload-status")) {
      window.__statuses.push(node.textContent);
    }
  });
}).observe(document, {subtree: true, childList: true, characterData: true});
"""


@pytest.fixture
def upload_runner(local_stack: object) -> Iterator[None]:
    """The local SQS event-source runner, as `make run` starts it."""
    stop = threading.Event()
    thread = threading.Thread(target=sqs_runner.run, args=(stop,), kwargs={"poll_seconds": 1}, daemon=True)
    thread.start()
    yield
    stop.set()
    thread.join(timeout=10)


def test_upload_with_progress_then_picture_in_an_article(
    page: Any, live_server_url: str, upload_runner: None
) -> None:
    console_errors: list[str] = []
    page.on(
        "console",
        lambda message: (
            console_errors.append(f"{message.text} {message.location['url']}")
            if message.type == "error"
            else None
        ),
    )
    page.add_init_script(RECORD_STATUSES)

    page.goto(f"{live_server_url}/accounts/sign-in/?next=/images/")
    page.fill("input[name=username]", "author")
    page.fill("input[name=password]", DEMO_AUTHOR_PASSWORD)
    page.click("form.account-form button[type=submit]")
    page.wait_for_url(f"{live_server_url}/images/")

    page.set_input_files(
        "#upload-files",
        [
            {"name": "harbour.jpg", "mimeType": "image/jpeg", "buffer": photo_like_jpeg(size=(2400, 1600))},
            {"name": "notes.jpg", "mimeType": "image/jpeg", "buffer": images.text_named_jpg()},
        ],
    )
    photo_row = page.locator(".upload-item", has_text="harbour.jpg")
    text_row = page.locator(".upload-item", has_text="notes.jpg")
    photo_row.and_(page.locator("[data-status=ready]")).wait_for(timeout=30_000)
    text_row.and_(page.locator("[data-status=failed]")).wait_for(timeout=30_000)

    assert photo_row.locator("progress").get_attribute("value") == "100"
    statuses = page.evaluate("window.__statuses")
    assert any(status.startswith("uploading") for status in statuses), statuses
    assert "processing" in statuses
    assert "2400 \u00d7 1600 px" in photo_row.inner_text()
    thumb = photo_row.locator("img.upload-thumb")
    thumb.wait_for()
    page.wait_for_function("img => img.complete && img.naturalWidth === 320", arg=thumb.element_handle())
    assert "not an image we can read" in text_row.inner_text()

    image_id = photo_row.get_attribute("data-image-id")
    assert image_id

    # The image is listed on reload, with its renditions.
    page.reload()
    assert "2400 \u00d7 1600 px" in page.locator(f".image-item[data-image-id='{image_id}']").inner_text()

    # Publish an article that shows it, with the same image as cover.
    title = f"Harbour {uuid.uuid4().hex[:8]}"
    page.goto(f"{live_server_url}/write/")
    page.fill("#id_title", title)
    page.fill("#id_body", f"The harbour at dusk.\n\n![The harbour at dusk](image:{image_id})\n")
    # The cover field is hidden (chosen from the picker): set it as the picker would.
    page.eval_on_selector("#id_cover_image_id", "(input, id) => { input.value = id; }", image_id)
    page.click("button[name=action][value=publish]")
    page.wait_for_url(f"{live_server_url}/articles/**")
    picture = page.locator("picture", has=page.locator("img[alt='The harbour at dusk']"))
    assert picture.locator("source[type='image/webp']").count() == 1
    img = picture.locator("img")
    img.scroll_into_view_if_needed()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=img.element_handle())
    assert img.get_attribute("width") == "1920"
    assert img.get_attribute("height") == "1280"
    # No CSP violation, no failed request (the site has no favicon: not this test's business).
    assert [error for error in console_errors if "/favicon.ico" not in error] == []


def test_the_editor_uploads_inserts_sets_the_cover_and_publishes(
    page: Any, live_server_url: str, upload_runner: None
) -> None:
    page.goto(f"{live_server_url}/accounts/sign-in/?next=/write/")
    page.fill("input[name=username]", "author")
    page.fill("input[name=password]", DEMO_AUTHOR_PASSWORD)
    page.click("form.account-form button[type=submit]")
    page.wait_for_url(f"{live_server_url}/write/")

    page.fill("#id_title", f"Dot {uuid.uuid4().hex[:8]}")
    page.fill("#id_body", "First paragraph.")
    page.set_input_files(
        "#picker-files", [{"name": "dot.png", "mimeType": "image/png", "buffer": images.png_alpha()}]
    )
    row = page.locator(".upload-item", has_text="dot.png")
    row.and_(page.locator("[data-status=ready]")).wait_for(timeout=30_000)
    image_id = row.get_attribute("data-image-id")
    item = page.locator(f".picker-item[data-image-id='{image_id}']")
    item.wait_for()

    # The picker asks for a description: empty is refused unless marked decorative.
    item.locator("[data-picker-insert]").click()
    expect(item.locator("[role=alert]")).to_have_text("Describe the image, or mark it decorative.")
    assert page.input_value("#id_body") == "First paragraph."
    item.locator("[data-picker-alt]").fill("A [red] dot")
    item.locator("[data-picker-insert]").click()
    assert page.input_value("#id_body") == f"First paragraph.\n\n![A \\[red\\] dot](image:{image_id})\n\n"
    item.locator("[data-picker-cover]").click()
    assert page.input_value("#id_cover_image_id") == image_id
    # The preview shows the picture and the cover thumbnail, rendered by the server.
    expect(page.locator("[data-preview-body] img[alt='A [red] dot']")).to_have_count(1)
    expect(page.locator("[data-cover-thumb] img")).to_have_count(1)

    page.click("button[name=action][value=publish]")
    page.wait_for_url(f"{live_server_url}/articles/**")
    # A transparent PNG: WebP and PNG renditions, no JPEG.
    picture = page.locator("picture", has=page.locator("img[alt='A [red] dot']"))
    assert picture.locator("source[type='image/webp']").count() == 1
    assert ".png" in (picture.locator("img").get_attribute("srcset") or "")
    assert page.locator("meta[property='og:image']").count() == 1
