"""Static files' URLs under the request's script prefix, so they work through either way in.

Through the stage's domain the site is at ``/``; through the API's own execute-api host it is at
``/<stage>/``, which Zappa passes as ``SCRIPT_NAME``. Django prefixes ``{% url %}`` with it per request
(``get_script_prefix``), but a ``STATIC_URL`` is fixed when first read. These storages add the
current request's prefix to every static URL; the files themselves are found by ``PATH_INFO``
(WhiteNoise), which never carries the prefix.
"""

from __future__ import annotations

from typing import Any

from django.contrib.staticfiles.storage import StaticFilesStorage
from django.urls import get_script_prefix
from whitenoise.storage import CompressedManifestStaticFilesStorage


class ScriptPrefixMixin:
    def url(self, name: str | None, *args: Any, **kwargs: Any) -> str:
        url: str = super().url(name, *args, **kwargs)  # type: ignore[misc]
        return get_script_prefix().rstrip("/") + url if url.startswith("/") else url


class PrefixedStaticFilesStorage(ScriptPrefixMixin, StaticFilesStorage):
    """Local development: files served from the app folders by Django."""


class PrefixedManifestStaticFilesStorage(ScriptPrefixMixin, CompressedManifestStaticFilesStorage):
    """Production: hashed, precompressed files served by WhiteNoise."""
