"""The images API's bodies (common.schema): validated on the way in, documented in /api/openapi.json.

The rules are the domain's (uploads.domain): its constants bound the fields, and its checks say why
a field is refused (``upload_problem``). A size over the limit passes here: the domain answers 413.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from msgspec import Meta

from common.schema import Answer, Body, Time
from common.validation import NONBLANK_TEXT_PATTERN
from uploads import domain


class ImageUploadRequest(Body):
    filename: Annotated[
        str, Meta(max_length=domain.FILENAME_REQUEST_MAX_CHARS, pattern=NONBLANK_TEXT_PATTERN)
    ]
    # The domain refuses the others with its reasons (SVG carries scripts): the list documents them.
    content_type: Annotated[str, Meta(extra_json_schema={"enum": list(domain.ACCEPTED_CONTENT_TYPES)})]
    size: Annotated[
        int,
        Meta(ge=1, description=f"Bytes. Over {domain.MAX_BYTES:,} (20 MB) the answer is a 413, not a 400."),
    ]


_CHECKS: dict[str, Callable[[object], str | None]] = {
    "filename": domain.filename_problem,
    "content_type": domain.content_type_problem,
    "size": domain.size_problem,
}


def upload_problem(name: str, value: object) -> str | None:
    """Return the domain's word on a refused field (None: the schema's own word stands)."""
    return _CHECKS[name](value)


_FRACTION = "From 0 (the left or top edge) to 1 (the right or bottom edge) of the upright image."


class FocalPoint(Body):
    """Where the cover crops centre: fractions of the upright image's width (x) and height (y)."""

    x: Annotated[float, Meta(ge=0, le=1, description=_FRACTION)]
    y: Annotated[float, Meta(ge=0, le=1, description=_FRACTION)]


def focal_point_problem(name: str, value: object) -> str | None:
    return domain.focal_problem(value)


class Rendition(Answer):
    width: int
    height: int
    format: Annotated[str, Meta(extra_json_schema={"enum": ["webp", "jpeg", "png"]})]
    crop: Annotated[
        str | None,
        Meta(description="A cover crop's aspect (16x9, around the focal point); null: the whole image."),
    ]
    bytes: int
    url: Annotated[str, Meta(extra_json_schema={"format": "uri"}, description="Immutable: cache it forever.")]


class Image(Answer):
    id: str
    status: Annotated[
        str,
        Meta(
            extra_json_schema={"enum": [domain.STATUS_PROCESSING, domain.STATUS_READY, domain.STATUS_FAILED]}
        ),
    ]
    error: Annotated[str | None, Meta(description="Why the image failed, for a person.")]
    filename: Annotated[str, Meta(max_length=domain.FILENAME_MAX_CHARS)]
    content_type: str
    width: Annotated[int | None, Meta(description="Upright width of the original.")]
    height: int | None
    bytes: Annotated[int | None, Meta(description="Size of the uploaded file.")]
    created_at: Time
    markdown: Annotated[str, Meta(description="Paste into an article body: ![alt](image:ID).")]
    renditions: list[Rendition]
    focal_point: FocalPoint


class PresignedPost(Answer):
    """A presigned POST: send a multipart/form-data POST to 'url' with every entry of 'fields' and
    then the file as 'file'. It expires after a few minutes; the image's status turns 'ready' or
    'failed' shortly after the upload."""

    url: Annotated[str, Meta(extra_json_schema={"format": "uri"})]
    fields: dict[str, str]
    file_field: Annotated[str, Meta(extra_json_schema={"enum": ["file"]})]


class ImageUpload(Answer):
    image: Image
    upload: PresignedPost


class ImageList(Answer):
    images: list[Image]
