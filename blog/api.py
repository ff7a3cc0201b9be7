"""The articles JSON API: thin views over blog.selectors and blog.services.

Authors authenticate with ``Authorization: Bearer <access token>``; such requests carry no ambient
credential, so CSRF has nothing to protect. Likes are authenticated by the visitor cookie, which
the browser sends on its own: they (and any write made with the session cookie) need the CSRF token
in ``X-CSRFToken``, checked by Django's middleware (its refusal is JSON: config.views.csrf_failure).
The blog's errors carry their own status and code (blog.domain); ``api_view`` answers them.
"""

from __future__ import annotations

import time
from datetime import datetime
from typing import TYPE_CHECKING

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse

from accounts.decorators import api_identity_required
from accounts.identity import request_identity
from accounts.middleware import client_address
from blog import bodies, selectors, services
from blog.domain import (
    STATUS_DRAFT,
    STATUS_PUBLISHED,
    AlreadyLiked,
    Article,
    ArticlePage,
    LikeResult,
    NotLiked,
    normalise_tag,
)
from blog.readers import like_page_token_check, reader_from_request, visitor_cookie_set
from cloud.resources import GROUP_AUTHORS
from common.api import api_view
from common.errors import ValidationFailed

if TYPE_CHECKING:
    from blog import schemas


def _iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def article_summary(article: Article, *, now: float | None = None) -> schemas.ArticleSummary:
    """Return what a list shows of ``article``, as the API answers it."""
    from blog import schemas  # msgspec on first use, not at start-up

    status = article.status_at(now=time.time() if now is None else now)
    return schemas.ArticleSummary(
        id=article.id,
        slug=article.slug,
        url=reverse("blog:article", args=[article.slug]),
        title=article.title,
        excerpt=article.excerpt,
        author=schemas.Author(id=article.author_id, name=article.author_name),
        status=status,
        # When it was (published) or will be (scheduled) public; a draft has no such time.
        publish_at=None if status == STATUS_DRAFT else _iso(article.published_at),
        published_at=_iso(article.published_at) if status == STATUS_PUBLISHED else None,
        updated_at=_iso(article.updated_at),
        expires_at=_iso(article.expires_at_datetime),
        like_count=article.like_count,
        cover_image_id=article.cover_image_id,
        tags=list(article.tags),
    )


def _article(article: Article, *, status: int = 200) -> JsonResponse:
    import msgspec

    from blog import schemas
    from common.schema import answer

    summary = msgspec.structs.asdict(article_summary(article))
    body_html = bodies.article_body_html(body=article.body, author_id=article.author_id)
    return answer(schemas.Article(**summary, body=article.body, body_html=body_html), status=status)


def _page_json(page: ArticlePage) -> HttpResponse:
    from blog import schemas
    from common.schema import answer

    articles = [article_summary(a) for a in page.articles]
    return answer(schemas.ArticlePage(articles=articles, next_cursor=page.next_cursor))


def _query(request: HttpRequest, *, allowed: frozenset[str]) -> None:
    unknown = set(request.GET) - allowed
    if unknown:
        raise ValidationFailed(
            "Unknown query parameters.", fields=dict.fromkeys(unknown, "Unknown parameter.")
        )


def _list(request: HttpRequest) -> HttpResponse:
    _query(request, allowed=frozenset({"cursor", "tag"}))
    cursor = request.GET.get("cursor") or None
    if "tag" in request.GET:
        tag = normalise_tag(request.GET["tag"])
        if tag is None:
            raise ValidationFailed(
                "Not a tag.", fields={"tag": "1-32 lower-case letters (a-z), digits or hyphens."}
            )
        return _page_json(selectors.article_list_by_tag(tag=tag, cursor=cursor))
    return _page_json(selectors.article_list_latest(cursor=cursor))


def _list_mine(request: HttpRequest) -> HttpResponse:
    identity = api_identity_required(request)
    _query(request, allowed=frozenset({"cursor"}))
    cursor = request.GET.get("cursor") or None
    return _page_json(selectors.article_list_mine(author_id=identity.user_id, cursor=cursor))


def _create(request: HttpRequest) -> HttpResponse:
    identity = api_identity_required(request, group=GROUP_AUTHORS)
    from blog.schemas import ArticleInput, article_problem  # msgspec on first use, not at start-up
    from common.schema import request_body

    data = request_body(request, ArticleInput, problem=article_problem)
    article = services.article_publish(author=identity, **data.given())
    response = _article(article, status=201)
    response["Location"] = reverse("blog-api:article", args=[article.id])
    return response


def _get(request: HttpRequest, article_id: str) -> HttpResponse:
    # Drafts and scheduled articles: 404 to anyone but their author and admins.
    article = selectors.article_get(article_id=article_id, viewer=request_identity(request))
    return _article(article)


def _update(request: HttpRequest, article_id: str) -> HttpResponse:
    identity = api_identity_required(request, group=GROUP_AUTHORS)
    from blog.schemas import ArticlePatch, article_problem  # msgspec on first use, not at start-up
    from common.schema import request_body

    changes = request_body(request, ArticlePatch, problem=article_problem).given()
    if not changes:
        raise ValidationFailed("Send at least one field to change.")
    article = services.article_update(article_id=article_id, editor=identity, **changes)
    return _article(article)


def _delete(request: HttpRequest, article_id: str) -> HttpResponse:
    identity = api_identity_required(request)
    services.article_delete(article_id=article_id, actor=identity)
    return HttpResponse(status=204)


def _like_response(result: LikeResult, token: str) -> HttpResponse:
    from blog.schemas import LikeState
    from common.schema import answer

    response = answer(LikeState(liked=result.liked, like_count=result.like_count))
    visitor_cookie_set(response, token)
    return response


def _like(request: HttpRequest, article_id: str) -> HttpResponse:
    like_page_token_check(request, article_id=article_id)
    reader, token = reader_from_request(request)
    try:
        result = services.article_like(
            article_id=article_id, reader=reader, client_address=client_address(request)
        )
    except AlreadyLiked:
        # Liking twice is not an error the reader can act on: answer with the state as it is.
        result = LikeResult(liked=True, like_count=selectors.article_like_count(article_id=article_id))
    return _like_response(result, token)


def _unlike(request: HttpRequest, article_id: str) -> HttpResponse:
    reader, token = reader_from_request(request)
    try:
        result = services.article_unlike(
            article_id=article_id, reader=reader, client_address=client_address(request)
        )
    except NotLiked:
        result = LikeResult(liked=False, like_count=selectors.article_like_count(article_id=article_id))
    return _like_response(result, token)


articles = api_view({"GET": _list, "POST": _create})
article = api_view({"GET": _get, "PATCH": _update, "DELETE": _delete})
article_like = api_view({"POST": _like, "DELETE": _unlike}, anonymous_writes=True)
my_articles = api_view({"GET": _list_mine})
