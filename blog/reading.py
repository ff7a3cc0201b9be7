"""Finding the article a reader opens, in one request (its body: blog.bodies).

The article page needs the article and whether this visitor likes it. Both sit in the article's
item collection, so one BatchGetItem reads them together once the article's id is known. The id
comes from the slug: the slug -> id mapping never changes for a live article (the slug stays on
edits), so every listing this process renders (home, author, tag pages) remembers it in process
memory, and a reader who arrives from a list costs one DynamoDB request. A reader from elsewhere,
on an instance that has not seen the slug, costs two (the slug guard, then the batch).
"""

from __future__ import annotations

import time
from collections.abc import Iterable

from django.core.cache import cache

from accounts.identity import Identity
from blog.domain import ARTICLE_ID_PATTERN, Article, ArticleNotFound
from blog.repository import ArticleRepository
from blog.selectors import SLUG_MAX_LOOKUP_CHARS

SLUG_CACHE_SECONDS = 24 * 60 * 60  # slugs never move; a day bounds the memory of deleted ones


def _slug_key(slug: str) -> str:
    return f"blog:slug:{slug}"


def article_slugs_remember(articles: Iterable[Article]) -> None:
    """Remember the listed articles' slug -> id, so opening one costs a single request."""
    cache.set_many({_slug_key(a.slug): a.id for a in articles}, timeout=SLUG_CACHE_SECONDS)


def article_page_get(
    *,
    slug: str,
    visitor_hash: str | None,
    viewer: Identity | None = None,
    now: float | None = None,
    repository: ArticleRepository | None = None,
) -> tuple[Article, bool]:
    """Return the article at ``slug`` if ``viewer`` may see it (``Article.visible_to``: a draft or a
    scheduled one only to its author and admins) and whether the visitor likes it; raise ArticleNotFound."""
    if not slug or len(slug) > SLUG_MAX_LOOKUP_CHARS:
        raise ArticleNotFound()
    now = time.time() if now is None else now
    repository = repository or ArticleRepository()
    remembered = cache.get(_slug_key(slug))
    if isinstance(remembered, str) and ARTICLE_ID_PATTERN.match(remembered):
        article, liked = repository.get_with_like(remembered, visitor_hash=visitor_hash)
        if article is not None and article.slug == slug and article.visible_to(viewer, now=now):
            return article, liked
        cache.delete(_slug_key(slug))  # deleted, expired, or the slug now belongs to another
    article_id = repository.get_id_by_slug(slug)
    if article_id is None or not ARTICLE_ID_PATTERN.match(article_id):
        raise ArticleNotFound()
    article, liked = repository.get_with_like(article_id, visitor_hash=visitor_hash)
    if article is None or article.slug != slug or not article.visible_to(viewer, now=now):
        raise ArticleNotFound()
    article_slugs_remember([article])
    return article, liked
