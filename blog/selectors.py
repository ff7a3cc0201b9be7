"""Reads: the latest articles (cached), one article, an author's or a tag's articles, tag counts,
my articles, whether a visitor likes one.

Every public read shows only what ``Article.is_public`` allows (published, its time reached, not
expired); the queries already select so (see blog.repository) and the results are checked again.
Drafts and scheduled articles are seen only by their author and admins (``Article.visible_to``).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace

from accounts.identity import Identity
from blog import markdown
from blog.cache import latest_cache_get, latest_cache_set
from blog.cursors import cursor_decode, cursor_encode
from blog.domain import (
    ARTICLE_ID_PATTERN,
    PAGE_SIZE,
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
from uploads import pictures
from uploads.references import IMAGE_SCHEME

# Expired articles are filtered after DynamoDB's Limit, so a page can come back short; top it up
# with further queries, but only a few (usually one query per page: expiry is rare per page).
MAX_QUERIES_PER_PAGE = 4
SLUG_MAX_LOOKUP_CHARS = 120
BODY_IMAGE_SIZES = "(max-width: 46rem) 100vw, 46rem"  # the article column of site.css

Fetch = Callable[..., tuple[list[Article], Item | None]]  # (limit=, start=) -> (articles, last key)


def _collect(fetch: Fetch, *, start: Item | None, limit: int) -> ArticlePage:
    articles: list[Article] = []
    last: Item | None = start
    for _ in range(MAX_QUERIES_PER_PAGE):
        found, last = fetch(limit=limit - len(articles), start=last)
        articles.extend(found)
        if len(articles) >= limit or not last:
            break
    return ArticlePage(articles=articles, next_cursor=cursor_encode(last) if last else None)


def _public(page: ArticlePage, *, now: float) -> ArticlePage:
    return replace(page, articles=[a for a in page.articles if a.is_public(now=now)])


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
    page = _collect(
        lambda *, limit, start: repository.list_latest(limit=limit, start=start, now=now),
        start=start,
        limit=PAGE_SIZE,
    )
    # A scheduled article goes public with no write: the first page is cached only until then.
    fresh_until = repository.next_publication(now=now) if cursor is None else None
    page = replace(_public(page, now=now), fresh_until=fresh_until)
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
    page = _collect(
        lambda *, limit, start: repository.list_by_author(
            author_id=author_id, limit=limit, start=start, now=now
        ),
        start=start,
        limit=PAGE_SIZE,
    )
    return _public(page, now=now)


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
    page = _collect(
        lambda *, limit, start: repository.list_by_tag(tag=tag, limit=limit, start=start, now=now),
        start=start,
        limit=PAGE_SIZE,
    )
    return _public(page, now=now)


def tag_list_counts(*, repository: ArticleRepository | None = None) -> list[tuple[str, int]]:
    """Return every tag in use with its number of articles, most used first (then by name).

    The counts are kept exact by every create, edit and delete (one transaction each). They count
    published and scheduled articles, and an expired one until the table's TTL deletes it.
    """
    counts = (repository or ArticleRepository()).tag_counts()
    return sorted(counts.items(), key=lambda pair: (-pair[1], pair[0]))


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


def article_body_html(*, body: str, author_id: str) -> str:
    """Return the article body as sanitised HTML; its ``image:`` pictures, when they are the
    author's ready images, are rendered by uploads/ (anyone else's id is dropped)."""

    def picture(image_id: str, alt: str) -> str | None:
        if not pictures.is_ready_image_of(image_id, owner_id=author_id):
            return None
        return pictures.picture_html(image_id, alt=alt, sizes=BODY_IMAGE_SIZES)

    return markdown.render_markdown(body, picture=picture)


def article_body_warnings(*, body: str, author_id: str) -> list[str]:
    """Return a sentence for every picture or link in ``body`` that will not render on the page."""
    warnings: list[str] = []
    for kind, url in markdown.references(body):
        if kind == "image":
            if not url.startswith(IMAGE_SCHEME):
                warnings.append(
                    f"The image {url[:80]!r} is not shown: only your uploaded images are (image:ID)."
                )
                continue
            image_id = url[len(IMAGE_SCHEME) :]
            if not pictures.is_ready_image_of(image_id, owner_id=author_id):
                warnings.append(
                    f"The image {image_id[:64]!r} is not one of your ready images: it is not shown."
                )
        else:
            scheme = url.split(":", 1)[0].lower() if ":" in url.split("/", 1)[0] else ""
            if scheme and scheme not in markdown.URL_SCHEMES:
                warnings.append(f"The link {url[:80]!r} will not be a link: only http, https and mailto are.")
    return warnings
