"""The images JSON API (Bearer tokens from the emulator's Cognito), the pages, and pictures."""

from __future__ import annotations

import base64
import json
import re
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
import requests
from django.test import Client

from cloud.local.bootstrap import DEMO_ADMIN_PASSWORD, DEMO_AUTHOR_PASSWORD
from tests.uploads import images
from tests.uploads.conftest import delete_article_items, put_article, receive_notification, sqs_event
from uploads import pictures
from uploads.handler import handle
from uploads.services import UploadTicket

Uploaded = Callable[..., tuple[UploadTicket, dict[str, Any]]]


def token(client: Client, username: str, password: str) -> str:
    response = client.post(
        "/api/auth/token", {"username": username, "password": password}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    return str(response.json()["access_token"])


@pytest.fixture
def author_api(local_stack: object) -> Client:
    client = Client()
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {token(client, 'author', DEMO_AUTHOR_PASSWORD)}"
    return client


@pytest.fixture
def author_browser(local_stack: object) -> Client:
    """A signed-in author's session, through the real sign-in page."""
    client = Client(enforce_csrf_checks=True)
    page = client.get("/accounts/sign-in/")
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())
    assert csrf
    response = client.post(
        "/accounts/sign-in/",
        {"username": "author", "password": DEMO_AUTHOR_PASSWORD, "csrfmiddlewaretoken": csrf[1]},
    )
    assert response.status_code == 302, response.content[:500]
    return client


def create(client: Client, **fields: Any) -> Any:
    body = {"filename": "cat.png", "content_type": "image/png", "size": 1000, **fields}
    return client.post("/api/images", json.dumps(body), content_type="application/json")


def upload_through_api(client: Client, data: bytes, *, content_type: str = "image/png") -> str:
    response = create(client, content_type=content_type, size=len(data))
    assert response.status_code == 201, response.content
    answer = response.json()
    assert answer["image"]["status"] == "processing"
    upload = answer["upload"]
    sent = requests.post(
        upload["url"],
        data=upload["fields"],
        files={upload["file_field"]: ("x", data, content_type)},
        timeout=30,
    )
    assert sent.status_code in (200, 201, 204)
    key = upload["fields"]["key"]
    assert key.startswith("uploads/raw/author/")
    handle(sqs_event(receive_notification(key)))
    return str(answer["image"]["id"])


def test_api_upload_status_list_delete(author_api: Client) -> None:
    image_id = upload_through_api(author_api, images.png_alpha())

    detail = author_api.get(f"/api/images/{image_id}")
    assert detail.status_code == 200
    image = detail.json()
    assert image["status"] == "ready"
    assert image["error"] is None
    assert (image["width"], image["height"]) == (800, 600)
    assert {(r["width"], r["height"], r["crop"]) for r in image["renditions"] if r["crop"]} == {
        (640, 360, "16x9"),
        (800, 450, "16x9"),  # 1280x720 from an 800-wide image: never upscaled
    }
    assert sorted((r["width"], r["format"]) for r in image["renditions"] if not r["crop"]) == [
        (320, "png"),
        (320, "webp"),
        (640, "png"),
        (640, "webp"),
        (800, "png"),
        (800, "webp"),
    ]
    assert all(requests.get(r["url"], timeout=10).status_code == 200 for r in image["renditions"])
    assert image["markdown"] == f"![cat](image:{image_id})"

    listed = author_api.get("/api/images").json()["images"]
    assert image_id in [i["id"] for i in listed]

    assert author_api.delete(f"/api/images/{image_id}").status_code == 204
    assert author_api.get(f"/api/images/{image_id}").status_code == 404


def test_presigned_post_policy(author_api: Client) -> None:
    """The emulator does not enforce POST policies, so check what S3 would enforce."""
    upload = create(author_api, filename="Sunset at sea.webp", content_type="image/webp", size=5000).json()[
        "upload"
    ]
    fields = upload["fields"]
    assert fields["Content-Type"] == "image/webp"
    assert re.fullmatch(r"uploads/raw/author/[0-9a-f]{32}/Sunset-at-sea\.webp", fields["key"])
    policy = json.loads(base64.b64decode(fields["policy"]))
    conditions = policy["conditions"]
    assert ["content-length-range", 1, 20 * 1024 * 1024] in conditions
    assert ["starts-with", "$Content-Type", "image/"] in conditions
    assert {"key": fields["key"]} in conditions
    expires = datetime.fromisoformat(policy["expiration"].replace("Z", "+00:00"))
    assert 240 <= (expires - datetime.now(UTC)).total_seconds() <= 300


def test_api_refuses_bad_requests(author_api: Client, local_stack: object) -> None:
    assert Client().get("/api/images").status_code == 401
    assert Client().post("/api/images", "{}", content_type="application/json").status_code == 401

    svg = create(author_api, content_type="image/svg+xml")
    assert svg.status_code == 400
    assert "SVG" in svg.json()["error"]["fields"]["content_type"]
    too_big = create(author_api, size=30 * 1024 * 1024)
    assert too_big.status_code == 413
    assert "the limit is 20 MB" in too_big.json()["error"]["fields"]["size"]
    extra = create(author_api, owner_id="admin")
    assert extra.status_code == 400
    assert extra.json()["error"]["fields"] == {"owner_id": "Unknown field."}
    assert create(author_api, size="12").status_code == 400
    assert author_api.get("/api/images/not-an-id").status_code == 404


