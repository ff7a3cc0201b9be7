"""An article's page, and the like button on it (thin views over blog.reading and blog.services)."""

from __future__ import annotations

import json
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_POST, require_safe

from accounts.middleware import client_address
from blog import bodies, reading, services
from blog.context_processors import site
from blog.domain import (
    AlreadyLiked,
    Article,
    ArticleNotFound,
    NotLiked,
    PageNotLoaded,
    article_may_delete,
    article_may_edit,
)
from blog.readers import (
    like_page_token,
    like_page_token_check,
    reader_from_request,
    visitor_cookie_set,
    visitor_hash_of,
)
from blog.views import article_or_404, cover_html, error_page, identity_of
from common.ratelimit import RateLimited
from uploads import pictures

JSON_SCRIPT_ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}


@require_safe
def article_detail(request: HttpRequest, slug: str) -> HttpResponse:
    identity = identity_of(request)
    try:
        article, liked = reading.article_page_get(
            slug=slug, visitor_hash=visitor_hash_of(request), viewer=identity
        )
    except ArticleNotFound:
        raise Http404("No such article.") from None
    rendered = bodies.article_body_rendered(article=article)
    canonical_url = request.build_absolute_uri(reverse("blog:article", args=[article.slug]))
    og_image = pictures.og_image_url(article.cover_image_id) if article.cover_image_id else None
    context = {
        "article": article,
        # Sanitised by blog.markdown (allow-list), pictures inserted after sanitising.
        "body_html": mark_safe(rendered.html),  # noqa: S308
        "toc": rendered.toc,
        "reading_minutes": rendered.reading_minutes,
        "cover_html": cover_html(article.cover_image_id, eager=True),
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
    article = article_or_404(slug)
    action = request.POST.get("action")
    if action not in ("like", "unlike"):
        return error_page(request, "Choose like or unlike.", status=400)
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
        return error_page(request, error.message, status=error.status)
    except ArticleNotFound:
        raise Http404("No such article.") from None
    response = redirect("blog:article", slug=article.slug)
    visitor_cookie_set(response, token)
    return response
