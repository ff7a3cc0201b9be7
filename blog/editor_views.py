"""The author's editor: write, edit, preview, schedule and delete articles, and "My articles"."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.decorators import author_required
from blog import bodies, selectors, services
from blog.domain import (
    BODY_MAX_CHARS,
    STATUS_DRAFT,
    STATUS_SCHEDULED,
    Article,
    ArticleInvalid,
    ArticleNotFound,
    BlogError,
    DeleteNotAllowed,
    EditNotAllowed,
    InvalidCursor,
    NotAllowed,
    article_may_delete,
    article_may_edit,
)
from blog.forms import ACTIONS, ArticleForm
from blog.views import article_or_404, author_of, cover_html, error_page
from uploads import pictures

COVER_THUMB_SIZES = "12rem"  # the editor's cover thumbnail


def _form_errors(form: ArticleForm, error: BlogError) -> None:
    if isinstance(error, ArticleInvalid):
        for name, problem in error.fields.items():
            form.add_error(name if name in form.fields else None, problem)
    else:
        form.add_error(None, error.message)


def _editor(
    request: HttpRequest,
    *,
    form: ArticleForm,
    article: Article | None,
    preview: str | None = None,
    status: int = 200,
) -> HttpResponse:
    identity = author_of(request)
    body = str(form.data.get("body") or form.initial.get("body") or "")
    cover = str(form.data.get("cover_image_id") or form.initial.get("cover_image_id") or "")
    now = time.time()
    context = {
        "form": form,
        "article": article,
        "article_status": article.status_at(now=now) if article else None,
        "preview_html": mark_safe(preview) if preview else None,  # noqa: S308
        "warnings": bodies.article_body_warnings(body=body, author_id=identity.user_id) if body else [],
        "cover_html": cover_html(cover, alt="Cover", sizes=COVER_THUMB_SIZES),
        # Autosave keeps drafts only: a published article changes when its author says so.
        "autosave": article is None or article.stored_status == STATUS_DRAFT,
    }
    return render(request, "blog/article_form.html", context, status=status)


def _preview(form: ArticleForm, *, author_id: str) -> str | None:
    body = str(form.data.get("body") or "")
    return bodies.article_body_html(body=body, author_id=author_id) if body.strip() else None


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
    identity = author_of(request)
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
    identity = author_of(request)
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
    identity = author_of(request)
    article = article_or_404(slug, viewer=identity)
    if not article_may_edit(article, user_id=identity.user_id):
        return error_page(request, EditNotAllowed.message, status=EditNotAllowed.status)
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
    identity = author_of(request)
    body = str(request.POST.get("body") or "")[: BODY_MAX_CHARS + 1]
    cover = str(request.POST.get("cover_image_id") or "")
    ready_cover = cover and pictures.is_ready_image_of(cover, owner_id=identity.user_id)
    return JsonResponse(
        {
            "html": bodies.article_body_html(body=body, author_id=identity.user_id) if body.strip() else "",
            "warnings": bodies.article_body_warnings(body=body, author_id=identity.user_id)
            + ([] if not cover or ready_cover else ["The cover is not one of your ready images."]),
            "cover_html": str(cover_html(cover, alt="Cover", sizes=COVER_THUMB_SIZES)) if ready_cover else "",
        }
    )


@author_required
@require_safe
def my_articles(request: HttpRequest) -> HttpResponse:
    """List the author's articles of every status, with dates, likes and edit links."""
    identity = author_of(request)
    cursor = request.GET.get("cursor") or None
    try:
        page = selectors.article_list_mine(author_id=identity.user_id, cursor=cursor)
    except InvalidCursor as error:
        return error_page(request, error.message, status=400)
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
    identity = author_of(request)
    article = article_or_404(slug, viewer=identity)
    if not article_may_delete(article, user_id=identity.user_id, is_admin=identity.is_admin):
        return error_page(request, DeleteNotAllowed.message, status=DeleteNotAllowed.status)
    if request.method == "GET":
        return render(request, "blog/article_confirm_delete.html", {"article": article})
    try:
        services.article_delete(article_id=article.id, actor=identity)
    except ArticleNotFound:
        raise Http404("No such article.") from None
    except NotAllowed as error:
        return error_page(request, error.message, status=403)
    messages.success(request, f"Deleted “{article.title}”.")
    return redirect("blog:home")
