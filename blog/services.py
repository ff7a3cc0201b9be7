"""Writes: publish, edit and delete articles; like and unlike them.

Every input is validated here (pages and the API share these rules); every write is one DynamoDB
transaction (see blog.repository); every write made by this process invalidates its latest cache.
"""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, datetime, timedelta
from typing import Final

from django.conf import settings

from accounts.identity import Identity
from blog import markdown
from blog.cache import latest_cache_invalidate
from blog.domain import (
    Article,
    ArticleInvalid,
    LikeResult,
    NotAllowed,
    Reader,
    SlugTaken,
    validate_body,
    validate_expiry,
    validate_image_id,
    validate_title,
)
from blog.repository import ArticleRepository, LikeRepository
from blog.selectors import article_get
from blog.slugs import slug_candidates
from common import ratelimit
from uploads import pictures

logger = logging.getLogger(__name__)

# A person clicks like a few times a minute at most; a script clicking for 100 articles does not.
LIKE_LIMIT, LIKE_WINDOW_SECONDS = 30, 60


class _Unchanged:
    def __repr__(self) -> str:
        return "UNCHANGED"


UNCHANGED: Final = _Unchanged()  # a field a partial update (PATCH) leaves as it is


def _now(now: datetime | None) -> datetime:
    return now or datetime.now(UTC)


def _expires_at(moment: datetime, days: int | None) -> int:
    days = settings.ARTICLE_DEFAULT_TTL_DAYS if days is None else days
    return int((moment + timedelta(days=days)).timestamp())


def _cover(value: object, *, owner_id: str, problems: dict[str, str]) -> str | None:
    image_id, problem = validate_image_id(value)
    if problem:
        problems["cover_image_id"] = problem
    elif image_id and not pictures.is_ready_image_of(image_id, owner_id=owner_id):
        problems["cover_image_id"] = "None of your ready images has this id."
    return image_id


def article_publish(
    *,
    author: Identity,
    title: object,
    body: object,
    expires_in_days: object = None,
    cover_image_id: object = None,
    now: datetime | None = None,
    repository: ArticleRepository | None = None,
) -> Article:
    """Publish a new article under a unique slug; raise ArticleInvalid, DuplicateContent or NotAllowed."""
    if not author.is_author:
        raise NotAllowed("Only authors may publish.")
    problems: dict[str, str] = {}
    clean_title, problem = validate_title(title)
    if problem:
        problems["title"] = problem
    clean_body, problem = validate_body(body)
    if problem:
        problems["body"] = problem
    days, problem = validate_expiry(expires_in_days)
    if problem:
        problems["expires_in_days"] = problem
    cover = _cover(cover_image_id, owner_id=author.user_id, problems=problems)
    if problems or clean_title is None or clean_body is None:
        raise ArticleInvalid(problems)

    moment = _now(now)
    repository = repository or ArticleRepository()
    draft = Article(
        id=uuid.uuid4().hex,
        slug="",
        title=clean_title,
        body=clean_body,
        excerpt=markdown.excerpt(clean_body),
        author_id=author.user_id,
        author_name=author.display_name,
        published_at=moment,
        updated_at=moment,
        expires_at=_expires_at(moment, days),
        cover_image_id=cover,
    )
    for slug in slug_candidates(clean_title):
        article = Article(**{**draft.__dict__, "slug": slug})
        try:
            repository.create(article, now=int(moment.timestamp()))
        except SlugTaken:
            continue
        latest_cache_invalidate()
        logger.info("article published", extra={"article_id": article.id, "author_id": author.user_id})
        return article
    raise SlugTaken("Could not find a free address for this title: change the title a little.")


