"""Upload rules without AWS: requests, file names, keys."""

from __future__ import annotations

import pytest

from uploads.domain import ImageInvalid, parse_raw_key, raw_key, safe_filename, upload_request_validate


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("holiday.jpg", "holiday.jpg"),
        ("My holiday (1).JPG", "My-holiday-1.JPG"),
        ("C:\\Users\\ann\\Pictures\\cat.png", "cat.png"),
        ("../../etc/passwd", "passwd"),
        ("Ünïcödé café.webp", "Unicode-cafe.webp"),
        ("....", "image"),
        ("no-extension", "no-extension"),
        ("日本.gif", "image.gif"),
        ("a" * 300 + ".jpeg", "a" * 95 + ".jpeg"),
    ],
)
def test_safe_filename(given: str, expected: str) -> None:
    assert safe_filename(given) == expected


def test_raw_key_round_trip() -> None:
    key = raw_key(owner_id="ann+1@example", image_id="0" * 32, filename="My cat.png")
    assert key == f"uploads/raw/ann+1@example/{'0' * 32}/My-cat.png"
    parts = parse_raw_key(key)
    assert parts is not None
    assert (parts.owner_id, parts.image_id, parts.filename) == ("ann+1@example", "0" * 32, "My-cat.png")


@pytest.mark.parametrize(
    "key",
    [
        "renditions/x.webp",
        "uploads/raw/ann/not-an-id/cat.png",
        "uploads/raw/ann/" + "0" * 32,
        "uploads/raw/ann/" + "0" * 32 + "/a/b.png",
        "uploads/raw//" + "0" * 32 + "/cat.png",
    ],
)
def test_keys_not_handed_out_are_not_parsed(key: str) -> None:
    assert parse_raw_key(key) is None


def test_upload_request_accepts_the_four_formats() -> None:
    for content_type in ("image/jpeg", "image/png", "image/webp", "image/gif"):
        assert upload_request_validate(filename=" a.x ", content_type=content_type, size=1) == (
            "a.x",
            content_type,
            1,
        )


@pytest.mark.parametrize(
    ("fields", "problems", "too_large"),
    [
        ({"filename": ""}, {"filename": "Give the file's name."}, False),
        ({"filename": 7}, {"filename": "Give the file's name."}, False),
        ({"content_type": "image/svg+xml"}, {"content_type": "SVG images are not accepted"}, False),
        ({"content_type": "image/tiff"}, {"content_type": "'image/tiff' is not accepted"}, False),
        ({"content_type": None}, {"content_type": "Give the file's content type"}, False),
        ({"size": 0}, {"size": "The file is empty."}, False),
        ({"size": True}, {"size": "Give the file's size in bytes"}, False),
        ({"size": 1.5}, {"size": "Give the file's size in bytes"}, False),
        ({"size": 20 * 1024 * 1024 + 1}, {"size": "The file is 20.0 MB; the limit is 20 MB."}, True),
    ],
)
def test_upload_request_refusals(fields: dict, problems: dict[str, str], too_large: bool) -> None:
    request = {"filename": "a.jpg", "content_type": "image/jpeg", "size": 10, **fields}
    with pytest.raises(ImageInvalid) as refused:
        upload_request_validate(**request)
    assert set(refused.value.fields) == set(problems)
    for name, start in problems.items():
        assert refused.value.fields[name].startswith(start)
    assert refused.value.too_large is too_large
