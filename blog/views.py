"""The blog's pages: thin views over blog.selectors and blog.services."""

from __future__ import annotations

import functools
import json
import time
from collections.abc import Callable
from datetime import UTC
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.decorators import author_required
from accounts.identity import Identity
from accounts.middleware import client_address
from blog import reading, selectors, services
from blog.cache import RenderedList, latest_html_get, latest_html_set
from blog.context_processors import site
from blog.domain import (
    BODY_MAX_CHARS,
    STATUS_DRAFT,
    STATUS_SCHEDULED,
    AlreadyLiked,
    Article,
    ArticleInvalid,
    ArticleNotFound,
    BlogError,
    DeleteNotAllowed,
    EditNotAllowed,
    InvalidCursor,
    NotAllowed,
    NotLiked,
    PageNotLoaded,
    article_may_delete,
    article_may_edit,
)
from blog.forms import ACTIONS, ArticleForm
from blog.readers import (
    like_page_token,
    like_page_token_check,
    reader_from_request,
    visitor_cookie_set,
    visitor_hash_of,
)
from common.ratelimit import RateLimited
from uploads import pictures

# The widths site.css gives covers: the article column (42rem less its 1rem padding each side), and
# in lists the same on a phone but a 14rem thumbnail beside the text from 48rem up.
COVER_SIZES = "(max-width: 42rem) calc(100vw - 2rem), 40rem"
ENTRY_COVER_SIZES = "(min-width: 48rem) 14rem, " + COVER_SIZES
COVER_THUMB_SIZES = "12rem"  # the editor's cover thumbnail
JSON_SCRIPT_ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}


def _error(request: HttpRequest, message: str, *, status: int) -> HttpResponse:
    return render(request, "blog/error.html", {"message": message, "status": status}, status=status)


def _identity(request: HttpRequest) -> Identity | None:
    return getattr(request, "identity", None)


def _cover(article: Article, *, eager: bool = False, sizes: str = COVER_SIZES) -> SafeString | str:
    """Return the article's cover; ``eager`` for the page's first one (likely its largest paint)."""
    if not article.cover_image_id:
        return ""
    # The 16:9 cover crop (around the image's focal point): a portrait cover does not fill the screen.
    markup = pictures.picture_html(
        article.cover_image_id, alt="", sizes=sizes, crop=pictures.COVER_CROP, eager=eager
    )
    # uploads.pictures returns trusted markup built from ids and rendition URLs, never author text.
    return mark_safe(markup) if markup else ""  # noqa: S308


def _entries(articles: list[Article]) -> list[dict[str, Any]]:
    """Return the list's entries; the first cover is eager, those below it lazy."""
    reading.article_slugs_remember(articles)
    entries: list[dict[str, Any]] = []
    eager = True
    for article in articles:
        cover = _cover(article, eager=eager, sizes=ENTRY_COVER_SIZES)
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


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    cursor = request.GET.get("cursor") or None
    try:
        rendered = _latest_list(cursor)
    except InvalidCursor as error:
        return _error(request, error.message, status=400)
    context = {
        # Rendered from blog/_entry_list.html (autoescaped) and cached as HTML.
        "entry_list": mark_safe(rendered.html),  # noqa: S308
        "next_cursor": rendered.next_cursor,
        "cursor": cursor,
        "tags": reading.tags_in_use(),
    }
    return render(request, "blog/home.html", context)


@require_safe
def tag_detail(request: HttpRequest, tag: str) -> HttpResponse:
    cursor = request.GET.get("cursor") or None
    try:
        page = selectors.article_list_by_tag(tag=tag, cursor=cursor)
    except InvalidCursor as error:
        return _error(request, error.message, status=400)
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
        return _error(request, error.message, status=400)
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


def _article_or_404(slug: str, *, viewer: Identity | None = None) -> Article:
    """Return the article at ``slug`` if ``viewer`` may see it (drafts: their author and admins)."""
    try:
        return selectors.article_get_by_slug(slug=slug, viewer=viewer)
    except ArticleNotFound:
        raise Http404("No such article.") from None


@require_safe
def article_detail(request: HttpRequest, slug: str) -> HttpResponse:
    identity = _identity(request)
    try:
        article, liked = reading.article_page_get(
            slug=slug, visitor_hash=visitor_hash_of(request), viewer=identity
        )
    except ArticleNotFound:
        raise Http404("No such article.") from None
    rendered = reading.article_body_rendered(article=article)
    canonical_url = request.build_absolute_uri(reverse("blog:article", args=[article.slug]))
    og_image = pictures.og_image_url(article.cover_image_id) if article.cover_image_id else None
    context = {
        "article": article,
        # Sanitised by blog.markdown (allow-list), pictures inserted after sanitising.
        "body_html": mark_safe(rendered.html),  # noqa: S308
        "toc": rendered.toc,
        "reading_minutes": rendered.reading_minutes,
        "cover_html": _cover(article, eager=True),
        "og_image": og_image,
        "canonical_url": canonical_url,
        "json_ld": _json_ld(
            request, article=article, url=canonical_url, image=og_image, words=rendered.words
        ),
        "liked": liked,
        "like_page_token": like_page_token(article_id=article.id),
        "can_edit": identity is not None and article_may_edit(article, user_id=identity.user_id),
        "can_delete": identity is not None
        and article_may_delete(article, user_id=identity.user_id, is_admin=identity.is_admin),
    }
    return render(request, "blog/article_detail.html", context)


