"""Image bytes -> validated, oriented, metadata-free renditions. Pure: no Django, no AWS.

Renditions are described as data, as Wagtail's filter specs are: ``RENDITION_SPECS`` lists specs
such as ``width-640`` (that width, the height from the aspect) and ``fill-1280x720`` (a cover crop
to that size around the image's focal point), each optionally ``|format-webp``; ``parse_spec``
turns a spec into the operation that makes it, and every ``Rendition`` says which spec it is.
Nothing is distorted and nothing is upscaled (a crop of a small image keeps its aspect, smaller).
Speed comes from doing less work, never from lower quality targets:

- a JPEG is decoded by libjpeg at the smallest DCT scale (1/2, 1/4, 1/8) that still covers the
  largest rendition (``Image.draft``), so a 12-megapixel photo is never fully decoded;
- each rendition is resized from the previous, larger one (a chain), not from the full image;
- orientation and colour conversion happen once, on the first reduced image;
- WebP uses a faster encoder method and JPEG optimised Huffman tables, which together keep the
  total bytes at the naive pipeline's level (measured in ``bench/renditions.py``).
"""

from __future__ import annotations

import functools
import hashlib
import io
import math
import os
import re
import warnings
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from PIL import Image, ImageCms, UnidentifiedImageError

from cloud.resources import RENDITION_PREFIX
from uploads.domain import MAX_BYTES, ImageRejected

# --- Limits, each next to its reason ----------------------------------------------------------
MAX_PIXELS = 50_000_000  # ~150 MB of RGB once decoded: well inside a 1 GB Lambda, bombs refused
# The rendition set. Widths: phones, tablets, laptops, large screens (1x and 2x). Fills: covers
# cropped to 16:9 for the home page's entries and the article's header (1x and 2x of ~640 px).
RENDITION_SPECS = ("width-320", "width-640", "width-1280", "width-1920", "fill-640x360", "fill-1280x720")
# Encoding threads: Lambda gives one vCPU per 1,769 MB of memory (up to 6 at 10,240 MB); more
# threads than cores only add switching.
ENCODE_THREADS = max(1, min(6, os.cpu_count() or 1))
MIN_SIDE = 16  # smaller than a favicon: no rendition set is worth making (a 1x1 is a tracking pixel)
ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP", "GIF")  # what browsers show and Pillow decodes safely
JPEG_QUALITY = 82
WEBP_QUALITY = 80
# WebP encoder effort (0 fastest .. 6 smallest). Measured on the bench's 12-megapixel photo (four
# widths): method 2 encodes 2.7x faster than Pillow's default 4 (135 vs 361 ms) for 8% more bytes;
# optimised Huffman tables take 7% off the JPEGs (58 ms), so the whole set ends smaller than before.
WEBP_METHOD = 2
# Small renditions cost little at any effort: encode them with the default method, which keeps them
# closest to what Pillow's default would make (the bench's SSIM goal).
WEBP_DEFAULT_METHOD = 4
WEBP_FAST_ABOVE_WIDTH = 640
# Beyond this ratio each chain step is done as a cheap box reduce() first, then LANCZOS for the rest:
# Pillow's ``reducing_gap``; 3 keeps the result indistinguishable from plain LANCZOS (SSIM > 0.99).
REDUCING_GAP = 3.0

CONTENT_TYPES = {"webp": "image/webp", "jpeg": "image/jpeg", "png": "image/png"}
EXTENSIONS = {"webp": "webp", "jpeg": "jpg", "png": "png"}

# EXIF orientation -> the transpose that shows the picture upright: ImageOps.exif_transpose's table,
# applied here to the reduced image rather than the full one (tests check both agree).
ORIENTATION_TAG = 0x0112
_TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
_SWAPS_AXES = {5, 6, 7, 8}


SPEC_PATTERN = re.compile(
    r"^(?:width-(?P<width>\d{1,4})|fill-(?P<fw>\d{1,4})x(?P<fh>\d{1,4}))(?:\|format-(?P<format>webp|jpeg|png))?$"
)


