"""Reads: the latest articles (cached), one article, an author's or a tag's articles, tag counts,
my articles, whether a visitor likes one.

Every public read shows only what ``Article.is_public`` allows (published, its time reached, not
expired); the queries already select so (see blog.repository) and the results are checked again.
Drafts and scheduled articles are seen only by their author and admins (``Article.visible_to``).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache

from accounts.identity import Identity
from blog.cache import latest_cache_get, latest_cache_set
from blog.cursors import cursor_decode, cursor_encode
from blog.domain import (
    ARTICLE_ID_PATTERN,
    PAGE_SIZE,
    STATUS_SCHEDULED,
    USER_ID_PATTERN,
    Article,
    ArticleNotFound,
    ArticlePage,
    normalise_tag,
)
from blog.repository import (
    LATEST_KEY_NAMES,
    OWNER_KEY_NAMES,
    TAG_KEY_NAMES,
    ArticleRepository,
    Item,
    LikeRepository,
)
from cloud.resources import GSI_LATEST_PK, GSI_OWNER_PK, LATEST_PARTITION, PK, owner_partition, tag_partition

# Expired articles are filtered after DynamoDB's Limit, so a page can come back short; top it up
# with further queries, but only a few (usually one query per page: expiry is rare per page).
MAX_QUERIES_PER_PAGE = 4
SLUG_MAX_LOOKUP_CHARS = 120
TAGS_IN_USE_SIZE = 30  # the home page's list: the most used tags

Fetch = Callable[..., tuple[list[Article], Item | None]]  # (limit=, start=) -> (articles, last key)


def _collect(fetch: Fetch, *, start: Item | None, limit: int, now: float | None = None) -> ArticlePage:
    """Return up to ``limit`` articles from ``fetch``'s pages, and the cursor after the last one read.

    With ``now``, only public articles are kept (and counted); ``fresh_until`` is when the first
    scheduled one read goes public (only the latest page reads any, see article_list_latest).
    """
    kept: list[Article] = []
    due: list[float] = []
    last: Item | None = start
    for _ in range(MAX_QUERIES_PER_PAGE):
        found, last = fetch(limit=limit - len(kept), start=last)
        for article in found:
            if now is None or article.is_public(now=now):
                kept.append(article)
            elif article.status_at(now=now) == STATUS_SCHEDULED:
                due.append(article.published_at.timestamp())
        if len(kept) >= limit or not last:
            break
    next_cursor = cursor_encode(last) if last else None
    return ArticlePage(articles=kept, next_cursor=next_cursor, fresh_until=min(due, default=None))


def _public(page: ArticlePage, *, now: float) -> ArticlePage:
    return page._replace(articles=[a for a in page.articles if a.is_public(now=now)])


def article_list_latest(
    *, cursor: str | None = None, now: float | None = None, repository: ArticleRepository | None = None
) -> ArticlePage:
    """Return a page of the latest unexpired articles (without bodies), newest first; cached."""
    now = time.time() if now is None else now
    cached = latest_cache_get(cursor)
    if cached is not None and (cached.fresh_until is None or now < cached.fresh_until):
        return _public(cached, now=now)
    start = (
        cursor_decode(cursor, names=LATEST_KEY_NAMES, fixed={GSI_LATEST_PK: LATEST_PARTITION})
        if cursor
        else None
    )
    repository = repository or ArticleRepository()
    # A scheduled article goes public with no write. The first page is cached for at most
    # LATEST_CACHE_SECONDS, so it also reads the articles due within that time (they sort first)
    # and is cached only until the first of them goes public (``fresh_until``).
    due_by = now + settings.LATEST_CACHE_SECONDS if cursor is None else None
    page = _collect(
        lambda *, limit, start: repository.list_latest(limit=limit, start=start, now=now, due_by=due_by),
        start=start,
        limit=PAGE_SIZE,
        now=now,
    )
    latest_cache_set(cursor, page)
    return page


def article_list_by_author(
    *,
    author_id: str,
    cursor: str | None = None,
    now: float | None = None,
    repository: ArticleRepository | None = None,
) -> ArticlePage:
    """Return a page of an author's unexpired articles (without bodies), newest first."""
    if not USER_ID_PATTERN.match(author_id):
        return ArticlePage(articles=[])
    now = time.time() if now is None else now
    start = (
        cursor_decode(cursor, names=OWNER_KEY_NAMES, fixed={GSI_OWNER_PK: owner_partition(author_id)})
        if cursor
        else None
    )
    repository = repository or ArticleRepository()
    return _collect(
        lambda *, limit, start: repository.list_by_author(
            author_id=author_id, limit=limit, start=start, now=now
        ),
        start=start,
        limit=PAGE_SIZE,
        now=now,
    )


