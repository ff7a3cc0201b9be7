"""image bytes -> renditions, without AWS: every awkward upload processed right or refused with its reason."""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageOps

from tests.uploads import images
from uploads.domain import MAX_BYTES
from uploads.renditions import (
    WIDTHS,
    ImageRejected,
    Rendition,
    RenditionSet,
    image_renditions,
    rendition_key,
    rendition_widths,
)


def opened(rendition: Rendition) -> Image.Image:
    image = Image.open(io.BytesIO(rendition.data))
    image.load()
    return image


def px(image: Image.Image, xy: tuple[int, int]) -> tuple[int, ...]:
    """Return a pixel as a tuple (one value for grey images)."""
    value = image.getpixel(xy)
    assert value is not None
    return tuple(value) if isinstance(value, tuple) else (int(value),)


def by_key(result: RenditionSet) -> dict[tuple[int, str], Rendition]:
    return {(r.width, r.format): r for r in result.renditions}


def assert_no_metadata(rendition: Rendition) -> None:
    image = opened(rendition)
    assert not image.getexif(), rendition.spec
    for key in ("exif", "icc_profile", "xmp", "comment", "XML:com.adobe.xmp"):
        assert key not in image.info, (rendition.spec, key)
    assert b"Exif" not in rendition.data
    assert b"secret comment" not in rendition.data


def close(pixel: tuple[int, ...], expected: tuple[int, ...], tolerance: int = 40) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, expected, strict=False))


def test_rendition_widths_never_upscale() -> None:
    assert rendition_widths(4000) == WIDTHS
    assert rendition_widths(1920) == WIDTHS
    assert rendition_widths(1000) == (320, 640, 1000)
    assert rendition_widths(320) == (320,)
    assert rendition_widths(1) == (1,)


def test_exif_orientation_applied_and_gps_dropped() -> None:
    result = image_renditions(images.jpeg_rotated_with_gps())
    # Stored 400x200 with orientation 6: shown upright as 200 wide, 400 high.
    assert (result.width, result.height) == (200, 400)
    assert [(r.width, r.height, r.format) for r in result.renditions] == [
        (200, 400, "jpeg"),
        (200, 400, "webp"),
    ]
    for rendition in result.renditions:
        assert_no_metadata(rendition)
        upright = opened(rendition).convert("RGB")
        # Turned clockwise, the stored left (red) half is now on top, the blue below.
        assert close(px(upright, (100, 50)), images.RED), rendition.spec
        assert close(px(upright, (100, 350)), images.BLUE), rendition.spec


@pytest.mark.parametrize("orientation", range(1, 9))
def test_every_orientation_matches_pillows_exif_transpose(orientation: int) -> None:
    # An asymmetric RGBA PNG (PNG out: lossless, so pixels compare exactly).
    original = Image.new("RGBA", (30, 20), (0, 0, 255, 255))
    original.paste((255, 0, 0, 255), (0, 0, 10, 5))
    original.paste((0, 255, 0, 128), (25, 15, 30, 20))
    exif = Image.Exif()
    exif[images.ORIENTATION] = orientation
    buffer = io.BytesIO()
    original.save(buffer, "PNG", exif=exif.tobytes())
    expected = ImageOps.exif_transpose(Image.open(io.BytesIO(buffer.getvalue())))
    assert expected is not None

    png = by_key(image_renditions(buffer.getvalue()))[(expected.width, "png")]
    assert opened(png).convert("RGBA").tobytes() == expected.convert("RGBA").tobytes()


def test_progressive_jpeg_gets_every_width_exactly() -> None:
    result = image_renditions(images.jpeg_progressive((1000, 750)))
    sizes = sorted({(r.width, r.height) for r in result.renditions})
    assert sizes == [(320, 240), (640, 480), (1000, 750)]
    assert {r.format for r in result.renditions} == {"webp", "jpeg"}
    for rendition in result.renditions:
        assert opened(rendition).size == (rendition.width, rendition.height)
        assert opened(rendition).format == rendition.format.upper()