@dataclass(frozen=True)
class RenditionSpec:
    """One parsed spec: "width" (scale to ``width``) or "fill" (crop to ``width`` x ``height``)."""

    operation: str
    width: int
    height: int = 0  # fills only
    format: str | None = None  # None: WebP and the image's own fallback (JPEG, or PNG when transparent)

    @property
    def crop(self) -> str:
        """Return the aspect a fill crops to (``"16x9"``), or "" for a plain width."""
        if self.operation != "fill":
            return ""
        divisor = math.gcd(self.width, self.height)
        return f"{self.width // divisor}x{self.height // divisor}"


def parse_spec(text: str) -> RenditionSpec:
    """Return the operation a spec describes; raise ValueError for anything else."""
    match = SPEC_PATTERN.match(text)
    if not match:
        raise ValueError(f"Not a rendition spec: {text!r} (width-N or fill-WxH, then |format-webp|jpeg|png).")
    fmt = match["format"]
    if match["width"]:
        width = int(match["width"])
        if width < 1:
            raise ValueError(f"Not a rendition spec: {text!r} (a width of at least 1).")
        return RenditionSpec(operation="width", width=width, format=fmt)
    width, height = int(match["fw"]), int(match["fh"])
    if width < 1 or height < 1:
        raise ValueError(f"Not a rendition spec: {text!r} (a size of at least 1x1).")
    return RenditionSpec(operation="fill", width=width, height=height, format=fmt)


SPECS = tuple(parse_spec(text) for text in RENDITION_SPECS)
WIDTHS = tuple(sorted(spec.width for spec in SPECS if spec.operation == "width"))
FILLS = tuple(spec for spec in SPECS if spec.operation == "fill")


@dataclass(frozen=True)
class Rendition:
    width: int
    height: int
    format: str  # "webp" | "jpeg" | "png"
    data: bytes
    crop: str = ""  # the aspect of a fill ("16x9"), "" for a plain width

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.format]

    @property
    def spec(self) -> str:
        """Return the spec that made this rendition (its actual size: never upscaled)."""
        size = f"fill-{self.width}x{self.height}" if self.crop else f"width-{self.width}"
        return f"{size}|format-{self.format}"

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


@dataclass(frozen=True)
class RenditionSet:
    width: int  # upright dimensions of the original
    height: int
    has_alpha: bool
    renditions: tuple[Rendition, ...]


def rendition_key(*, image_id: str, rendition: Rendition) -> str:
    """Return the storage key: named by the bytes' hash, so it can be cached forever (immutable).

    The image id keeps each image's renditions its own: deleting one image never removes files
    another (identical) upload still shows.
    """
    shape = f"{rendition.width}x{rendition.height}" if rendition.crop else f"{rendition.width}w"
    name = f"{rendition.digest[:32]}-{shape}.{EXTENSIONS[rendition.format]}"
    return f"{RENDITION_PREFIX}{image_id}/{name}"


def rendition_widths(original_width: int, *, widths: tuple[int, ...] = WIDTHS) -> tuple[int, ...]:
    """Return the widths to make: the standard ones below the original, and the original's if narrower."""
    widths = widths or WIDTHS
    made = {w for w in widths if w < original_width} | {min(original_width, max(widths))}
    return tuple(sorted(made))


def scaled_height(*, width: int, height: int, new_width: int) -> int:
    return max(1, round(height * new_width / width))


def _looks_like_svg(data: bytes) -> bool:
    head = data[:1024].lstrip().lower()
    return head.startswith((b"<svg", b"<?xml", b"<!doctype svg")) or b"<svg" in head


