"""How the rest of the product shows images: the contract blog/ relies on.

CONTRACT (blog/ calls these; uploads/ implements them):
- ``picture_html(image_id, *, alt, sizes)``: safe ``<picture>`` markup for a ready image, else None.
- ``og_image_url(image_id)``: absolute URL of a large JPEG rendition for OpenGraph, else None.
- ``is_ready_image_of(image_id, *, owner_id)``: whether the image exists, is ready and is owned by ``owner_id``.
The Markdown syntax for an image in an article body is ``![alt text](image:IMAGE_ID)``.
"""

from __future__ import annotations


def picture_html(image_id: str, *, alt: str, sizes: str = "100vw") -> str | None:
    return None  # TODO(uploads): implemented by the images issue


def og_image_url(image_id: str) -> str | None:
    return None  # TODO(uploads)


def is_ready_image_of(image_id: str, *, owner_id: str) -> bool:
    return False  # TODO(uploads)
