"""The author's focal point: the cover crops cut again around it, from the upload kept in S3.

Every image is a real presigned POST to the emulator's S3 and processed by the real handler; the
crops are read back from S3 and looked at (which half of a red|blue picture they show).
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable
from typing import Any

import pytest
import requests
from django.test import Client
from PIL import Image

from cloud import aws
from cloud.resources import RENDITION_PREFIX
from tests.uploads import images
from tests.uploads.conftest import sqs_event
from tests.uploads.test_api_and_pages import author_api, author_browser, upload_through_api  # noqa: F401
from uploads import services, storage
from uploads.domain import FOCAL_CENTRE, ImageChanged, ImageInvalid, ImageNotFound, ImageRecord
from uploads.handler import handle
from uploads.repository import ImageRepository

Uploaded = Callable[..., tuple[services.UploadTicket, dict[str, Any]]]
RED_BLUE = (2000, 500)  # a wide picture, left half red, right half blue: a 16:9 crop shows one side


def ready_image(uploaded: Uploaded) -> ImageRecord:
    ticket, message = uploaded(
        images.two_halves_bytes(RED_BLUE), filename="halves.png", content_type="image/png"
    )
    assert handle(sqs_event(message)) == {"batchItemFailures": []}
    return ImageRepository().get(ticket.image.id)


def crop_colour(image: ImageRecord) -> set[str]:
    """The colours ("red", "blue") at the left and right edges of every cover crop."""
    seen = set()
    for rendition in image.renditions:
        if rendition.crop:
            picture = Image.open(io.BytesIO(storage.object_read(rendition.key))).convert("RGB")
            for x in (2, picture.width - 3):
                r, g, b = picture.getpixel((x, picture.height // 2))  # type: ignore[misc]
                seen.add("red" if r > 128 > b else "blue" if b > 128 > r else f"{r},{g},{b}")
    return seen


def stored_keys(image_id: str) -> set[str]:
    listed = aws.client("s3").list_objects_v2(
        Bucket=aws.names().media_bucket, Prefix=f"{RENDITION_PREFIX}{image_id}/"
    )
    return {item["Key"] for item in listed.get("Contents", [])}


def test_new_image_is_cropped_around_the_centre_and_the_author_moves_it(
    uploaded: Uploaded, owner_id: str
) -> None:
    image = ready_image(uploaded)
    assert image.focal == FOCAL_CENTRE
    assert crop_colour(image) == {"red", "blue"}  # the centre crop straddles the halves
    whole_before = [r for r in image.renditions if not r.crop]
    crops_before = {r.key for r in image.renditions if r.crop}

    left = services.image_focal_point_set(image_id=image.id, owner_id=owner_id, x=0.0, y=0.5)
    assert left.focal == (0.0, 0.5)
    assert crop_colour(left) == {"red"}
    assert [r for r in left.renditions if not r.crop] == whole_before  # only the crops are cut again
    assert {(r.width, r.height, r.format) for r in left.renditions if r.crop} == {
        (r.width, r.height, r.format) for r in image.renditions if r.crop
    }

    right = services.image_focal_point_set(image_id=image.id, owner_id=owner_id, x=1.0, y=0.5)
    assert crop_colour(right) == {"blue"}
    # The replaced crops stay (pages cached elsewhere may still show them) until the image goes.
    assert stored_keys(image.id) == {r.key for r in right.renditions} | crops_before | {
        r.key for r in left.renditions
    }
    services.image_delete(image_id=image.id, owner_id=owner_id)
    assert stored_keys(image.id) == set()


def test_bad_points_and_other_peoples_images_are_refused(uploaded: Uploaded, owner_id: str) -> None:
    image = ready_image(uploaded)
    with pytest.raises(ImageInvalid) as refused:
        services.image_focal_point_set(image_id=image.id, owner_id=owner_id, x=1.5, y=-0.1)
    assert set(refused.value.fields) == {"x", "y"}
    with pytest.raises(ImageNotFound):
        services.image_focal_point_set(image_id=image.id, owner_id="someone-else", x=0.2, y=0.2)
    assert ImageRepository().get(image.id) == image  # nothing changed


def test_a_change_that_loses_the_race_is_not_recorded(uploaded: Uploaded, owner_id: str) -> None:
    image = ready_image(uploaded)

    class RacedRepository(ImageRepository):
        """The emulator's real table, with another author's change landing just before ours."""

        def replace_renditions(self, image: ImageRecord, **change: Any) -> ImageRecord:
            services.image_focal_point_set(image_id=image.id, owner_id=owner_id, x=1.0, y=0.5)
            return super().replace_renditions(image, **change)

    with pytest.raises(ImageChanged):
        services.image_focal_point_set(
            image_id=image.id, owner_id=owner_id, x=0.0, y=0.5, repository=RacedRepository()
        )
    winner = ImageRepository().get(image.id)
    assert winner.focal == (1.0, 0.5)
    assert crop_colour(winner) == {"blue"}
    assert {r.key for r in winner.renditions} <= stored_keys(image.id)
    services.image_delete(image_id=image.id, owner_id=owner_id)
    assert stored_keys(image.id) == set()  # the loser's files went with the image


def test_api_sets_the_focal_point(author_api: Client) -> None:  # noqa: F811
    image_id = upload_through_api(author_api, images.two_halves_bytes(RED_BLUE))
    url = f"/api/images/{image_id}/focal-point"

    moved = author_api.put(url, json.dumps({"x": 0.25, "y": 1}), content_type="application/json")
    assert moved.status_code == 200, moved.content
    assert moved.json()["focal_point"] == {"x": 0.25, "y": 1.0}
    assert author_api.get(f"/api/images/{image_id}").json()["focal_point"] == {"x": 0.25, "y": 1.0}

    wrong = author_api.put(url, json.dumps({"x": 2, "y": "top"}), content_type="application/json")
    assert wrong.status_code == 400
    fields = wrong.json()["error"]["fields"]
    assert set(fields) == {"x", "y"}
    assert "from 0" in fields["x"]
    missing = author_api.put(url, json.dumps({"x": 0.5}), content_type="application/json")
    assert missing.status_code == 400
    assert "y" in missing.json()["error"]["fields"]
    unknown = author_api.put(
        f"/api/images/{'0' * 32}/focal-point", json.dumps({"x": 0, "y": 0}), content_type="application/json"
    )
    assert unknown.status_code == 404
    assert author_api.delete(f"/api/images/{image_id}").status_code == 204


def test_my_images_page_sets_the_focal_point(author_browser: Client, author_api: Client) -> None:  # noqa: F811
    image_id = upload_through_api(author_api, images.two_halves_bytes(RED_BLUE))
    page = author_browser.get("/images/").content.decode()
    form = re.search(rf'action="/images/{image_id}/focal-point/".*?</form>', page, re.S)
    assert form
    assert 'name="x"' in form[0]
    assert 'value="50"' in form[0]
    assert "/static/js/focal-point.js" in page
    csrf = author_browser.cookies["csrftoken"].value

    done = author_browser.post(
        f"/images/{image_id}/focal-point/", {"x": "10", "y": "50", "csrfmiddlewaretoken": csrf}, follow=True
    )
    assert "The cover crops are cut around the new focal point." in done.content.decode()
    image = author_api.get(f"/api/images/{image_id}").json()
    assert image["focal_point"] == {"x": 0.1, "y": 0.5}
    crop = next(r for r in image["renditions"] if r["crop"] and r["format"] != "webp")
    picture = Image.open(io.BytesIO(requests.get(crop["url"], timeout=10).content)).convert("RGB")
    red, _, blue = picture.getpixel((picture.width - 3, picture.height // 2))  # type: ignore[misc]
    assert red > 128 > blue  # red to its right edge

    refused = author_browser.post(
        f"/images/{image_id}/focal-point/", {"x": "left", "y": "50", "csrfmiddlewaretoken": csrf}, follow=True
    )
    assert "Give the focal point as two numbers from 0 to 100." in refused.content.decode()
    over = author_browser.post(
        f"/images/{image_id}/focal-point/", {"x": "150", "y": "50", "csrfmiddlewaretoken": csrf}, follow=True
    )
    assert "A number from 0" in over.content.decode()
    assert author_api.get(f"/api/images/{image_id}").json()["focal_point"] == {"x": 0.1, "y": 0.5}
    assert author_api.delete(f"/api/images/{image_id}").status_code == 204
