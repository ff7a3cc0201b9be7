"""What an image id is, and how an article refers to an image: the one definition. Pure.

An image id is what ``image_create_upload`` mints: a uuid4 in hex. An article shows an image as its
cover (``cover_image_id``) or in its Markdown body as an image whose destination is ``image:<id>``:
inline ``![alt](image:<id>)`` or reference-style ``![alt][r]`` with ``[r]: image:<id>`` somewhere in
the body. CommonMark resolves both forms to the same image, so a body's references are read by the
Markdown parser (``blog.markdown.image_ids``, which applies ``image_id_from_destination``), never by
a regex of their own: the renderer and the image-in-use guard cannot disagree.
"""

from __future__ import annotations

import re

IMAGE_ID_PATTERN = re.compile(r"^[0-9a-f]{32}$")  # uuid4 hex, minted by image_create_upload
IMAGE_SCHEME = "image:"


def image_id_valid(value: object) -> bool:
    """Say whether ``value`` is an image id."""
    return isinstance(value, str) and bool(IMAGE_ID_PATTERN.match(value))


def image_reference(image_id: str) -> str:
    """Return the Markdown destination that shows the image ``image_id`` (``image:<id>``)."""
    return f"{IMAGE_SCHEME}{image_id}"


def image_id_from_destination(destination: str) -> str | None:
    """Return the image id a Markdown image destination refers to, or None if it is not ``image:<id>``."""
    if not destination.startswith(IMAGE_SCHEME):
        return None
    image_id = destination[len(IMAGE_SCHEME) :]
    return image_id if image_id_valid(image_id) else None
