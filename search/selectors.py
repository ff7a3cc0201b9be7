"""Reads: articles matching a query, ranked and paged, with the matches highlighted.

One Query per query term (at most ``MAX_QUERY_TERMS``, in parallel), each reading that term's
best ``POSTINGS_PER_TERM`` live postings; no Scan, and no read of the articles themselves (the
postings carry what a result shows). Articles matching more of the terms rank first, then by the
sum of their term scores, then the newest.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Protocol

from common.errors import ValidationFailed
from search.repository import SearchRepository
from search.text import highlight, terms

QUERY_MAX_CHARS = 200  # a question, not a document
MAX_QUERY_TERMS = 8  # one Query each: bounds a search's cost
POSTINGS_PER_TERM = 200  # the best matches per term; a reader pages through far fewer
SEARCH_PAGE_SIZE = 10
SEARCH_MAX_PAGE = POSTINGS_PER_TERM // SEARCH_PAGE_SIZE


class PostingSource(Protocol):
    def postings(self, term: str, *, limit: int, now: int) -> list[dict[str, str | int]]: ...


class SearchInvalid(ValidationFailed):
    """The query or page cannot be searched; ``fields`` says which and why."""


@dataclass(frozen=True)
class SearchResult:
    article_id: str
    slug: str
    title: str
    excerpt: str
    author_id: str
    author_name: str
    published_at: str
    score: int
    matched: int
    title_html: str
    excerpt_html: str


@dataclass(frozen=True)
class SearchPage:
    query: str
    terms: list[str]
    results: list[SearchResult] = field(default_factory=list)
    page: int = 1
    next_page: int | None = None
    total: int = 0  # of the best POSTINGS_PER_TERM per term


def query_terms(query: str) -> list[str]:
    """Return the distinct index terms of ``query``, in order, at most ``MAX_QUERY_TERMS``."""
    return list(dict.fromkeys(terms(query)))[:MAX_QUERY_TERMS]


def article_search(
    *, query: str, page: int = 1, now: float | None = None, repository: PostingSource | None = None
) -> SearchPage:
    """Return one page of the published, unexpired articles matching ``query``; raise SearchInvalid."""
    query = " ".join(query.split())
    if len(query) > QUERY_MAX_CHARS:
        problem = f"Search for at most {QUERY_MAX_CHARS} characters."
        raise SearchInvalid(problem, fields={"q": problem})
    if not 1 <= page <= SEARCH_MAX_PAGE:
        problem = f"Pages go from 1 to {SEARCH_MAX_PAGE}."
        raise SearchInvalid(problem, fields={"page": problem})
    wanted = query_terms(query)
    if not wanted:
        return SearchPage(query=query, terms=[], page=page)
    now = time.time() if now is None else now
    repository = repository or SearchRepository()

    def fetch(term: str) -> list[dict[str, str | int]]:
        return repository.postings(term, limit=POSTINGS_PER_TERM, now=int(now))

    if len(wanted) == 1:
        lists: Iterator[list[dict[str, str | int]]] = iter([fetch(wanted[0])])
    else:
        with ThreadPoolExecutor(max_workers=min(4, len(wanted))) as pool:
            lists = iter(list(pool.map(fetch, wanted)))
    merged: dict[str, dict[str, str | int]] = {}
    for postings in lists:
        for posting in postings:
            article_id = str(posting["article_id"])
            seen = merged.get(article_id)
            if seen is None:
                merged[article_id] = {**posting, "matched": 1}
            else:
                seen["score"] = int(seen["score"]) + int(posting["score"])
                seen["matched"] = int(seen["matched"]) + 1
    ranked = sorted(merged.values(), key=lambda p: str(p["published_at"]), reverse=True)
    ranked.sort(key=lambda p: (-int(p["matched"]), -int(p["score"])))  # stable: newest first on ties
    start = (page - 1) * SEARCH_PAGE_SIZE
    chosen = ranked[start : start + SEARCH_PAGE_SIZE]
    results = [
        SearchResult(
            article_id=str(p["article_id"]),
            slug=str(p["slug"]),
            title=str(p["title"]),
            excerpt=str(p.get("excerpt", "")),
            author_id=str(p.get("author_id", "")),
            author_name=str(p.get("author_name", "")),
            published_at=str(p.get("published_at", "")),
            score=int(p["score"]),
            matched=int(p["matched"]),
            title_html=highlight(str(p["title"]), wanted),
            excerpt_html=highlight(str(p.get("excerpt", "")), wanted),
        )
        for p in chosen
    ]
    more = start + SEARCH_PAGE_SIZE < len(ranked) and page < SEARCH_MAX_PAGE
    return SearchPage(
        query=query,
        terms=wanted,
        results=results,
        page=page,
        next_page=page + 1 if more else None,
        total=len(ranked),
    )
