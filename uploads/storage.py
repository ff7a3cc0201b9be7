"""Where renditions live: the media bucket, through django-storages, cacheable forever."""

from __future__ import annotations

import functools
from typing import Any, cast

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, default_storage, storages

# Rendition keys name their bytes' hash: a key's content never changes, so caches may keep it a year.
IMMUTABLE = "public, max-age=31536000, immutable"


@functools.cache
def rendition_storage() -> Storage:
    """Return the default storage, configured to send a long ``Cache-Control`` with each object."""
    config = cast(dict[str, Any], settings.STORAGES["default"])
    if not config["BACKEND"].startswith("storages.backends.s3"):
        return default_storage
    options = dict(config.get("OPTIONS", {}))
    options["object_parameters"] = {**options.get("object_parameters", {}), "CacheControl": IMMUTABLE}
    return storages.create_storage({"BACKEND": config["BACKEND"], "OPTIONS": options})


def rendition_save(*, key: str, data: bytes) -> None:
    """Store ``data`` at exactly ``key`` (the storage must not rename it)."""
    saved = rendition_storage().save(key, ContentFile(data))
    if saved != key:
        raise RuntimeError(f"the storage renamed {key} to {saved}: set file_overwrite=True")


def object_delete(key: str) -> None:
    rendition_storage().delete(key)


def objects_under(prefix: str) -> list[str]:
    """Return the keys of every object below ``prefix`` (a folder: ``renditions/<image id>``)."""
    _, files = rendition_storage().listdir(prefix)
    return [f"{prefix.rstrip('/')}/{name}" for name in files]


def object_read(key: str) -> bytes:
    with rendition_storage().open(key, "rb") as file:
        return file.read()


def object_url(key: str) -> str:
    return default_storage.url(key)
