"""The search page (``/search/?q=``) and ``GET /api/search?q=``: thin views over search.selectors."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from common.api import api_view
from common.errors import ValidationFailed
from search.selectors import SearchInvalid, SearchPage, SearchResult, article_search

if TYPE_CHECKING:
    from search import schemas


def _page_number(value: str | None) -> int:
    if value is None or value == "":
        return 1
    if not value.isdigit():
        raise SearchInvalid("The page is a whole number.", fields={"page": "A whole number."})
    return int(value)


def _search(request: HttpRequest) -> SearchPage:
    return article_search(query=request.GET.get("q", ""), page=_page_number(request.GET.get("page")))


@require_safe
def search_page(request: HttpRequest) -> HttpResponse:
    try:
        found = _search(request)
    except SearchInvalid as error:
        context = {"query": request.GET.get("q", ""), "error": error.message}
        return render(request, "blog/search.html", context, status=400)
    return render(request, "blog/search.html", {"query": found.query, "found": found})


def result_json(result: SearchResult) -> schemas.SearchResult:
    from blog.schemas import Author
    from search import schemas  # msgspec on first use, not at start-up

    return schemas.SearchResult(
        id=result.article_id,
        slug=result.slug,
        url=reverse("blog:article", args=[result.slug]),
        title=result.title,
        excerpt=result.excerpt,
        title_html=result.title_html,
        excerpt_html=result.excerpt_html,
        author=Author(id=result.author_id, name=result.author_name),
        published_at=result.published_at,
        score=result.score,
        matched_terms=result.matched,
    )


def _api_search(request: HttpRequest) -> HttpResponse:
    unknown = set(request.GET) - {"q", "page"}
    if unknown:
        raise ValidationFailed(
            "Unknown query parameters.", fields=dict.fromkeys(unknown, "Unknown parameter.")
        )
    if not request.GET.get("q", "").strip():
        raise ValidationFailed("Say what to search for.", fields={"q": "Required."})
    found = _search(request)  # SearchInvalid is a ValidationFailed: api_view answers 400
    from common.schema import answer
    from search import schemas

    return answer(
        schemas.SearchPage(
            query=found.query,
            terms=found.terms,
            page=found.page,
            next_page=found.next_page,
            articles=[result_json(r) for r in found.results],
        )
    )


search_api = api_view({"GET": _api_search})
