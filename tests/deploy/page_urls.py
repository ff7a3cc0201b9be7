"""The URLs a page hands the browser: links, form actions, sources, and the ones its scripts fetch."""

from __future__ import annotations

from html.parser import HTMLParser

URL_ATTRIBUTES = ("href", "src", "action", "data-root", "data-api", "data-preview-url", "data-realtime-url")


class PageUrls(HTMLParser):
    """Collect every URL attribute of a page and the <html> element's data-root."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[tuple[str, str, str]] = []
        self.root: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in URL_ATTRIBUTES and value is not None:
                self.urls.append((tag, name, value))
            if tag == "html" and name == "data-root":
                self.root = value


def page_urls(html: str) -> PageUrls:
    parser = PageUrls()
    parser.feed(html)
    return parser


def root_relative_without(prefix: str, urls: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    """Return the root-relative URLs (``/x``, not ``//host`` or ``#id``) outside ``prefix/``."""
    return [
        (tag, name, url)
        for tag, name, url in urls
        if url.startswith("/") and not url.startswith("//") and not url.startswith(f"{prefix}/")
    ]
