"""The search API's answer (common.schema): a result is the blog's article card with its matches."""

from __future__ import annotations

from typing import Annotated

from msgspec import Meta

from blog.schemas import ArticleCard
from common.schema import Answer


class SearchResult(ArticleCard):
    title_html: Annotated[str, Meta(description="The title, escaped, matches in <mark>.")]
    excerpt_html: Annotated[str, Meta(description="The excerpt, escaped, matches in <mark>.")]
    published_at: str
    score: int
    matched_terms: int


class SearchPage(Answer):
    query: str
    terms: list[str]
    page: int
    next_page: int | None
    articles: list[SearchResult]