def article_list_by_tag(
    *,
    tag: str,
    cursor: str | None = None,
    now: float | None = None,
    repository: ArticleRepository | None = None,
) -> ArticlePage:
    """Return a page of the public articles tagged ``tag`` (without bodies), newest first.

    One Query on the tag's partition (never a Scan) and one BatchGetItem per page; the cursor is
    the Query's last key. A string that is not a tag has no articles.
    """
    if normalise_tag(tag) != tag:
        return ArticlePage(articles=[])
    now = time.time() if now is None else now
    start = cursor_decode(cursor, names=TAG_KEY_NAMES, fixed={PK: tag_partition(tag)}) if cursor else None
    repository = repository or ArticleRepository()
    return _collect(
        lambda *, limit, start: repository.list_by_tag(tag=tag, limit=limit, start=start, now=now),
        start=start,
        limit=PAGE_SIZE,
        now=now,
    )


def tag_list_counts(*, repository: ArticleRepository | None = None) -> list[tuple[str, int]]:
    """Return every tag in use with its number of articles, most used first (then by name).

    The counts are kept exact by every create, edit and delete (one transaction each). They count
    published and scheduled articles, and an expired one until the table's TTL deletes it.
    """
    counts = (repository or ArticleRepository()).tag_counts()
    return sorted(counts.items(), key=lambda pair: (-pair[1], pair[0]))


def tag_list_in_use() -> list[tuple[str, int]]:
    """Return the most used tags with their counts, kept in process memory for the latest-articles
    cache period (one Query on the counts partition per period, not per home page)."""
    cached = cache.get("blog:tags-in-use")
    if isinstance(cached, list):
        return cached
    tags = tag_list_counts()[:TAGS_IN_USE_SIZE]
    cache.set("blog:tags-in-use", tags, timeout=settings.LATEST_CACHE_SECONDS)
    return tags


def article_list_mine(
    *, author_id: str, cursor: str | None = None, repository: ArticleRepository | None = None
) -> ArticlePage:
    """Return a page of the author's articles of every status, drafts first, then newest first."""
    if not USER_ID_PATTERN.match(author_id):
        return ArticlePage(articles=[])
    start = (
        cursor_decode(cursor, names=OWNER_KEY_NAMES, fixed={GSI_OWNER_PK: owner_partition(author_id)})
        if cursor
        else None
    )
    repository = repository or ArticleRepository()
    return _collect(
        lambda *, limit, start: repository.list_by_owner(author_id=author_id, limit=limit, start=start),
        start=start,
        limit=PAGE_SIZE,
    )


def article_get(
    *,
    article_id: str,
    viewer: Identity | None = None,
    now: float | None = None,
    repository: ArticleRepository | None = None,
) -> Article:
    """Return the article ``article_id`` if ``viewer`` may see it (anyone: a public one; its author
    and admins: also a draft or scheduled one); raise ArticleNotFound."""
    if not ARTICLE_ID_PATTERN.match(article_id):
        raise ArticleNotFound()
    now = time.time() if now is None else now
    article = (repository or ArticleRepository()).get(article_id)
    if article is None or not article.visible_to(viewer, now=now):
        raise ArticleNotFound()
    return article


def article_get_by_slug(
    *,
    slug: str,
    viewer: Identity | None = None,
    now: float | None = None,
    repository: ArticleRepository | None = None,
) -> Article:
    """Return the article at ``slug`` if ``viewer`` may see it (see article_get); raise ArticleNotFound."""
    if not slug or len(slug) > SLUG_MAX_LOOKUP_CHARS:
        raise ArticleNotFound()
    repository = repository or ArticleRepository()
    article_id = repository.get_id_by_slug(slug)
    if article_id is None:
        raise ArticleNotFound()
    article = article_get(article_id=article_id, viewer=viewer, now=now, repository=repository)
    if article.slug != slug:  # a guard taken over after expiry points elsewhere
        raise ArticleNotFound()
    return article


def article_liked_by(
    *, article_id: str, visitor_hash: str | None, repository: LikeRepository | None = None
) -> bool:
    """Return whether the visitor (by hash) likes the article."""
    if not visitor_hash:
        return False
    return (repository or LikeRepository()).exists(article_id=article_id, visitor_hash=visitor_hash)


def article_like_count(*, article_id: str, repository: LikeRepository | None = None) -> int:
    """Return the article's like count, read consistently."""
    return (repository or LikeRepository()).count(article_id=article_id)
