"""Images: the types and rules of uploads, free of Django and AWS."""

from __future__ import annotations

import re
import unicodedata
from typing import NamedTuple

from cloud.resources import RAW_UPLOAD_PREFIX
from common.errors import UserError
from common.validation import control_characters_problem, whole_number
from uploads.references import IMAGE_ID_PATTERN

# --- Limits, each next to its reason ----------------------------------------------------------
MAX_BYTES = 20 * 1024 * 1024  # the presigned POST's limit; checked again: the emulator ignores policies
UPLOAD_EXPIRY_SECONDS = 300  # long enough to send 20 MB on a slow line; a leaked form dies soon
FILENAME_MAX_CHARS = 100  # readable in a list; S3 keys allow 1024 bytes in all
FILENAME_REQUEST_MAX_CHARS = 255  # what an upload may name (most file systems' limit); shortened to the above
ACCEPTED_CONTENT_TYPES = ("image/jpeg", "image/png", "image/webp", "image/gif")  # what renditions decode
LIST_LIMIT = 100  # a page of "My images"
# Where the cover crops centre, as fractions of the upright width and height: a new image's is the
# centre; its author may move it (uploads.services.image_focal_point_set).
FOCAL_CENTRE = (0.5, 0.5)

STATUS_PROCESSING = "processing"
STATUS_READY = "ready"
STATUS_FAILED = "failed"


class ImageError(UserError):
    """A problem the caller can act on (its ``status`` and ``code`` are what the API answers)."""

    message = "Something went wrong with this image."


class ImageRejected(Exception):
    """The file cannot become an image on the blog; ``reason`` is for the person who uploaded it."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class ImageNotFound(ImageError):
    status, code = 404, "not_found"
    message = "There is no such image (it may have been deleted)."


class ImageInvalid(ImageError):
    """Invalid upload request; ``fields`` maps each field to what is wrong with it.

    A request whose only problem is the file's size is a 413 (``too_large``).
    """

    status, code = 400, "invalid"
    message = "Some fields are wrong."

    def __init__(self, fields: dict[str, str], *, too_large: bool = False) -> None:
        super().__init__("; ".join(fields.values()) if too_large else None, fields=fields)
        self.too_large = too_large
        if too_large:
            self.status, self.code = 413, "payload_too_large"


class ImageInUse(ImageError):
    """The image is shown by articles; ``articles`` are their titles."""

    status, code = 409, "image_in_use"

    def __init__(self, articles: list[str]) -> None:
        quoted = ", ".join(f"“{title}”" for title in articles)
        super().__init__(
            f"This image is used by {quoted}. Remove it from there first.",
            fields={"articles": ", ".join(articles)},
        )
        self.articles = articles


class ImageGone(ImageError):
    """The record vanished while the image was being processed (it was deleted)."""

    status, code = 404, "not_found"


class ImageNotReady(ImageError):
    status, code = 409, "not_ready"
    message = "The image has no renditions yet (it is processing or failed)."


class ImageChanged(ImageError):
    """Another change to the image's renditions landed first; nothing of this one was kept."""

    status, code = 409, "conflict"
    message = "The image changed meanwhile. Reload it and try again."


def focal_problem(value: object) -> str | None:
    """Return why ``value`` cannot be a focal point coordinate (a fraction from 0 to 1), or None."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        return "A number from 0 (left or top edge) to 1 (right or bottom edge)."
    return None


class RenditionInfo(NamedTuple):
    width: int
    height: int
    format: str
    bytes: int
    key: str
    crop: str = ""  # a cover crop's aspect ("16x9"); "" for the image at its own aspect


class ImageRecord(NamedTuple):
    id: str
    owner_id: str
    owner_name: str
    original_key: str
    filename: str
    content_type: str
    status: str
    created_at: str
    updated_at: str
    error: str = ""
    width: int = 0
    height: int = 0
    bytes: int = 0
    renditions: tuple[RenditionInfo, ...] = ()
    focal: tuple[float, float] = FOCAL_CENTRE

    @property
    def is_ready(self) -> bool:
        return self.status == STATUS_READY


class RawKey(NamedTuple):
    """What an upload's key says: ``uploads/raw/<owner>/<image id>/<filename>``."""

    owner_id: str
    image_id: str
    filename: str