def test_api_hides_other_peoples_images(author_api: Client, local_stack: object) -> None:
    admin = Client()
    admin.defaults["HTTP_AUTHORIZATION"] = f"Bearer {token(admin, 'admin', DEMO_ADMIN_PASSWORD)}"
    image_id = create(admin).json()["image"]["id"]
    assert author_api.get(f"/api/images/{image_id}").status_code == 404
    assert author_api.delete(f"/api/images/{image_id}").status_code == 404
    assert admin.get(f"/api/images/{image_id}").status_code == 200


def test_cookie_requests_need_the_csrf_token(author_browser: Client) -> None:
    assert create(author_browser).status_code == 403  # no X-CSRFToken: a cross-site page cannot upload
    csrf = author_browser.cookies["csrftoken"].value
    response = author_browser.post(
        "/api/images",
        json.dumps({"filename": "a.jpg", "content_type": "image/jpeg", "size": 10}),
        content_type="application/json",
        headers={"X-CSRFToken": csrf},
    )
    assert response.status_code == 201


def test_openapi_documents_the_images_api(local_stack: object) -> None:
    document = Client().get("/api/openapi.json").json()
    assert set(document["paths"]["/api/images"]) == {"get", "post"}
    assert set(document["paths"]["/api/images/{image_id}"]) >= {"get", "delete"}
    assert "ImageUpload" in document["components"]["schemas"]


def test_my_images_page(author_browser: Client, author_api: Client) -> None:
    assert Client().get("/images/").status_code == 302  # anonymous: to sign-in
    image_id = upload_through_api(author_api, images.jpeg_progressive((800, 600)), content_type="image/jpeg")

    page = author_browser.get("/images/")
    assert page.status_code == 200
    html = page.content.decode()
    assert f'data-image-id="{image_id}"' in html
    assert "800 \u00d7 600 px" in html
    assert f"![cat](image:{image_id})" in html
    assert "/static/js/upload.js" in html
    csp = page["Content-Security-Policy"]
    media_origin = re.match(
        r"https?://[^/]+", author_api.get(f"/api/images/{image_id}").json()["renditions"][0]["url"]
    )
    assert media_origin
    assert f"connect-src 'self' {media_origin[0]}" in csp  # the browser may POST to storage

    csrf = author_browser.cookies["csrftoken"].value
    title = f"Shown here {uuid.uuid4().hex[:6]}"
    # A stand-in article item (the attributes uploads reads), removed at once: the demo author is shared.
    put_article(owner_id="author", title=title, body=f"![x](image:{image_id})", ttl=int(time.time()) + 3600)
    try:
        refused = author_browser.post(
            f"/images/{image_id}/delete/", {"csrfmiddlewaretoken": csrf}, follow=True
        )
        api_refused = author_api.delete(f"/api/images/{image_id}")
    finally:
        delete_article_items(owner_id="author", title=title)
    assert f"This image is used by “{title}”. Remove it from there first." in refused.content.decode()
    assert api_refused.status_code == 409
    assert api_refused.json()["error"]["code"] == "image_in_use"
    assert api_refused.json()["error"]["fields"]["articles"] == title

    deleted = author_browser.post(f"/images/{image_id}/delete/", {"csrfmiddlewaretoken": csrf}, follow=True)
    assert "The image and its renditions are deleted." in deleted.content.decode()
    assert author_api.get(f"/api/images/{image_id}").status_code == 404


def test_pictures_contract(uploaded: Uploaded, owner_id: str) -> None:
    ticket, message = uploaded(images.jpeg_progressive((2400, 1600)))
    image_id = ticket.image.id
    assert pictures.picture_html(image_id, alt="x") is None  # still processing
    handle(sqs_event(message))

    html = pictures.picture_html(
        image_id, alt='A "quoted" <b>cat</b>', sizes="(min-width: 46rem) 46rem, 100vw"
    )
    assert html is not None
    assert html.startswith('<picture><source type="image/webp" srcset="')
    assert html.count(" 320w") == 2  # once in the WebP srcset, once in the JPEG one
    assert html.count(" 1920w") == 2
    assert 'sizes="(min-width: 46rem) 46rem, 100vw"' in html
    assert 'width="1920" height="1280"' in html
    assert 'loading="lazy" decoding="async"' in html
    assert "fetchpriority" not in html
    eager = pictures.picture_html(image_id, alt="x", eager=True)
    assert eager is not None
    assert '<img src="' in eager
    assert 'loading="eager" fetchpriority="high"' in eager  # a page's first cover: its likely LCP
    assert "lazy" not in eager
    assert eager.replace('loading="eager" fetchpriority="high"', 'loading="lazy" decoding="async"') == (
        pictures.picture_html(image_id, alt="x")
    )
    assert 'alt="A &quot;quoted&quot; &lt;b&gt;cat&lt;/b&gt;"' in html
    assert "<b>" not in html

    og = pictures.og_image_url(image_id)
    assert og is not None
    assert og.startswith("http")
    assert og.endswith("-1280w.jpg")
    assert pictures.is_ready_image_of(image_id, owner_id=owner_id)
    assert not pictures.is_ready_image_of(image_id, owner_id="someone-else")
    assert not pictures.is_ready_image_of("0" * 32, owner_id=owner_id)
    assert pictures.picture_html("../../etc", alt="") is None
