"""How the rest of the product shows images: the contract blog/ relies on.

CONTRACT (blog/ calls these; uploads/ implements them):
- ``picture_html(image_id, *, alt, sizes, crop, eager)``: safe ``<picture>`` markup for a ready image,
  else None; ``eager=True`` for the page's first cover (its largest paint), lazy otherwise.
- ``og_image_url(image_id)``: absolute URL of a large JPEG rendition for OpenGraph, else None.
- ``is_ready_image_of(image_id, *, owner_id)``: whether the image exists, is ready and is ``owner_id``'s.
The Markdown syntax for an image in an article body is ``![alt text](image:IMAGE_ID)``.
"""

from __future__ import annotations

from django.core.cache import cache
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from uploads import storage
from uploads.domain import IMAGE_ID_PATTERN, ImageNotFound, ImageRecord, RenditionInfo
from uploads.repository import ImageRepository

# Pages may reuse a ready image's record for a while instead of reading DynamoDB once per picture;
# this process's changes forget it at once. A record another process still holds names files that
# stay: a focal point change keeps the crops it replaces until the image is deleted.
READY_CACHE_SECONDS = 300
OG_WIDTH = 1280  # OpenGraph asks for >= 1200 px wide
FALLBACK_WIDTH = 1280  # the <img src> for browsers without srcset


def _cache_key(image_id: str) -> str:
    return f"uploads:ready-image:{image_id}"


def ready_image(image_id: str) -> ImageRecord | None:
    """Return the image if it exists and is ready, else None."""
    if not isinstance(image_id, str) or not IMAGE_ID_PATTERN.match(image_id):
        return None
    record = cache.get(_cache_key(image_id))
    if record is None:
        try:
            record = ImageRepository().get(image_id)
        except ImageNotFound:
            return None
        if not record.is_ready:
            return None
        cache.set(_cache_key(image_id), record, READY_CACHE_SECONDS)
    return record if isinstance(record, ImageRecord) else None


def ready_image_forget(image_id: str) -> None:
    cache.delete(_cache_key(image_id))


def _srcset(renditions: list[RenditionInfo]) -> str:
    return ", ".join(f"{storage.object_url(r.key)} {r.width}w" for r in renditions)


COVER_CROP = "16x9"  # the aspect of the rendition set's cover crops (uploads.renditions RENDITION_SPECS)


LAZY = 'loading="lazy" decoding="async"'
# The picture that is likely the page's Largest Contentful Paint: fetched first, not when scrolled to.
EAGER = 'loading="eager" fetchpriority="high"'


def picture_html(
    image_id: str, *, alt: str, sizes: str = "100vw", crop: str = "", eager: bool = False
) -> str | None:
    """Return ``<picture>`` markup (WebP first, then JPEG/PNG), sized against layout shift.

    Lazy unless ``eager``: the first cover of a page (above the fold, likely its largest paint)
    is fetched at once with high priority. ``crop="16x9"`` (``COVER_CROP``) shows the cover crops,
    cut around the image's focal point; an image processed before crops existed falls back to its
    uncropped renditions.
    """
    image = ready_image(image_id)
    if image is None:
        return None
    chosen = [r for r in image.renditions if r.crop == crop] or [r for r in image.renditions if not r.crop]
    webp = sorted((r for r in chosen if r.format == "webp"), key=lambda r: r.width)
    # PNG renditions larger than the original are not made: WebP is then the fallback too.
    fallback = sorted((r for r in chosen if r.format != "webp"), key=lambda r: r.width) or webp
    if not fallback:
        return None
    src = next((r for r in fallback if r.width >= FALLBACK_WIDTH), fallback[-1])
    largest = fallback[-1]
    sources = (
        format_html('<source type="image/webp" srcset="{}" sizes="{}">', _srcset(webp), sizes) if webp else ""
    )
    return format_html(
        '<picture>{}<img src="{}" srcset="{}" sizes="{}" width="{}" height="{}" alt="{}" {}></picture>',
        sources,
        storage.object_url(src.key),
        _srcset(fallback),
        sizes,
        largest.width,
        largest.height,
        alt,
        mark_safe(EAGER if eager else LAZY),  # noqa: S308 - constants above
    )


def og_image_url(image_id: str) -> str | None:
    """Return the absolute URL of the JPEG (or PNG) rendition closest to 1280 px wide."""
    image = ready_image(image_id)
    if image is None:
        return None
    candidates = sorted(
        (r for r in image.renditions if r.format != "webp" and not r.crop), key=lambda r: r.width
    )
    if not candidates:
        return None
    return storage.object_url(next((r for r in candidates if r.width >= OG_WIDTH), candidates[-1]).key)


def is_ready_image_of(image_id: str, *, owner_id: str) -> bool:
    """Say whether ``image_id`` is ready and ``owner_id``'s (articles show only their author's images)."""
    image = ready_image(image_id)
    return image is not None and image.owner_id == owner_id