def test_large_jpeg_reduced_while_decoding_gets_exact_sizes() -> None:
    result = image_renditions(images.jpeg_progressive((4000, 3000)))
    assert sorted({(r.width, r.height) for r in result.renditions}) == [
        (320, 240),
        (640, 480),
        (1280, 960),
        (1920, 1440),
    ]
    largest = opened(by_key(result)[(1920, "jpeg")]).convert("RGB")
    assert close(px(largest, (900, 700)), images.RED)  # the halves stay where they were
    assert close(px(largest, (1020, 700)), images.BLUE)


def test_cmyk_jpeg_becomes_rgb_with_its_colour() -> None:
    result = image_renditions(images.jpeg_cmyk())
    for rendition in result.renditions:
        image = opened(rendition)
        assert image.mode == "RGB"
        assert close(px(image, (150, 100)), (255, 25, 25), tolerance=50), px(image, (150, 100))


def test_png_with_alpha_keeps_transparency_as_png_and_webp() -> None:
    result = image_renditions(images.png_alpha())
    assert result.has_alpha
    assert {r.format for r in result.renditions} == {"webp", "png"}
    for rendition in result.renditions:
        image = opened(rendition).convert("RGBA")
        assert px(image, (1, 1))[3] == 0, rendition.spec
        assert px(image, (image.width - 2, 1))[3] == 255, rendition.spec


def test_16bit_png_is_scaled_not_clipped() -> None:
    result = image_renditions(images.png_16bit_grey())
    jpeg = by_key(result)[(600, "jpeg")]
    image = opened(jpeg).convert("L")
    assert abs(px(image, (100, 200))[0] - 128) <= 3  # mid grey, not clipped to white
    assert px(image, (500, 200))[0] >= 250


def test_palette_png_becomes_rgb_jpeg() -> None:
    result = image_renditions(images.png_palette())
    assert not result.has_alpha
    jpeg = opened(by_key(result)[(500, "jpeg")])
    assert jpeg.mode == "RGB"
    assert close(px(jpeg, (50, 150)), images.RED)


def test_animated_gif_uses_its_first_frame() -> None:
    result = image_renditions(images.gif_animated())
    for rendition in result.renditions:
        assert close(px(opened(rendition).convert("RGB"), (100, 50)), images.RED)


def test_webp_upload() -> None:
    result = image_renditions(images.webp((700, 500)))
    assert sorted(by_key(result)) == [
        (320, "jpeg"),
        (320, "webp"),
        (640, "jpeg"),
        (640, "webp"),
        (700, "jpeg"),
        (700, "webp"),
    ]
    assert by_key(result)[(320, "webp")].height == 229  # 500 * 320 / 700 = 228.57


def test_one_pixel_image() -> None:
    result = image_renditions(images.tiny())
    assert [(r.width, r.height) for r in result.renditions] == [(1, 1), (1, 1)]


def test_wide_panorama_keeps_its_aspect() -> None:
    result = image_renditions(images.panorama())
    assert sorted({(r.width, r.height) for r in result.renditions}) == [
        (320, 16),
        (640, 32),
        (1280, 64),
        (1920, 96),
    ]


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (images.jpeg_truncated(), "truncated"),
        (images.png_truncated(), "truncated"),
        (images.jpeg_truncated_large(), "truncated"),
        (images.png_bomb(), "400 megapixels; the limit is 50 megapixels"),
        (images.png_bomb(8000, 7000), "8000 x 7000 pixels (56 megapixels); the limit is 50 megapixels"),
        (images.text_named_jpg(), "not an image"),
        (images.svg(), "SVG images are not accepted"),
        (b"", "empty"),
        (b"\xff\xd8" + b"\0" * MAX_BYTES, "the limit is 20 MB"),
    ],
    ids=[
        "truncated",
        "truncated-png",
        "truncated-draft-scale",
        "bomb",
        "over-50-megapixels",
        "text",
        "svg",
        "empty",
        "too-large",
    ],
)
def test_refused_with_a_reason(data: bytes, reason: str) -> None:
    with pytest.raises(ImageRejected) as refused:
        image_renditions(data)
    assert reason in refused.value.reason


def test_same_input_gives_same_bytes_and_keys() -> None:
    first = image_renditions(images.jpeg_rotated_with_gps())
    second = image_renditions(images.jpeg_rotated_with_gps())
    assert first == second
    key = rendition_key(image_id="abc", rendition=first.renditions[0])
    assert key.startswith("renditions/abc/")
    assert key.endswith("-200w.jpg")
    assert first.renditions[0].digest[:32] in key
