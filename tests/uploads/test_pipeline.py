"""Upload -> S3 notification on SQS -> handler -> renditions in S3 and a record in DynamoDB.

Every upload is a real presigned POST to the emulator's S3, and every message the real notification
S3 put on the emulator's queue, wrapped as Lambda wraps it.
"""

from __future__ import annotations

import io
import json
import uuid
from collections.abc import Callable
from typing import Any
from urllib.parse import quote_plus

import pytest
import requests
from PIL import Image

from cloud import aws
from tests.uploads import images
from tests.uploads.conftest import event_fixture, post_file, put_article, receive_notification, sqs_event
from uploads import services, storage
from uploads.domain import STATUS_FAILED, STATUS_PROCESSING, STATUS_READY, ImageInUse, ImageNotFound
from uploads.handler import handle
from uploads.repository import ImageRepository
from uploads.storage import IMMUTABLE

Uploaded = Callable[..., tuple[services.UploadTicket, dict[str, Any]]]


def head(key: str) -> dict[str, Any]:
    return aws.client("s3").head_object(Bucket=aws.names().media_bucket, Key=key)


def exists(key: str) -> bool:
    try:
        head(key)
    except aws.client("s3").exceptions.ClientError:
        return False
    return True


def test_upload_becomes_ready_with_upright_metadata_free_renditions(uploaded: Uploaded) -> None:
    ticket, message = uploaded(images.jpeg_rotated_with_gps(), filename="Holiday at the sea.jpg")
    assert ticket.image.status == STATUS_PROCESSING

    assert handle(sqs_event(message)) == {"batchItemFailures": []}

    record = ImageRepository().get(ticket.image.id)
    assert record.status == STATUS_READY
    assert (record.width, record.height) == (200, 400)  # orientation 6 applied
    assert record.bytes == len(images.jpeg_rotated_with_gps())
    assert sorted((r.width, r.height, r.format) for r in record.renditions if not r.crop) == [
        (200, 400, "jpeg"),
        (200, 400, "webp"),
    ]
    for rendition in record.renditions:
        meta = head(rendition.key)
        assert meta["CacheControl"] == IMMUTABLE
        assert meta["ContentType"] == f"image/{rendition.format}"
        assert meta["ContentLength"] == rendition.bytes
        # What a browser gets from the rendition's URL: upright and without EXIF or GPS.
        response = requests.get(storage.object_url(rendition.key), timeout=10)
        assert response.status_code == 200
        served = Image.open(io.BytesIO(response.content))
        assert served.size == (rendition.width, rendition.height)
        assert served.size == ((200, 112) if rendition.crop else (200, 400))
        assert not served.getexif()
        assert b"Exif" not in response.content


def test_processing_twice_gives_the_same_result(uploaded: Uploaded) -> None:
    ticket, message = uploaded(images.jpeg_progressive((900, 600)))
    handle(sqs_event(message))
    first = ImageRepository().get(ticket.image.id)

    # The same message delivered again (SQS delivers at least once): nothing changes.
    assert handle(sqs_event(message)) == {"batchItemFailures": []}
    assert ImageRepository().get(ticket.image.id) == first

    # A crash after the renditions were stored but before the record said so: run again from scratch.
    aws.client("dynamodb").update_item(
        TableName=aws.names().table,
        Key={"pk": {"S": f"IMAGE#{ticket.image.id}"}, "sk": {"S": "IMAGE"}},
        UpdateExpression="SET #s = :p REMOVE renditions",
        ExpressionAttributeNames={"#s": "status"},
        ExpressionAttributeValues={":p": {"S": STATUS_PROCESSING}},
    )
    handle(sqs_event(message))
    again = ImageRepository().get(ticket.image.id)
    assert again.status == STATUS_READY
    assert again.renditions == first.renditions  # same bytes, same content-addressed keys


