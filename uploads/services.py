"""Image writes: hand out an upload, process it, delete it."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from cloud.resources import RENDITION_PREFIX
from common import ratelimit
from uploads import selectors, storage
from uploads.domain import (
    MAX_BYTES,
    STATUS_PROCESSING,
    UPLOAD_EXPIRY_SECONDS,
    ImageGone,
    ImageInUse,
    ImageInvalid,
    ImageNotFound,
    ImageNotReady,
    ImageRecord,
    ImageRejected,
    RenditionInfo,
    focal_problem,
    raw_key,
    safe_filename,
    upload_request_validate,
)
from uploads.pictures import ready_image_forget
from uploads.repository import ImageRepository, UploadForms

logger = logging.getLogger(__name__)

UPLOADS_PER_HOUR = 200  # generous for a photo essay, stops a script filling the bucket


@dataclass(frozen=True)
class UploadTicket:
    """What the browser needs to send the file straight to S3."""

    image: ImageRecord
    url: str
    fields: dict[str, str]


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def image_create_upload(
    *,
    owner_id: str,
    owner_name: str,
    filename: object,
    content_type: object,
    size: object,
    repository: ImageRepository | None = None,
    s3: Any | None = None,
) -> UploadTicket:
    """Record a new image (``processing``) and return a presigned POST for its file.

    The policy allows 1 B - 20 MB and ``image/*`` only, for a few minutes. The processor checks
    everything again: the local emulator does not enforce POST policies.
    """
    name, ctype, _ = upload_request_validate(filename=filename, content_type=content_type, size=size)
    ratelimit.hit("image-upload", owner_id, limit=UPLOADS_PER_HOUR, per_seconds=3600)
    repository = repository or ImageRepository()
    image_id = uuid.uuid4().hex
    key = raw_key(owner_id=owner_id, image_id=image_id, filename=name)
    now = _now()
    record = ImageRecord(
        id=image_id,
        owner_id=owner_id,
        owner_name=owner_name,
        original_key=key,
        filename=safe_filename(name),
        content_type=ctype,
        status=STATUS_PROCESSING,
        created_at=now,
        updated_at=now,
    )
    url, fields = UploadForms(s3).create(
        key=key, content_type=ctype, max_bytes=MAX_BYTES, expires_in=UPLOAD_EXPIRY_SECONDS
    )
    repository.create(record)
    logger.info("image upload created", extra={"image_id": image_id, "owner_id": owner_id})
    return UploadTicket(image=record, url=url, fields=fields)


def image_process(
    *, image_id: str, key: str, repository: ImageRepository | None = None
) -> ImageRecord | None:
    """Make the renditions of an uploaded file and record them; return the record.

    Idempotent: a ready or failed image is returned as it is, and the same bytes always give the
    same renditions under the same keys. A file that cannot be an image marks the record failed with
    its reason (processing it again would fail again). Anything else (the network, throttling)
    raises, so the message is retried. Returns None when the image was deleted.
    """
    # Pillow is imported here, not at module level: web requests never need it (cold start).
    from uploads.renditions import image_renditions

    repository = repository or ImageRepository()
    try:
        record = repository.get(image_id)
    except ImageNotFound:
        logger.warning("upload without an image record", extra={"image_id": image_id, "key": key})
        return None
    if record.status != STATUS_PROCESSING:
        return record
    if record.original_key != key:
        logger.warning("upload key does not match the record", extra={"image_id": image_id, "key": key})
        return record
    try:
        data = _read_upload(key)
        result = image_renditions(data, focal=record.focal)
    except ImageRejected as rejected:
        logger.info("image refused", extra={"image_id": image_id, "reason": rejected.reason})
        try:
            return repository.mark_failed(image_id, error=rejected.reason, now=_now())
        except ImageGone:
            return None
    infos = _store(image_id, result.renditions)
    try:
        record = repository.mark_ready(
            image_id, width=result.width, height=result.height, size=len(data), renditions=infos, now=_now()
        )
    except ImageGone:
        # Deleted while we worked: take back what we wrote, leave nothing behind.
        for info in infos:
            storage.object_delete(info.key)
        storage.object_delete(key)
        return None
    logger.info("image ready", extra={"image_id": image_id, "renditions": len(infos)})
    return record


def _store(image_id: str, renditions: Any) -> list[RenditionInfo]:
    """Save ``renditions`` (uploads.renditions.Rendition) and return their records."""
    from uploads.renditions import rendition_key

    infos = []
    for rendition in renditions:
        key = rendition_key(image_id=image_id, rendition=rendition)
        storage.rendition_save(key=key, data=rendition.data)
        infos.append(
            RenditionInfo(
                width=rendition.width,
                height=rendition.height,
                format=rendition.format,
                bytes=len(rendition.data),
                key=key,
                crop=rendition.crop,
            )
        )
    return infos


def image_focal_point_set(
    *, image_id: str, owner_id: str, x: float, y: float, repository: ImageRepository | None = None
) -> ImageRecord:
    """Move the image's focal point to (``x``, ``y``) and cut its cover crops again around it.

    Only the owner may (another user's image is not found). The crops are made from the upload
    kept in S3 and saved under new keys (named by their bytes) before the record changes. The old
    crops stay until the image is deleted: pages cached elsewhere (other Lambda instances, the home
    page cache) may still name them. If the record changed meanwhile, nothing of this change is
    recorded (``ImageChanged``): either the whole new set is the image's or none of it.
    """
    from uploads.renditions import FILLS, image_renditions

    problems = {name: said for name, value in (("x", x), ("y", y)) if (said := focal_problem(value))}
    if problems:
        raise ImageInvalid(problems)
    repository = repository or ImageRepository()
    image = selectors.image_get_of(image_id=image_id, owner_id=owner_id, repository=repository)
    if not image.is_ready:
        raise ImageNotReady()
    crops = _store(
        image_id, image_renditions(_read_upload(image.original_key), focal=(x, y), specs=FILLS).renditions
    )
    kept = [r for r in image.renditions if not r.crop]
    # ImageChanged (another change landed first) leaves the record as that change made it; the
    # files this one wrote go with the rest when the image is deleted.
    updated = repository.replace_renditions(image, focal=(x, y), renditions=kept + crops, now=_now())
    ready_image_forget(image_id)
    logger.info("image focal point set", extra={"image_id": image_id, "focal": [x, y]})
    return updated


def _read_upload(key: str) -> bytes:
    """Return the uploaded bytes; refuse a missing or oversize file before reading it."""
    try:
        size = storage.rendition_storage().size(key)  # one HEAD: it raises for a missing file
    except FileNotFoundError:
        raise ImageRejected("The uploaded file is gone. Upload it again.") from None
    if size > MAX_BYTES:
        raise ImageRejected(
            f"The file is {size / 1024 / 1024:.1f} MB; the limit is {MAX_BYTES // 1024 // 1024} MB."
        )
    return storage.object_read(key)


def image_delete(*, image_id: str, owner_id: str, repository: ImageRepository | None = None) -> None:
    """Delete the image's record, renditions and upload; refuse while an article shows it.

    Only the owner may delete (another user's image is reported as not found, so ids leak nothing).
    """
    repository = repository or ImageRepository()
    image = selectors.image_get_of(image_id=image_id, owner_id=owner_id, repository=repository)
    used_by = selectors.image_used_by(image=image, repository=repository)
    if used_by:
        raise ImageInUse(used_by)
    # The record goes first: a processor still at work then sees ImageGone and cleans up after itself.
    repository.delete(image_id)
    ready_image_forget(image_id)
    # Every file of the image, the crops an earlier focal point made included.
    for key in storage.objects_under(f"{RENDITION_PREFIX}{image_id}"):
        storage.object_delete(key)
    storage.object_delete(image.original_key)
    logger.info("image deleted", extra={"image_id": image_id, "owner_id": owner_id})
