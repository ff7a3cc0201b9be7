"""``{% load images %}``: pictures of uploaded images in templates (cover images, lists)."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString, mark_safe

from uploads import pictures

register = template.Library()


@register.simple_tag
def picture(image_id: str | None, *, alt: str = "", sizes: str = "100vw") -> SafeString:
    """Render ``<picture>`` for a ready image, else nothing: ``{% picture id alt=title sizes="..." %}``."""
    html = pictures.picture_html(image_id, alt=alt, sizes=sizes) if image_id else None
    # picture_html builds its markup with format_html: every value in it is escaped.
    return mark_safe(html or "")  # noqa: S308


@register.simple_tag
def og_image_url(image_id: str | None) -> str:
    """Return the OpenGraph image URL of a ready image, or an empty string."""
    return (pictures.og_image_url(image_id) if image_id else None) or ""
