"""Images made by the tests themselves: every awkward case a blog's uploads meet."""

from __future__ import annotations

import io
import struct
import zlib

from PIL import Image

GPS_IFD = 0x8825
ORIENTATION = 0x0112
RED, BLUE = (220, 20, 20), (20, 20, 220)


def _save(image: Image.Image, fmt: str, **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def two_halves(
    size: tuple[int, int], left: tuple[int, ...] = RED, right: tuple[int, ...] = BLUE
) -> Image.Image:
    """Left half ``left``, right half ``right``: shows which way an image was turned."""
    image = Image.new("RGB", size, right)
    image.paste(left, (0, 0, size[0] // 2, size[1]))
    return image


def two_halves_bytes(size: tuple[int, int]) -> bytes:
    return _save(two_halves(size), "PNG")


def jpeg_rotated_with_gps() -> bytes:
    """A 400x200 JPEG whose EXIF says 'rotate 90° clockwise to show' (6) and where it was taken."""
    exif = Image.Exif()
    exif[ORIENTATION] = 6
    exif[0x010F] = "TestCam"  # Make
    gps = exif.get_ifd(GPS_IFD)
    gps.update({1: "N", 2: (52.0, 31.0, 12.0), 3: "E", 4: (13.0, 24.0, 36.0)})
    return _save(two_halves((400, 200)), "JPEG", exif=exif.tobytes(), quality=95, comment=b"secret comment")


def jpeg_progressive(size: tuple[int, int] = (1000, 750)) -> bytes:
    return _save(two_halves(size), "JPEG", progressive=True, quality=90)


def jpeg_cmyk() -> bytes:
    return _save(Image.new("CMYK", (300, 200), (0, 230, 230, 0)), "JPEG", quality=95)  # red ink


def png_alpha() -> bytes:
    image = Image.new("RGBA", (800, 600), (20, 120, 20, 255))
    image.paste((0, 0, 0, 0), (0, 0, 400, 600))  # left half fully transparent
    return _save(image, "PNG")


def png_16bit_grey() -> bytes:
    """A 16-bit grey PNG: left half 0x8000 (mid grey), right half 0xFFFF (white)."""
    left, right = struct.pack("<H", 0x8000) * 300, struct.pack("<H", 0xFFFF) * 300
    image = Image.frombytes("I;16", (600, 400), (left + right) * 400)
    assert image.getpixel((0, 0)) == 0x8000
    return _save(image, "PNG")


def png_palette() -> bytes:
    return _save(two_halves((500, 300)).convert("P", palette=Image.Palette.ADAPTIVE, colors=4), "PNG")


def gif_animated() -> bytes:
    first = Image.new("RGB", (200, 100), RED).convert("P")
    second = Image.new("RGB", (200, 100), BLUE).convert("P")
    return _save(first, "GIF", save_all=True, append_images=[second], duration=100, loop=0)


def webp(size: tuple[int, int] = (700, 500)) -> bytes:
    return _save(two_halves(size), "WEBP", quality=90)


def tiny() -> bytes:
    """A 1x1 PNG: refused as too small for a rendition set."""
    return _save(Image.new("RGB", (1, 1), RED), "PNG")


def small() -> bytes:
    """The smallest image that gets renditions (uploads.renditions.MIN_SIDE)."""
    return _save(Image.new("RGB", (16, 16), RED), "PNG")


def panorama() -> bytes:
    return _save(two_halves((8000, 400)), "JPEG", quality=85)


def jpeg_truncated() -> bytes:
    data = jpeg_progressive((1200, 900))
    return data[: len(data) // 2]


def jpeg_truncated_large() -> bytes:
    """Large enough that the decoder works at a reduced DCT scale, where truncation must still show."""
    data = jpeg_progressive((4000, 3000))
    return data[: len(data) * 2 // 3]


def png_truncated() -> bytes:
    data = png_alpha()
    return data[: len(data) // 2]


def png_bomb(width: int = 20000, height: int = 20000) -> bytes:
    """A tiny PNG whose header claims ``width`` x ``height`` pixels (a decompression bomb)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    rows = zlib.compress(b"\x00" * (1 + 3 * width) * 4)  # a few rows; the rest would be inflated
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")


def text_named_jpg() -> bytes:
    return b"Dear diary, today I uploaded a text file called holiday.jpg.\n" * 10


def svg() -> bytes:
    return (
        b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
        b'<script>alert(1)</script><rect width="10" height="10"/></svg>'
    )