def article_update(
    *,
    article_id: str,
    editor: Identity,
    title: object = UNCHANGED,
    body: object = UNCHANGED,
    expires_in_days: object = UNCHANGED,
    cover_image_id: object = UNCHANGED,
    now: datetime | None = None,
    repository: ArticleRepository | None = None,
) -> Article:
    """Edit an article (author only; the slug stays); raise ArticleNotFound, NotAllowed, ArticleInvalid."""
    moment = _now(now)
    repository = repository or ArticleRepository()
    old = article_get(article_id=article_id, now=moment.timestamp(), repository=repository)
    if editor.user_id != old.author_id:
        raise NotAllowed("Only the author may edit this article.")
    problems: dict[str, str] = {}
    new_title, new_body, expires_at, cover = old.title, old.body, old.expires_at, old.cover_image_id
    if title is not UNCHANGED:
        clean, problem = validate_title(title)
        new_title = clean or old.title
        if problem:
            problems["title"] = problem
    if body is not UNCHANGED:
        clean, problem = validate_body(body)
        new_body = clean or old.body
        if problem:
            problems["body"] = problem
    if expires_in_days is not UNCHANGED and expires_in_days is not None:
        days, problem = validate_expiry(expires_in_days)
        if problem:
            problems["expires_in_days"] = problem
        else:
            expires_at = _expires_at(moment, days)
    if cover_image_id is not UNCHANGED:
        cover = _cover(cover_image_id, owner_id=editor.user_id, problems=problems)
    if problems:
        raise ArticleInvalid(problems)
    new = Article(
        **{
            **old.__dict__,
            "title": new_title,
            "body": new_body,
            "excerpt": markdown.excerpt(new_body),
            "updated_at": moment,
            "expires_at": expires_at,
            "cover_image_id": cover,
        }
    )
    repository.update(old=old, new=new, now=int(moment.timestamp()))
    latest_cache_invalidate()
    logger.info("article updated", extra={"article_id": article_id, "author_id": editor.user_id})
    return new


def article_delete(
    *,
    article_id: str,
    actor: Identity,
    now: datetime | None = None,
    repository: ArticleRepository | None = None,
) -> None:
    """Delete an article (its author, or an admin); raise ArticleNotFound or NotAllowed.

    The like items stay behind (see blog.repository): they are never read again, and deleting
    thousands of them here would not fit in the request's time.
    """
    repository = repository or ArticleRepository()
    article = article_get(article_id=article_id, now=_now(now).timestamp(), repository=repository)
    if actor.user_id != article.author_id and not actor.is_admin:
        raise NotAllowed("Only the author or an admin may delete this article.")
    repository.delete(article)
    latest_cache_invalidate()
    logger.info("article deleted", extra={"article_id": article_id, "by": actor.user_id})


def article_like(
    *, article_id: str, reader: Reader, now: datetime | None = None, repository: LikeRepository | None = None
) -> LikeResult:
    """Like an article once per visitor; raise AlreadyLiked, ArticleNotFound or RateLimited (429)."""
    moment = _now(now)
    ratelimit.hit("like", reader.visitor_hash, limit=LIKE_LIMIT, per_seconds=LIKE_WINDOW_SECONDS)
    article = article_get(article_id=article_id, now=moment.timestamp())
    repository = repository or LikeRepository()
    repository.add(article=article, reader=reader, created_at=moment, now=int(moment.timestamp()))
    latest_cache_invalidate()
    return LikeResult(liked=True, like_count=repository.count(article_id=article_id))


def article_unlike(
    *, article_id: str, reader: Reader, now: datetime | None = None, repository: LikeRepository | None = None
) -> LikeResult:
    """Take a like back; raise NotLiked, ArticleNotFound or RateLimited (429)."""
    moment = _now(now)
    ratelimit.hit("like", reader.visitor_hash, limit=LIKE_LIMIT, per_seconds=LIKE_WINDOW_SECONDS)
    article_get(article_id=article_id, now=moment.timestamp())
    repository = repository or LikeRepository()
    repository.remove(article_id=article_id, visitor_hash=reader.visitor_hash, now=int(moment.timestamp()))
    latest_cache_invalidate()
    return LikeResult(liked=False, like_count=repository.count(article_id=article_id))