@pytest.mark.parametrize(
    ("data", "content_type", "reason"),
    [
        (images.text_named_jpg(), "image/jpeg", "not an image"),
        (images.jpeg_truncated(), "image/jpeg", "truncated"),
        (images.png_bomb(), "image/png", "400 megapixels; the limit is 50 megapixels"),
        (images.svg(), "image/png", "SVG images are not accepted"),
    ],
    ids=["text-named-jpg", "truncated", "bomb", "svg"],
)
def test_bad_upload_is_marked_failed_with_its_reason_and_not_retried(
    uploaded: Uploaded, data: bytes, content_type: str, reason: str
) -> None:
    ticket, message = uploaded(data, content_type=content_type)
    assert handle(sqs_event(message)) == {"batchItemFailures": []}
    record = ImageRepository().get(ticket.image.id)
    assert record.status == STATUS_FAILED
    assert reason in record.error
    assert record.renditions == ()


def test_oversize_upload_is_refused_though_the_emulator_took_it(uploaded: Uploaded) -> None:
    # The presigned POST's policy says 20 MB; the emulator does not enforce it, the processor does.
    # The client declares a small file and sends a large one.
    ticket, message = uploaded(b"\xff\xd8\xff" + b"\0" * (21 * 1024 * 1024), declared_size=1000)
    handle(sqs_event(message))
    record = ImageRepository().get(ticket.image.id)
    assert record.status == STATUS_FAILED
    assert "21.0 MB; the limit is 20 MB" in record.error


def test_keys_are_url_decoded(local_stack: object) -> None:
    # Cognito usernames may hold '+' and '@': S3 sends them percent-encoded in the notification.
    ticket = services.image_create_upload(
        owner_id=f"ann+{uuid.uuid4().hex[:6]}@example",
        owner_name="Ann",
        filename="x.webp",
        content_type="image/webp",
        size=100,
    )
    post_file(ticket, images.webp((400, 300)), content_type="image/webp")
    message = receive_notification(ticket.image.original_key)
    encoded = json.loads(message["Body"])["Records"][0]["s3"]["object"]["key"]
    for encoded_character in ("%2B", "%40", "%2F"):  # '+', '@', '/'
        assert encoded_character in encoded
    assert handle(sqs_event(message)) == {"batchItemFailures": []}
    assert ImageRepository().get(ticket.image.id).status == STATUS_READY


def test_documented_event_shape(uploaded: Uploaded) -> None:
    """The S3 -> SQS event exactly as AWS documents it (tests/events), pointing at a real upload."""
    ticket, _ = uploaded(images.png_palette(), filename="palette.png", content_type="image/png")
    s3_event = event_fixture("s3-object-created.json")
    record = s3_event["Records"][0]["s3"]
    record["bucket"]["name"] = aws.names().media_bucket
    record["object"]["key"] = quote_plus(ticket.image.original_key)
    sqs = event_fixture("sqs-s3-notification.json")
    sqs["Records"][0]["body"] = json.dumps(s3_event)
    assert handle(sqs) == {"batchItemFailures": []}
    assert ImageRepository().get(ticket.image.id).status == STATUS_READY


def test_s3_test_event_is_ignored(local_stack: object) -> None:
    sqs = event_fixture("sqs-s3-notification.json")
    sqs["Records"][0]["body"] = json.dumps(event_fixture("s3-test-event.json"))
    assert handle(sqs) == {"batchItemFailures": []}


def test_only_failed_messages_are_reported(uploaded: Uploaded, monkeypatch: pytest.MonkeyPatch) -> None:
    good_ticket, good = uploaded(images.small(), content_type="image/png")
    flaky_ticket, flaky = uploaded(images.gif_animated(), content_type="image/gif")
    poison = {"MessageId": "poison-1", "ReceiptHandle": "r", "Body": "this is not JSON"}

    # Fault injection where the emulator cannot go: S3 refuses one image's renditions, once.
    real_save = storage.rendition_save
    failed_once: list[str] = []

    def flaky_save(*, key: str, data: bytes) -> None:
        if flaky_ticket.image.id in key and not failed_once:
            failed_once.append(key)
            raise ConnectionError("S3 is having a bad minute")
        real_save(key=key, data=data)

    monkeypatch.setattr(storage, "rendition_save", flaky_save)
    result = handle(sqs_event(good, flaky, poison))
    assert sorted(f["itemIdentifier"] for f in result["batchItemFailures"]) == sorted(
        [flaky["MessageId"], "poison-1"]
    )
    assert ImageRepository().get(good_ticket.image.id).status == STATUS_READY
    assert ImageRepository().get(flaky_ticket.image.id).status == STATUS_PROCESSING

    # The retry (the message comes back after its visibility timeout) succeeds.
    assert handle(sqs_event(flaky)) == {"batchItemFailures": []}
    assert ImageRepository().get(flaky_ticket.image.id).status == STATUS_READY