def _json_ld(
    request: HttpRequest, *, article: Article, url: str, image: str | None, words: int
) -> SafeString:
    """Return the article's schema.org BlogPosting as JSON safe inside a <script> element."""
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "BlogPosting",
        "headline": article.title,
        "description": article.excerpt,
        "url": url,
        "mainEntityOfPage": url,
        "datePublished": article.published_at.isoformat(timespec="seconds"),
        "dateModified": article.updated_at.isoformat(timespec="seconds"),
        "wordCount": words,
        "author": {
            "@type": "Person",
            "name": article.author_name,
            "url": request.build_absolute_uri(reverse("blog:author", args=[article.author_id])),
        },
        "publisher": {"@type": "Organization", "name": site()["site_name"]},
    }
    if image:
        data["image"] = image
    if article.tags:
        data["keywords"] = list(article.tags)
    # <, > and & as \u escapes: no author text can close the script element or open a comment.
    text = json.dumps(data, ensure_ascii=False).translate(JSON_SCRIPT_ESCAPES)
    return mark_safe(text)  # noqa: S308


@require_POST
def article_like(request: HttpRequest, slug: str) -> HttpResponse:
    """Like or unlike from the article page's form (works without JavaScript)."""
    article = _article_or_404(slug)
    action = request.POST.get("action")
    if action not in ("like", "unlike"):
        return _error(request, "Choose like or unlike.", status=400)
    reader, token = reader_from_request(request)
    address = client_address(request)
    try:
        if action == "like":
            like_page_token_check(request, article_id=article.id)
            services.article_like(article_id=article.id, reader=reader, client_address=address)
        else:
            services.article_unlike(article_id=article.id, reader=reader, client_address=address)
    except (AlreadyLiked, NotLiked):
        pass  # the page shows the state as it is
    except (RateLimited, PageNotLoaded) as error:
        return _error(request, error.message, status=error.status)
    except ArticleNotFound:
        raise Http404("No such article.") from None
    response = redirect("blog:article", slug=article.slug)
    visitor_cookie_set(response, token)
    return response


def _form_errors(form: ArticleForm, error: BlogError) -> None:
    if isinstance(error, ArticleInvalid):
        for name, problem in error.fields.items():
            form.add_error(name if name in form.fields else None, problem)
    else:
        form.add_error(None, error.message)


def _cover_thumbnail(image_id: str | None) -> SafeString | str:
    if not image_id:
        return ""
    markup = pictures.picture_html(image_id, alt="Cover", sizes=COVER_THUMB_SIZES, crop=pictures.COVER_CROP)
    # uploads.pictures returns trusted markup built from ids and rendition URLs, never author text.
    return mark_safe(markup) if markup else ""  # noqa: S308


def _editor(
    request: HttpRequest,
    *,
    form: ArticleForm,
    article: Article | None,
    preview: str | None = None,
    status: int = 200,
) -> HttpResponse:
    identity = _identity(request)
    body = str(form.data.get("body") or form.initial.get("body") or "")
    cover = str(form.data.get("cover_image_id") or form.initial.get("cover_image_id") or "")
    now = time.time()
    context = {
        "form": form,
        "article": article,
        "article_status": article.status_at(now=now) if article else None,
        "preview_html": mark_safe(preview) if preview else None,  # noqa: S308
        "warnings": selectors.article_body_warnings(body=body, author_id=identity.user_id)
        if identity and body
        else [],
        "cover_html": _cover_thumbnail(cover),
        # Autosave keeps drafts only: a published article changes when its author says so.
        "autosave": article is None or article.stored_status == STATUS_DRAFT,
    }
    return render(request, "blog/article_form.html", context, status=status)


def _preview(form: ArticleForm, *, author_id: str) -> str | None:
    body = str(form.data.get("body") or "")
    return selectors.article_body_html(body=body, author_id=author_id) if body.strip() else None


def _saved_response(request: HttpRequest, saved: Article) -> HttpResponse:
    status = saved.status_at(now=time.time())
    if status == STATUS_DRAFT:
        messages.success(request, "Draft saved: only you can see it.")
        return redirect("blog:edit", slug=saved.slug)
    if status == STATUS_SCHEDULED:
        when = saved.published_at.strftime("%Y-%m-%d %H:%M UTC")
        messages.success(request, f"Scheduled: “{saved.title}” goes public at {when}.")
        return redirect("blog:my-articles")
    messages.success(request, "Published.")
    return redirect("blog:article", slug=saved.slug)