def _open(data: bytes) -> Image.Image:
    """Open (headers only) and refuse what must not be decoded."""
    if not data:
        raise ImageRejected("The file is empty.")
    if len(data) > MAX_BYTES:
        raise ImageRejected(
            f"The file is {len(data) / 1024 / 1024:.1f} MB; the limit is {MAX_BYTES // 1024 // 1024} MB."
        )
    if _looks_like_svg(data):
        raise ImageRejected(
            "SVG images are not accepted (they can carry scripts). Upload a JPEG, PNG, WebP or GIF."
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS)
    except Image.DecompressionBombError as error:
        # Pillow's own guard fired while reading the header (beyond twice its limit): say how big.
        found = re.search(r"\((\d+) pixels\)", str(error))
        raise ImageRejected(_too_many_pixels_reason(None, int(found[1]) if found else None)) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ImageRejected(
            "This file is not an image we can read. Upload a JPEG, PNG, WebP or GIF."
        ) from None
    width, height = image.size
    if width < 1 or height < 1:
        raise ImageRejected("The image has no pixels.")
    if width < MIN_SIDE or height < MIN_SIDE:
        raise ImageRejected(
            f"The image is {width} x {height} pixels: too small for a picture "
            f"(at least {MIN_SIDE} x {MIN_SIDE})."
        )
    if width * height > MAX_PIXELS:
        raise ImageRejected(_too_many_pixels_reason((width, height)))
    return image


def _too_many_pixels_reason(size: tuple[int, int] | None, pixels: int | None = None) -> str:
    limit = f"the limit is {MAX_PIXELS // 1_000_000} megapixels"
    if size is None:
        count = f"{pixels / 1e6:.0f} megapixels" if pixels else "far too many pixels"
        return f"The image has {count}; {limit}."
    return f"The image is {size[0]} x {size[1]} pixels ({size[0] * size[1] / 1e6:.0f} megapixels); {limit}."


def _unreadable(error: Exception) -> ImageRejected:
    detail = "it is truncated" if "truncated" in str(error) else "it is damaged"
    return ImageRejected(f"The image cannot be read: {detail}. Upload the file again.")


def _orientation(image: Image.Image) -> int:
    """Return the EXIF orientation (1-8; 1 when absent or nonsense)."""
    try:
        # A PNG's eXIf chunk may follow its pixels, so this can decode: the size was checked already.
        value = image.getexif().get(ORIENTATION_TAG, 1)
    except (OSError, SyntaxError, ValueError, EOFError) as error:
        raise _unreadable(error) from None
    return value if isinstance(value, int) and value in _TRANSPOSE else 1


def _decode(image: Image.Image, *, target_width: int, orientation: int) -> Image.Image:
    """Decode fully, a JPEG at the smallest DCT scale that still covers ``target_width`` (upright)."""
    if image.format == "JPEG":
        width, height = image.size
        upright_width = height if orientation in _SWAPS_AXES else width
        scale = target_width / upright_width
        # draft() keeps each side >= the requested size; it picks 1/1, 1/2, 1/4 or 1/8.
        image.draft(
            image.mode if image.mode in ("RGB", "L", "CMYK") else "RGB",
            (
                max(1, int(width * scale) + 1),
                max(1, int(height * scale) + 1),
            ),
        )
    try:
        image.load()
    except Image.DecompressionBombError:
        raise ImageRejected(_too_many_pixels_reason(image.size)) from None
    except (OSError, SyntaxError, ValueError, EOFError) as error:
        raise _unreadable(error) from None
    return image


def _to_display_mode(image: Image.Image, icc_profile: bytes | None) -> Image.Image:
    """Return an sRGB ``RGB``, ``RGBA`` or ``L`` image with correct colours and no metadata."""
    mode = image.mode
    if mode in ("I;16", "I;16B", "I;16L", "I;16N", "I", "F"):
        # 16-bit and float greys: scale to 8 bits (convert() alone would clip at 255).
        if mode.startswith("I;16"):
            scale = 255 / 65535
        else:
            highest = float(image.getextrema()[1])  # type: ignore[arg-type]
            scale = 255 / highest if highest > 255 else 1.0
        image = image.convert("I").point(lambda v: v * scale).convert("L")
        icc_profile = None
    elif mode == "P" or mode == "PA":
        has_transparency = "transparency" in image.info or mode == "PA"
        image = image.convert("RGBA" if has_transparency else "RGB")
    elif mode in ("LA", "La", "RGBa"):
        image = image.convert("RGBA")
    elif mode == "1":
        image = image.convert("L")
    elif mode not in ("RGB", "RGBA", "L", "CMYK"):
        image = image.convert("RGBA" if "A" in mode else "RGB")
    if icc_profile:
        image = _to_srgb(image, icc_profile)
    if image.mode == "CMYK":
        image = image.convert("RGB")
    if image.mode == "RGBA" and image.getchannel("A").getextrema()[0] == 255:
        image = image.convert("RGB")  # an alpha channel that hides nothing: JPEG will do
    # Pillow copies ``info`` through resize() and its encoders reuse parts of it (JPEG comments,
    # PNG ICC profiles): empty it so no EXIF, GPS, XMP, ICC or comment reaches a rendition.
    image.info = {}
    return image


