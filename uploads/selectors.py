"""Image reads."""

from __future__ import annotations

import time
from typing import Any

from blog.markdown import image_ids
from cloud.resources import TTL_ATTRIBUTE
from uploads import storage
from uploads.domain import LIST_LIMIT, ImageNotFound, ImageRecord
from uploads.references import image_reference
from uploads.repository import ImageRepository


def image_get_of(*, image_id: str, owner_id: str, repository: ImageRepository | None = None) -> ImageRecord:
    """Return the owner's image; another user's image is reported as not found."""
    image = (repository or ImageRepository()).get(image_id)
    if image.owner_id != owner_id:
        raise ImageNotFound()
    return image


def image_list_of(*, owner_id: str, repository: ImageRepository | None = None) -> list[ImageRecord]:
    """Return the owner's images, newest first."""
    return (repository or ImageRepository()).list_by_owner(owner_id, limit=LIST_LIMIT)


def image_used_by(*, image: ImageRecord, repository: ImageRepository | None = None) -> list[str]:
    """Return the titles of the owner's articles that show ``image``: as cover, or in the body.

    The body's references are the ones the page renders (inline or reference-style Markdown,
    uploads/references.py); expired articles are no longer shown and do not count.
    """
    repository = repository or ImageRepository()
    titles = []
    now = time.time()
    for article in repository.owner_articles(image.owner_id):
        if article.get(TTL_ATTRIBUTE) is not None and float(article[TTL_ATTRIBUTE]) <= now:
            continue  # expired: no longer shown, DynamoDB deletes it late
        body = str(article.get("body", ""))
        if article.get("cover_image_id") == image.id or image.id in image_ids(body):
            titles.append(str(article.get("title") or article.get("slug") or "an untitled article"))
    return titles


def image_as_json(image: ImageRecord) -> dict[str, Any]:
    """Return what the API and the pages' scripts show of an image (never the owner's email)."""
    return {
        "id": image.id,
        "status": image.status,
        "error": image.error or None,
        "filename": image.filename,
        "content_type": image.content_type,
        "width": image.width or None,
        "height": image.height or None,
        "bytes": image.bytes or None,
        "created_at": image.created_at,
        "markdown": f"![{image.filename.rsplit('.', 1)[0]}]({image_reference(image.id)})",
        "focal_point": {"x": image.focal[0], "y": image.focal[1]},
        "renditions": [
            {
                "width": r.width,
                "height": r.height,
                "format": r.format,
                "crop": r.crop or None,
                "bytes": r.bytes,
                "url": storage.object_url(r.key),
            }
            for r in image.renditions
        ],
    }