def safe_filename(filename: str) -> str:
    """Return a short, key-safe version of a person's file name (letters, digits, ``.-_``)."""
    name = unicodedata.normalize("NFKD", filename.replace("\\", "/").rsplit("/", 1)[-1])
    name = name.encode("ascii", "ignore").decode()
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    ext = re.sub(r"[^A-Za-z0-9]+", "", ext)[:8]
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", stem).strip(".-_") or "image"
    stem = stem[: FILENAME_MAX_CHARS - len(ext) - 1].rstrip(".-_") or "image"
    return f"{stem}.{ext}" if ext else stem


def raw_key(*, owner_id: str, image_id: str, filename: str) -> str:
    return f"{RAW_UPLOAD_PREFIX}{owner_id}/{image_id}/{safe_filename(filename)}"


def parse_raw_key(key: str) -> RawKey | None:
    """Return the parts of an upload key, or None when the key is not one the app handed out."""
    if not key.startswith(RAW_UPLOAD_PREFIX):
        return None
    parts = key[len(RAW_UPLOAD_PREFIX) :].split("/")
    if len(parts) != 3 or not all(parts) or not IMAGE_ID_PATTERN.match(parts[1]):
        return None
    return RawKey(owner_id=parts[0], image_id=parts[1], filename=parts[2])


def filename_problem(filename: object) -> str | None:
    """Return what is wrong with an upload's file name, or None."""
    if not isinstance(filename, str) or not filename.strip():
        return "Give the file's name."
    if len(filename) > FILENAME_REQUEST_MAX_CHARS:
        return f"The file name is longer than {FILENAME_REQUEST_MAX_CHARS} characters."
    return control_characters_problem(filename)


def content_type_problem(content_type: object) -> str | None:
    """Return what is wrong with an upload's content type, or None."""
    if not isinstance(content_type, str):
        return "Give the file's content type (image/jpeg, image/png, image/webp, image/gif)."
    if content_type == "image/svg+xml":
        return "SVG images are not accepted (they can carry scripts)."
    if content_type not in ACCEPTED_CONTENT_TYPES:
        return f"'{content_type[:60]}' is not accepted: upload a JPEG, PNG, WebP or GIF image."
    return None


def size_problem(size: object) -> str | None:
    """Return what is wrong with an upload's size (a too large one: ``size_too_large``), or None."""
    whole = whole_number(size)  # 1024 and 1024.0 (JSON Schema's integer); not true, not 1.5
    if whole is None:
        return "Give the file's size in bytes (a whole number)."
    if whole < 1:
        return "The file is empty."
    if size_too_large(whole):
        return f"The file is {whole / 1024 / 1024:.1f} MB; the limit is {MAX_BYTES // 1024 // 1024} MB."
    return None


def size_too_large(size: int) -> bool:
    return size > MAX_BYTES


def upload_request_validate(*, filename: object, content_type: object, size: object) -> tuple[str, str, int]:
    """Check an upload request; return (filename, content type, size) or raise ``ImageInvalid``."""
    problems = {
        name: problem
        for name, problem in (
            ("filename", filename_problem(filename)),
            ("content_type", content_type_problem(content_type)),
            ("size", size_problem(size)),
        )
        if problem
    }
    whole = whole_number(size)
    if problems:
        too_large = whole is not None and size_too_large(whole)
        raise ImageInvalid(problems, too_large=too_large and len(problems) == 1)
    assert isinstance(filename, str)
    assert isinstance(content_type, str)
    assert isinstance(whole, int)
    return filename.strip(), content_type, whole