@functools.cache
def _srgb() -> ImageCms.ImageCmsProfile:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


def _to_srgb(image: Image.Image, icc_profile: bytes) -> Image.Image:
    """Convert from the embedded ICC profile to sRGB, so the profile itself can be dropped."""
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc_profile))
        out_mode = "RGBA" if image.mode == "RGBA" else ("L" if image.mode == "L" else "RGB")
        if out_mode == "L":
            return image  # a grey profile: greys stay grey
        converted = ImageCms.profileToProfile(image, source, _srgb(), outputMode=out_mode)
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return image  # a broken profile: keep the numbers as they are rather than refuse the photo
    return converted if converted is not None else image


def cover_crop_box(
    *, width: int, height: int, aspect: tuple[int, int], focal: tuple[float, float]
) -> tuple[int, int, int, int]:
    """Return the largest (left, top, right, bottom) box of ``aspect`` inside a ``width`` x ``height``
    image, centred on the focal point (fractions of the width and height) as far as the edges allow."""
    aw, ah = aspect
    crop_w, crop_h = width, round(width * ah / aw)
    if crop_h > height:
        crop_w, crop_h = round(height * aw / ah), height
    crop_w, crop_h = max(1, min(crop_w, width)), max(1, min(crop_h, height))
    fx, fy = (min(1.0, max(0.0, float(v))) for v in focal)
    left = min(max(0, round(fx * width - crop_w / 2)), width - crop_w)
    top = min(max(0, round(fy * height - crop_h / 2)), height - crop_h)
    return left, top, left + crop_w, top + crop_h


def _fills(
    upright: Image.Image,
    *,
    fills: tuple[RenditionSpec, ...],
    focal: tuple[float, float],
) -> list[tuple[RenditionSpec, Image.Image]]:
    """Return each fill's crop, resized down (never up) to its size; the same size only once."""
    made: dict[tuple[int, int], tuple[RenditionSpec, Image.Image]] = {}
    for spec in fills:
        box = cover_crop_box(
            width=upright.width, height=upright.height, aspect=(spec.width, spec.height), focal=focal
        )
        box_w = box[2] - box[0]
        size = (spec.width, spec.height) if box_w >= spec.width else (box_w, box[3] - box[1])
        if size in made:
            continue
        cropped = upright.resize(size, Image.Resampling.LANCZOS, box=box, reducing_gap=REDUCING_GAP)
        made[size] = (spec, cropped)
    return list(made.values())


def _png_no_larger(image: Image.Image, data: bytes, *, limit: int | None) -> bytes | None:
    """Return PNG bytes no larger than ``limit`` (the original PNG's size): re-encoded with a
    palette when the plain encoding is larger; None when nothing fits (that PNG is not made)."""
    if limit is None or len(data) <= limit:
        return data
    buffer = io.BytesIO()
    method = Image.Quantize.FASTOCTREE if image.mode == "RGBA" else Image.Quantize.MEDIANCUT
    image.quantize(colors=256, method=method).save(buffer, "PNG", optimize=True)
    smaller = buffer.getvalue()
    return smaller if len(smaller) <= limit else None


