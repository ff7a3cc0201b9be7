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
    """Return the width renditions (not the cover crops) by (width, format)."""
    return {(r.width, r.format): r for r in result.renditions if not r.crop}


def widths_only(result: RenditionSet) -> list[Rendition]:
    return [r for r in result.renditions if not r.crop]


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
    assert [(r.width, r.height, r.format) for r in widths_only(result)] == [
        (200, 400, "jpeg"),
        (200, 400, "webp"),
    ]
    for rendition in result.renditions:
        assert_no_metadata(rendition)
    for rendition in widths_only(result):
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
    sizes = sorted({(r.width, r.height) for r in widths_only(result)})
    assert sizes == [(320, 240), (640, 480), (1000, 750)]
    assert {r.format for r in result.renditions} == {"webp", "jpeg"}
    for rendition in result.renditions:
        assert opened(rendition).size == (rendition.width, rendition.height)
        assert opened(rendition).format == rendition.format.upper()


def test_large_jpeg_reduced_while_decoding_gets_exact_sizes() -> None:
    result = image_renditions(images.jpeg_progressive((4000, 3000)))
    assert sorted({(r.width, r.height) for r in widths_only(result)}) == [
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


def test_one_pixel_image_is_refused_as_too_small() -> None:
    with pytest.raises(ImageRejected) as error:
        image_renditions(images.tiny())
    assert "too small" in error.value.reason


def test_wide_panorama_keeps_its_aspect() -> None:
    result = image_renditions(images.panorama())
    assert sorted({(r.width, r.height) for r in widths_only(result)}) == [
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


# --- Renditions as data, cover crops -------------------------------------------------------------


def test_specs_parse_into_operations() -> None:
    from uploads.renditions import RENDITION_SPECS, RenditionSpec, parse_spec

    assert parse_spec("width-640") == RenditionSpec(operation="width", width=640)
    assert parse_spec("fill-1280x720|format-webp") == RenditionSpec(
        operation="fill", width=1280, height=720, format="webp"
    )
    assert parse_spec("fill-1280x720").crop == "16x9"
    for bad in ("width-0", "height-200", "fill-10", "width-640|format-gif", "width-640 "):
        with pytest.raises(ValueError, match="Not a rendition spec"):
            parse_spec(bad)
    assert [parse_spec(spec).operation for spec in RENDITION_SPECS].count("fill") == 2
    # Every rendition made says which spec it is.
    result = image_renditions(images.jpeg_progressive((2000, 1500)))
    specs = {r.spec for r in result.renditions}
    assert "width-640|format-webp" in specs
    assert "fill-1280x720|format-jpeg" in specs


def test_cover_crop_box_follows_the_focal_point() -> None:
    from uploads.renditions import cover_crop_box

    # A portrait 1000 x 2000 cropped to 16:9: full width, 562 high, where the focal point is.
    assert cover_crop_box(width=1000, height=2000, aspect=(16, 9), focal=(0.5, 0.5)) == (0, 719, 1000, 1281)
    assert cover_crop_box(width=1000, height=2000, aspect=(16, 9), focal=(0.5, 0.0)) == (0, 0, 1000, 562)
    assert cover_crop_box(width=1000, height=2000, aspect=(16, 9), focal=(0.5, 1.0)) == (0, 1438, 1000, 2000)
    # A wide panorama: full height, the width around the focal point, kept inside the image.
    assert cover_crop_box(width=8000, height=400, aspect=(16, 9), focal=(0.9, 0.5)) == (6844, 0, 7555, 400)
    assert cover_crop_box(width=8000, height=400, aspect=(16, 9), focal=(1.0, 0.5)) == (7289, 0, 8000, 400)


def test_cover_crops_are_never_distorted_or_upscaled() -> None:
    # Left half red, right half blue, 2400 x 600: a 16:9 crop is 1067 x 600, around the focal point.
    wide = images.two_halves_bytes((2400, 600))
    left = image_renditions(wide, focal=(0.1, 0.5))
    crops = [r for r in left.renditions if r.crop]
    # 1280x720 would need an upscale: it becomes the 1067x600 crop itself; 640x360 is scaled down.
    assert sorted({(r.width, r.height) for r in crops}) == [(640, 360), (1067, 600)]
    assert {r.format for r in crops} == {"webp", "jpeg"}
    for rendition in crops:
        image = opened(rendition)
        assert image.size == (rendition.width, rendition.height)
        assert rendition.crop == "16x9"
        assert close(px(image, (5, image.height // 2)), images.RED)
        assert close(px(image, (image.width - 5, image.height // 2)), images.RED)
    right = next(
        r for r in image_renditions(wide, focal=(0.9, 0.5)).renditions if r.crop and r.format == "jpeg"
    )
    assert close(px(opened(right), (5, 100)), images.BLUE)
    centre = next(r for r in image_renditions(wide).renditions if r.crop and r.format == "jpeg")
    image = opened(centre)
    assert close(px(image, (5, 100)), images.RED)
    assert close(px(image, (image.width - 5, 100)), images.BLUE)
    large = image_renditions(images.jpeg_progressive((4000, 3000)))
    assert sorted({(r.width, r.height) for r in large.renditions if r.crop}) == [(640, 360), (1280, 720)]


def test_png_renditions_are_never_larger_than_the_original() -> None:
    for data in (images.png_palette(), images.png_alpha()):
        result = image_renditions(data)
        pngs = [r for r in result.renditions if r.format == "png"]
        for rendition in pngs:
            assert len(rendition.data) <= len(data), rendition.spec
