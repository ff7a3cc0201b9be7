"""The blog's list pages (home, tag, author), its small files, and what every page of it uses.

Thin views over blog.selectors; an article's page is in blog.article_views, the editor in
blog.editor_views, so a cold start on a list imports neither Markdown nor the write path.
"""

from __future__ import annotations

import functools
import time
from pathlib import Path
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_safe

from accounts.identity import Identity
from blog import reading, selectors
from blog.cache import RenderedList, latest_html_get, latest_html_set
from blog.context_processors import site
from blog.domain import Article, ArticleNotFound, InvalidCursor
from uploads import pictures

# The widths site.css gives covers: the article column (42rem less its 1rem padding each side), and
# in lists the same on a phone but a 14rem thumbnail beside the text from 48rem up.
COVER_SIZES = "(max-width: 42rem) calc(100vw - 2rem), 40rem"
ENTRY_COVER_SIZES = "(min-width: 48rem) 14rem, " + COVER_SIZES


def error_page(request: HttpRequest, message: str, *, status: int) -> HttpResponse:
    return render(request, "blog/error.html", {"message": message, "status": status}, status=status)


def identity_of(request: HttpRequest) -> Identity | None:
    return getattr(request, "identity", None)


def author_of(request: HttpRequest) -> Identity:
    """Return the signed-in author of a view behind ``accounts.decorators.author_required``."""
    identity = identity_of(request)
    assert identity is not None  # author_required
    return identity


def cover_html(
    image_id: str | None, *, alt: str = "", eager: bool = False, sizes: str = COVER_SIZES
) -> SafeString | str:
    """Return the cover picture ``image_id`` (its 16:9 crop around the focal point: a portrait cover
    does not fill the screen); ``eager`` for the page's first one (likely its largest paint)."""
    if not image_id:
        return ""
    markup = pictures.picture_html(image_id, alt=alt, sizes=sizes, crop=pictures.COVER_CROP, eager=eager)
    # uploads.pictures returns trusted markup built from ids and rendition URLs, never author text.
    return mark_safe(markup) if markup else ""  # noqa: S308


def _entries(articles: list[Article]) -> list[dict[str, Any]]:
    """Return the list's entries; the first cover is eager, those below it lazy."""
    reading.article_slugs_remember(articles)
    entries: list[dict[str, Any]] = []
    eager = True
    for article in articles:
        cover = cover_html(article.cover_image_id, eager=eager, sizes=ENTRY_COVER_SIZES)
        eager = eager and not cover
        entries.append({"article": article, "cover": cover})
    return entries


def _latest_list(cursor: str | None) -> RenderedList:
    """Return the home page's article list, rendered once per cache period (raise InvalidCursor)."""
    now = time.time()
    rendered = latest_html_get(cursor, now=now)
    if rendered is None:
        page = selectors.article_list_latest(cursor=cursor, now=now)
        rendered = RenderedList(
            html=render_to_string("blog/_entry_list.html", {"entries": _entries(page.articles)}),
            next_cursor=page.next_cursor,
            fresh_until=min(
                [float(a.expires_at) for a in page.articles]
                + ([page.fresh_until] if page.fresh_until is not None else []),
                default=now + 3600,
            ),
        )
        latest_html_set(cursor, rendered)
    return rendered


def article_or_404(slug: str, *, viewer: Identity | None = None) -> Article:
    """Return the article at ``slug`` if ``viewer`` may see it (drafts: their author and admins)."""
    try:
        return selectors.article_get_by_slug(slug=slug, viewer=viewer)
    except ArticleNotFound:
        raise Http404("No such article.") from None


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    cursor = request.GET.get("cursor") or None
    try:
        rendered = _latest_list(cursor)
    except InvalidCursor as error:
        return error_page(request, error.message, status=400)
    context = {
        # Rendered from blog/_entry_list.html (autoescaped) and cached as HTML.
        "entry_list": mark_safe(rendered.html),  # noqa: S308
        "next_cursor": rendered.next_cursor,
        "cursor": cursor,
        "tags": selectors.tag_list_in_use(),
    }
    return render(request, "blog/home.html", context)


@require_safe
def tag_detail(request: HttpRequest, tag: str) -> HttpResponse:
    cursor = request.GET.get("cursor") or None
    try:
        page = selectors.article_list_by_tag(tag=tag, cursor=cursor)
    except InvalidCursor as error:
        return error_page(request, error.message, status=400)
    if not page.articles and cursor is None:
        raise Http404("No article has this tag.")
    return render(
        request,
        "blog/tag_detail.html",
        {"tag": tag, "entries": _entries(page.articles), "next_cursor": page.next_cursor, "cursor": cursor},
    )


@require_safe
def author_detail(request: HttpRequest, user_id: str) -> HttpResponse:
    cursor = request.GET.get("cursor") or None
    try:
        page = selectors.article_list_by_author(author_id=user_id, cursor=cursor)
    except InvalidCursor as error:
        return error_page(request, error.message, status=400)
    if not page.articles and cursor is None:
        # Authors are known only through their live articles: no article, no page (and no
        # Cognito call per unknown name a crawler tries).
        raise Http404("No such author.")
    name = page.articles[0].author_name if page.articles else user_id
    return render(
        request,
        "blog/author_detail.html",
        {
            "author_id": user_id,
            "author_name": name,
            "entries": _entries(page.articles),
            "next_cursor": page.next_cursor,
        },
    )


FAVICON_PATH = Path(__file__).resolve().parent.parent / "static" / "favicon.ico"
ICON_CACHE_SECONDS = 60 * 60 * 24 * 7  # browsers ask for /favicon.ico on every site; a week is plenty
ROBOTS_DISALLOW = ("/accounts/", "/write/", "/images/", "/analytics/", "/api/")


@functools.cache
def _favicon() -> bytes:
    return FAVICON_PATH.read_bytes()


@require_safe
def favicon(request: HttpRequest) -> HttpResponse:
    """Serve /favicon.ico (browsers and Lighthouse ask for it at the root, whatever the page says)."""
    response = HttpResponse(_favicon(), content_type="image/x-icon")
    response["Cache-Control"] = f"public, max-age={ICON_CACHE_SECONDS}"
    return response


@require_safe
def robots_txt(request: HttpRequest) -> HttpResponse:
    """Let crawlers read the public pages (not the sign-in, editor, analytics or API) and find the sitemap."""
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in ROBOTS_DISALLOW), "Allow: /"]
    lines.append(f"Sitemap: {request.build_absolute_uri(reverse('blog:sitemap'))}")
    response = HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "public, max-age=3600"
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    """Render the 500 page without the request's context processors (one of them may be what failed)."""
    html = render_to_string("500.html", {**site(), "identity": None, "messages": []})
    return HttpResponseServerError(html)