def _encode(image: Image.Image, fmt: str) -> bytes:
    buffer = io.BytesIO()
    if fmt == "webp":
        method = WEBP_METHOD if image.width > WEBP_FAST_ABOVE_WIDTH else WEBP_DEFAULT_METHOD
        image.save(buffer, "WEBP", quality=WEBP_QUALITY, method=method)
    elif fmt == "jpeg":
        image.save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True)
    else:
        image.save(buffer, "PNG", optimize=False, compress_level=6)
    return buffer.getvalue()


def image_renditions(
    data: bytes, *, focal: tuple[float, float] = (0.5, 0.5), specs: tuple[RenditionSpec, ...] = SPECS
) -> RenditionSet:
    """Validate ``data`` and return every rendition of ``RENDITION_SPECS`` (fills cropped around
    ``focal``, fractions of the upright width and height); raise ``ImageRejected`` with a reason."""
    image = _open(data)
    png_limit = len(data) if image.format == "PNG" else None
    orientation = _orientation(image)
    icc_profile = image.info.get("icc_profile")
    width, height = image.size
    upright_width, upright_height = (height, width) if orientation in _SWAPS_AXES else (width, height)
    fills = tuple(spec for spec in specs if spec.operation == "fill")
    width_specs = tuple(s.width for s in specs if s.operation == "width")
    widths = rendition_widths(upright_width, widths=width_specs) if width_specs else ()  # () : crops only
    largest_fill = max((spec.width for spec in fills), default=0)

    decoded = _decode(
        image,
        target_width=max(widths[-1] if widths else 0, min(largest_fill, upright_width)),
        orientation=orientation,
    )
    current = _to_display_mode(decoded, icc_profile)
    has_alpha = current.mode == "RGBA"
    second_format = "png" if has_alpha else "jpeg"
    formats = ("webp", second_format)

    jobs: list[tuple[Image.Image, int, int, str, str]] = []  # (image, width, height, format, crop)
    if fills:
        upright_full = current.transpose(_TRANSPOSE[orientation]) if orientation != 1 else current
        # Crop from the decoded image, at the original's proportions (the draft scale keeps them).
        for spec, cropped in _fills(upright_full, fills=fills, focal=focal):
            for fmt in (spec.format,) if spec.format else formats:
                jobs.append((cropped, cropped.width, cropped.height, fmt, spec.crop))
    for target in sorted(widths, reverse=True):
        # Sizes come from the original's upright geometry, so every chain step lands exactly.
        target_height = scaled_height(width=upright_width, height=upright_height, new_width=target)
        stored_size = (target_height, target) if orientation in _SWAPS_AXES else (target, target_height)
        if current.size != stored_size:
            current = current.resize(stored_size, Image.Resampling.LANCZOS, reducing_gap=REDUCING_GAP)
        upright = current.transpose(_TRANSPOSE[orientation]) if orientation != 1 else current
        # A fresh image carries no EXIF, XMP, ICC or comments: nothing from the upload leaks.
        for fmt in formats:
            jobs.append((upright, target, target_height, fmt, ""))

    def encode(picture_jobs: list[tuple[Image.Image, int, int, str, str]]) -> list[Rendition]:
        made: list[Rendition] = []
        for picture, rwidth, rheight, fmt, crop in picture_jobs:
            encoded: bytes | None = _encode(picture, fmt)
            if fmt == "png" and encoded is not None:
                encoded = _png_no_larger(picture, encoded, limit=png_limit)
            if encoded is not None:
                made.append(Rendition(rwidth, rheight, fmt, encoded, crop))
        return made

    # Pillow's encoders release the GIL while they compress: encode the set in parallel, one task
    # per picture (save() keeps its options on the image object, so a picture is never shared).
    by_picture: dict[int, list[tuple[Image.Image, int, int, str, str]]] = {}
    for job in jobs:
        by_picture.setdefault(id(job[0]), []).append(job)
    with ThreadPoolExecutor(max_workers=ENCODE_THREADS) as pool:
        renditions = [r for made in pool.map(encode, by_picture.values()) for r in made]
    image.close()
    renditions.sort(key=lambda r: (r.crop, r.width, r.format))
    return RenditionSet(
        width=upright_width, height=upright_height, has_alpha=has_alpha, renditions=tuple(renditions)
    )