def _editor_submit(
    request: HttpRequest,
    *,
    form: ArticleForm,
    article: Article | None,
    save: Callable[[dict[str, Any]], Article],
) -> HttpResponse:
    """Preview, or validate and ``save`` the editor's form as a draft, scheduled or published
    (the button pressed); show what was wrong on the same page."""
    identity = _identity(request)
    assert identity is not None  # author_required
    if "preview" in request.POST:
        preview = _preview(form, author_id=identity.user_id)
        return _editor(request, form=form, article=article, preview=preview)
    if not form.is_valid():
        return _editor(request, form=form, article=article, status=400)
    data = form.cleaned_data
    status = ACTIONS.get(request.POST.get("action") or "publish", "published")
    publish_at = data["publish_at"]
    if publish_at is not None and publish_at.tzinfo is None:
        publish_at = publish_at.replace(tzinfo=UTC)  # the form says UTC
    try:
        saved = save(
            {
                "title": data["title"],
                "body": data["body"],
                "expires_in_days": data["expires_in_days"],
                "cover_image_id": data["cover_image_id"] or None,
                "tags": data["tags"],
                "status": status,
                "publish_at": publish_at if status == STATUS_SCHEDULED else None,
            }
        )
    except BlogError as error:
        _form_errors(form, error)
        return _editor(request, form=form, article=article, status=error.page_status)
    return _saved_response(request, saved)


@author_required
@require_http_methods(["GET", "POST"])
def article_write(request: HttpRequest) -> HttpResponse:
    identity = _identity(request)
    assert identity is not None  # author_required
    if request.method == "GET":
        return _editor(request, form=ArticleForm(), article=None)
    return _editor_submit(
        request,
        form=ArticleForm(request.POST),
        article=None,
        save=lambda data: services.article_publish(author=identity, **data),
    )


@author_required
@require_http_methods(["GET", "POST"])
def article_edit(request: HttpRequest, slug: str) -> HttpResponse:
    identity = _identity(request)
    assert identity is not None
    article = _article_or_404(slug, viewer=identity)
    if not article_may_edit(article, user_id=identity.user_id):
        return _error(request, EditNotAllowed.message, status=EditNotAllowed.status)
    if request.method == "GET":
        scheduled = article.status_at(now=time.time()) == STATUS_SCHEDULED
        initial = {
            "title": article.title,
            "body": article.body,
            "cover_image_id": article.cover_image_id or "",
            "tags": ", ".join(article.tags),
            "publish_at": article.published_at.replace(tzinfo=None) if scheduled else None,
            "expires_in_days": article.expiry_days if article.stored_status == STATUS_DRAFT else None,
        }
        return _editor(request, form=ArticleForm(initial=initial, editing=True), article=article)
    return _editor_submit(
        request,
        form=ArticleForm(request.POST, editing=True),
        article=article,
        save=lambda data: services.article_update(article_id=article.id, editor=identity, **data),
    )


@author_required
@require_POST
def article_preview(request: HttpRequest) -> HttpResponse:
    """Return the editor's live preview as JSON: the body as the page will show it, the cover,
    and a warning for every picture or link that will not render (the editor's script asks)."""
    identity = _identity(request)
    assert identity is not None
    body = str(request.POST.get("body") or "")[: BODY_MAX_CHARS + 1]
    cover = str(request.POST.get("cover_image_id") or "")
    ready_cover = cover and pictures.is_ready_image_of(cover, owner_id=identity.user_id)
    return JsonResponse(
        {
            "html": selectors.article_body_html(body=body, author_id=identity.user_id)
            if body.strip()
            else "",
            "warnings": selectors.article_body_warnings(body=body, author_id=identity.user_id)
            + ([] if not cover or ready_cover else ["The cover is not one of your ready images."]),
            "cover_html": str(_cover_thumbnail(cover)) if ready_cover else "",
        }
    )


@author_required
@require_safe
def my_articles(request: HttpRequest) -> HttpResponse:
    """List the author's articles of every status, with dates, likes and edit links."""
    identity = _identity(request)
    assert identity is not None
    cursor = request.GET.get("cursor") or None
    try:
        page = selectors.article_list_mine(author_id=identity.user_id, cursor=cursor)
    except InvalidCursor as error:
        return _error(request, error.message, status=400)
    now = time.time()
    rows = [
        {
            "article": a,
            "status": "expired" if a.is_expired(now=now) else a.status_at(now=now),
        }
        for a in page.articles
    ]
    return render(request, "blog/my_articles.html", {"rows": rows, "next_cursor": page.next_cursor})


@author_required
@require_http_methods(["GET", "POST"])
def article_delete(request: HttpRequest, slug: str) -> HttpResponse:
    identity = _identity(request)
    assert identity is not None
    article = _article_or_404(slug, viewer=identity)
    if not article_may_delete(article, user_id=identity.user_id, is_admin=identity.is_admin):
        return _error(request, DeleteNotAllowed.message, status=DeleteNotAllowed.status)
    if request.method == "GET":
        return render(request, "blog/article_confirm_delete.html", {"article": article})
    try:
        services.article_delete(article_id=article.id, actor=identity)
    except ArticleNotFound:
        raise Http404("No such article.") from None
    except NotAllowed as error:
        return _error(request, error.message, status=403)
    messages.success(request, f"Deleted “{article.title}”.")
    return redirect("blog:home")


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
