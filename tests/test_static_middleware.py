"""config.static: WhiteNoise indexes the collected files on the first request for one, not at start-up."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory

from config.static import LazyWhiteNoiseMiddleware


def test_static_files_are_indexed_by_the_first_request_for_one(tmp_path: Path, settings: Any) -> None:
    (tmp_path / "css").mkdir()
    (tmp_path / "css" / "site.css").write_text("body { color: black }")
    settings.STATIC_ROOT = str(tmp_path)
    pages: list[str] = []

    def page(request: HttpRequest) -> HttpResponse:
        pages.append(request.path_info)
        return HttpResponse("page")

    middleware = LazyWhiteNoiseMiddleware(page)
    assert middleware.files == {}  # start-up stats nothing

    assert middleware(RequestFactory().get("/")).content == b"page"
    assert middleware.files == {}  # nor does a page

    response = middleware(RequestFactory().get("/static/css/site.css"))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"body { color: black }"  # type: ignore[attr-defined]
    assert "/static/css/site.css" in middleware.files
    assert middleware(RequestFactory().get("/static/css/missing.css")).content == b"page"
    assert pages == ["/", "/static/css/missing.css"]
