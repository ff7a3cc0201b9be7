"""config.static: WhiteNoise is built by the first request for a static file, not at start-up."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory

from config.static import LazyWhiteNoiseMiddleware


def test_whitenoise_is_built_by_the_first_request_for_a_static_file(tmp_path: Path, settings: Any) -> None:
    (tmp_path / "css").mkdir()
    (tmp_path / "css" / "site.css").write_text("body { color: black }")
    settings.STATIC_ROOT = str(tmp_path)
    pages: list[str] = []

    def page(request: HttpRequest) -> HttpResponse:
        pages.append(request.path_info)
        return HttpResponse("page")

    middleware = LazyWhiteNoiseMiddleware(page)
    assert middleware(RequestFactory().get("/")).content == b"page"
    assert middleware._whitenoise is None  # a page neither builds WhiteNoise nor stats a file

    response = middleware(RequestFactory().get("/static/css/site.css"))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"body { color: black }"  # type: ignore[attr-defined]
    assert middleware(RequestFactory().get("/static/css/missing.css")).content == b"page"
    assert pages == ["/", "/static/css/missing.css"]


@pytest.mark.parametrize(
    ("static_url", "prefix"),
    [("https://cdn.example.com/assets/", "/assets/"), ("static", "/static/"), ("/", "/")],
)
def test_the_static_prefix_is_the_path_of_static_url(static_url: str, prefix: str, settings: Any) -> None:
    settings.STATIC_URL = static_url
    assert LazyWhiteNoiseMiddleware(HttpResponse).static_prefix == prefix
