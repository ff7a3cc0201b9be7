"""Generated cover pictures for the demo articles: a sky, a sun and layered hills. Pure: no Django, no AWS.

Each title gets its own palette and shapes (the same title always gives the same bytes), so the
home page looks like a blog with photographs without shipping any. Pillow is imported on use: only
the demo seeding needs it.
"""

from __future__ import annotations

import hashlib
import io
import math
import random
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL.Image import Image

LANDSCAPE = (1600, 900)
PORTRAIT = (1280, 1760)  # tall: the pages show its 16:9 crop (wide enough for the 1280 px one)
JPEG_QUALITY = 85

# (sky top, sky bottom, sun, hills far -> near): dawn, noon, dusk, night, mist.
PALETTES = (
    ((255, 183, 138), (255, 236, 200), (255, 250, 235), ((232, 150, 140), (190, 110, 120), (120, 70, 95))),
    ((96, 165, 250), (210, 236, 255), (255, 248, 220), ((120, 180, 150), (70, 140, 110), (35, 95, 80))),
    ((64, 40, 110), (250, 140, 90), (255, 214, 130), ((140, 70, 110), (90, 45, 90), (45, 25, 60))),
    ((12, 20, 48), (60, 80, 140), (235, 235, 250), ((40, 55, 100), (28, 38, 75), (15, 20, 45))),
    ((180, 200, 210), (235, 240, 240), (255, 255, 250), ((160, 180, 185), (120, 145, 150), (80, 105, 110))),
)


def _gradient(size: tuple[int, int], top: tuple[int, int, int], bottom: tuple[int, int, int]) -> Image:
    from PIL import Image as pil

    width, height = size
    # A 1-pixel-wide column, stretched: the whole sky costs one resize.
    column = pil.new("RGB", (1, height))
    for y in range(height):
        t = y / max(1, height - 1)
        column.putpixel((0, y), tuple(round(a + (b - a) * t) for a, b in zip(top, bottom, strict=True)))
    return column.resize((width, height))


def _ridge(rng: random.Random, width: int, base: float, amplitude: float) -> list[tuple[float, float]]:
    """Return the outline of a hill range: a sum of a few sines at random phases."""
    waves = [(rng.uniform(0.5, 3.0), rng.uniform(0, math.tau), rng.uniform(0.3, 1.0)) for _ in range(3)]
    points = []
    for x in range(0, width + 20, 20):
        offset = sum(w * math.sin(f * x / width * math.tau + p) for f, p, w in waves) / 2.3
        points.append((float(x), base + amplitude * offset))
    return points


def cover_jpeg(title: str, *, size: tuple[int, int] = LANDSCAPE) -> bytes:
    """Return a JPEG picture of ``size`` for ``title``: deterministic, a few tens of kilobytes."""
    from PIL import ImageDraw

    seed = int.from_bytes(hashlib.sha256(title.encode()).digest()[:8], "big")
    rng = random.Random(seed)
    sky_top, sky_bottom, sun, hills = PALETTES[seed % len(PALETTES)]
    width, height = size
    image = _gradient(size, sky_top, sky_bottom)
    draw = ImageDraw.Draw(image)
    radius = min(width, height) * rng.uniform(0.08, 0.14)
    cx, cy = width * rng.uniform(0.2, 0.8), height * rng.uniform(0.25, 0.45)
    draw.ellipse((cx - radius, cy - radius, cx + radius, cy + radius), fill=sun)
    for layer, colour in enumerate(hills):
        base = height * (0.55 + 0.13 * layer)
        outline = _ridge(rng, width, base, height * (0.12 - 0.025 * layer))
        draw.polygon([*outline, (float(width), float(height)), (0.0, float(height))], fill=colour)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True)
    return buffer.getvalue()