def test_delete_removes_record_renditions_and_upload(uploaded: Uploaded, owner_id: str) -> None:
    ticket, message = uploaded(images.png_alpha(), content_type="image/png")
    handle(sqs_event(message))
    record = ImageRepository().get(ticket.image.id)
    keys = [r.key for r in record.renditions] + [record.original_key]
    assert all(exists(key) for key in keys)

    with pytest.raises(ImageNotFound):
        services.image_delete(image_id=record.id, owner_id="someone-else")
    services.image_delete(image_id=record.id, owner_id=owner_id)

    with pytest.raises(ImageNotFound):
        ImageRepository().get(record.id)
    assert not any(exists(key) for key in keys)
    # A late notification for the deleted upload is simply done with.
    assert handle(sqs_event(message)) == {"batchItemFailures": []}


def test_delete_refused_while_an_article_shows_the_image(uploaded: Uploaded, owner_id: str) -> None:
    cover_ticket, cover_message = uploaded(images.small(), content_type="image/png")
    body_ticket, body_message = uploaded(images.small(), content_type="image/png")
    handle(sqs_event(cover_message, body_message))
    put_article(owner_id=owner_id, title="On covers", body="Text.", cover=cover_ticket.image.id)
    put_article(owner_id=owner_id, title="Inline", body=f"See ![a tiny dot](image:{body_ticket.image.id}).")
    put_article(owner_id=owner_id, title="Long gone", body=f"![x](image:{body_ticket.image.id})", ttl=1)

    with pytest.raises(ImageInUse) as refused:
        services.image_delete(image_id=cover_ticket.image.id, owner_id=owner_id)
    assert refused.value.articles == ["On covers"]
    with pytest.raises(ImageInUse) as refused:
        services.image_delete(image_id=body_ticket.image.id, owner_id=owner_id)
    assert refused.value.articles == ["Inline"]  # the expired article no longer counts
    assert "Inline" in refused.value.message
    assert ImageRepository().get(body_ticket.image.id).is_ready


def test_delete_refused_while_a_reference_style_image_shows_it(uploaded: Uploaded, owner_id: str) -> None:
    """``![pic][r]`` with ``[r]: image:<id>`` renders the image: deleting it would break the article."""
    ticket, message = uploaded(images.small(), content_type="image/png")
    handle(sqs_event(message))
    body = f"A dot: ![a tiny dot][dot].\n\n[dot]: image:{ticket.image.id}\n"
    put_article(owner_id=owner_id, title="By reference", body=body)

    with pytest.raises(ImageInUse) as refused:
        services.image_delete(image_id=ticket.image.id, owner_id=owner_id)
    assert refused.value.articles == ["By reference"]
    assert ImageRepository().get(ticket.image.id).is_ready


def test_every_record_of_a_message_is_handled(uploaded: Uploaded) -> None:
    """The seed handled only ``Records[0]``; a notification may carry several."""
    first, first_message = uploaded(images.small(), content_type="image/png")
    second, second_message = uploaded(images.webp((500, 400)), content_type="image/webp")
    combined = json.loads(first_message["Body"])
    combined["Records"] += json.loads(second_message["Body"])["Records"]
    message = {**first_message, "Body": json.dumps(combined)}
    assert handle(sqs_event(message)) == {"batchItemFailures": []}
    assert ImageRepository().get(first.image.id).status == STATUS_READY
    assert ImageRepository().get(second.image.id).status == STATUS_READY
