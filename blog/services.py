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
    ARTICLE_ID_PATTERN,
    DRAFT_KEEP_DAYS,
    STATUS_DRAFT,
    STATUS_PUBLISHED,
    STATUS_SCHEDULED,
    Article,
    ArticleInvalid,
    ArticleNotFound,
    DeleteNotAllowed,
    EditConflict,
    EditNotAllowed,
    LikeResult,
    NotAllowed,
    Reader,
    SlugTaken,
    article_may_delete,
    article_may_edit,
    validate_body,
    validate_expiry,
    validate_image_id,
    validate_publish_at,
    validate_status,
    validate_tags,
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
# Concurrent edits of one article (two tabs, autosave) are rare: retry on the new version a few times.
EDIT_ATTEMPTS = 4
# A fresh cookie is a fresh visitor, so likes are also limited by the client's address (hashed,
# kept for the window only): one address may add LIKE_ADDRESS_ARTICLE_LIMIT likes to one article
# an hour (a household or an office behind one address), and LIKE_ADDRESS_LIMIT likes a minute in
# all. Settings BLOG_LIKE_ADDRESS_LIMIT / BLOG_LIKE_ADDRESS_ARTICLE_LIMIT override them (test suites
# that like from 127.0.0.1 all day).
LIKE_ADDRESS_LIMIT, LIKE_ADDRESS_WINDOW_SECONDS = 20, 60
LIKE_ADDRESS_ARTICLE_LIMIT, LIKE_ADDRESS_ARTICLE_WINDOW_SECONDS = 5, 60 * 60


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


def _schedule(
    *,
    current: str | None,
    status: object,
    publish_at: object,
    old_publish_at: datetime | None,
    moment: datetime,
    problems: dict[str, str],
) -> tuple[str, datetime | None]:
    """Return the status asked for and, when scheduled, its publication time.

    ``publish_at`` alone means "schedule"; "scheduled" needs a time in the future (or keeps the
    one already set); "published" and "draft" take no time: publishing is now.
    """
    target, problem = validate_status(None if status is UNCHANGED else status)
    if problem:
        problems["status"] = problem
    when, problem = validate_publish_at(None if publish_at is UNCHANGED else publish_at)
    if problem:
        problems["publish_at"] = problem
    if target is None:
        target = STATUS_SCHEDULED if when else current or STATUS_PUBLISHED
    if target == STATUS_SCHEDULED:
        when = when or old_publish_at
        if when is None:
            problems["publish_at"] = "Say when to publish (an ISO 8601 date and time)."
        elif when <= moment:
            problems["publish_at"] = "Must be in the future (leave it out to publish now)."
    elif when is not None:
        problems["publish_at"] = "Only a scheduled article has a publication time: publishing is now."
    return target, when if target == STATUS_SCHEDULED else None


def _timeline(
    *, target: str, when: datetime | None, days: int | None, old: Article | None, moment: datetime
) -> tuple[str, datetime, int]:
    """Return (stored status, published_at, expires_at): expiry counts from publication."""
    if target == STATUS_DRAFT:
        published_at = old.published_at if old else moment
        return STATUS_DRAFT, published_at, _expires_at(moment, DRAFT_KEEP_DAYS)
    if target == STATUS_SCHEDULED:
        assert when is not None
        return STATUS_PUBLISHED, when, _expires_at(when, days)
    if old is not None and old.status_at(now=moment.timestamp()) == STATUS_PUBLISHED:
        # Already public: it keeps its date; a new lifetime restarts the clock from now.
        return (
            STATUS_PUBLISHED,
            old.published_at,
            old.expires_at if days is None else _expires_at(moment, days),
        )
    return STATUS_PUBLISHED, moment, _expires_at(moment, days)


def article_publish(
    *,
    author: Identity,
    title: object,
    body: object,
    expires_in_days: object = None,
    cover_image_id: object = None,
    status: object = None,
    publish_at: object = None,
    tags: object = None,
    now: datetime | None = None,
    repository: ArticleRepository | None = None,
) -> Article:
    """Write a new article (published by default, or a draft, or scheduled) under a unique slug;
    raise ArticleInvalid, DuplicateContent or NotAllowed."""
    if not author.is_author:
        raise NotAllowed("Only authors may publish.")
    moment = _now(now)
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
    clean_tags, problem = validate_tags(tags)
    if problem:
        problems["tags"] = problem
    target, when = _schedule(
        current=None,
        status=status,
        publish_at=publish_at,
        old_publish_at=None,
        moment=moment,
        problems=problems,
    )
    cover = _cover(cover_image_id, owner_id=author.user_id, problems=problems)
    if problems or clean_title is None or clean_body is None or clean_tags is None:
        raise ArticleInvalid(problems)

    stored, published_at, expires_at = _timeline(target=target, when=when, days=days, old=None, moment=moment)
    repository = repository or ArticleRepository()
    draft = Article(
        id=uuid.uuid4().hex,
        slug="",
        title=clean_title,
        body=clean_body,
        excerpt=markdown.excerpt(clean_body),
        author_id=author.user_id,
        author_name=author.display_name,
        published_at=published_at,
        updated_at=moment,
        expires_at=expires_at,
        cover_image_id=cover,
        stored_status=stored,
        tags=clean_tags,
        expiry_days=days,
        version=1,
    )
    for slug in slug_candidates(clean_title):
        article = draft._replace(slug=slug)
        try:
            repository.create(article, now=int(moment.timestamp()))
        except SlugTaken:
            continue
        latest_cache_invalidate()
        logger.info(
            "article created",
            extra={"article_id": article.id, "author_id": author.user_id, "status": target},
        )
        return article
    raise SlugTaken("Could not find a free address for this title: change the title a little.")


def _article_for(*, article_id: str, actor: Identity, repository: ArticleRepository, now: float) -> Article:
    """Return the article as stored now, if ``actor`` may see it; raise ArticleNotFound."""
    if not ARTICLE_ID_PATTERN.match(article_id):
        raise ArticleNotFound()
    article = repository.get(article_id, consistent=True)
    if article is None or not article.visible_to(actor, now=now):
        raise ArticleNotFound()
    return article


def _edited(
    old: Article,
    *,
    title: object,
    body: object,
    expires_in_days: object,
    cover_image_id: object,
    status: object,
    publish_at: object,
    tags: object,
    moment: datetime,
) -> Article:
    """Return ``old`` with the changes applied; raise ArticleInvalid."""
    problems: dict[str, str] = {}
    new_title, new_body, cover, new_tags = old.title, old.body, old.cover_image_id, old.tags
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
    days, days_given = old.expiry_days, False
    if expires_in_days is not UNCHANGED and expires_in_days is not None:
        clean_days, problem = validate_expiry(expires_in_days)
        if problem:
            problems["expires_in_days"] = problem
        else:
            days, days_given = clean_days, True
    if tags is not UNCHANGED:
        clean_tags, problem = validate_tags(tags)
        if problem:
            problems["tags"] = problem
        new_tags = clean_tags or ()
    if cover_image_id is not UNCHANGED:
        cover = _cover(cover_image_id, owner_id=old.author_id, problems=problems)
    now = moment.timestamp()
    current = old.status_at(now=now)
    target, when = _schedule(
        current=current,
        status=status,
        publish_at=publish_at,
        old_publish_at=old.published_at if current == STATUS_SCHEDULED else None,
        moment=moment,
        problems=problems,
    )
    if problems:
        raise ArticleInvalid(problems)
    if target == STATUS_PUBLISHED and current == STATUS_PUBLISHED and not days_given:
        stored, published_at, expires_at = STATUS_PUBLISHED, old.published_at, old.expires_at
    else:
        stored, published_at, expires_at = _timeline(
            target=target, when=when, days=days, old=old, moment=moment
        )
    return old._replace(
        title=new_title,
        body=new_body,
        excerpt=markdown.excerpt(new_body),
        updated_at=moment,
        expires_at=expires_at,
        cover_image_id=cover,
        stored_status=stored,
        published_at=published_at,
        tags=new_tags,
        expiry_days=days,
    )


def article_update(
    *,
    article_id: str,
    editor: Identity,
    title: object = UNCHANGED,
    body: object = UNCHANGED,
    expires_in_days: object = UNCHANGED,
    cover_image_id: object = UNCHANGED,
    status: object = UNCHANGED,
    publish_at: object = UNCHANGED,
    tags: object = UNCHANGED,
    now: datetime | None = None,
    repository: ArticleRepository | None = None,
) -> Article:
    """Edit an article (author only; the slug stays), also its status: draft, scheduled or
    published. Raise ArticleNotFound, NotAllowed, ArticleInvalid, DuplicateContent or EditConflict.

    The write applies only if nobody changed the article since it was read (its version); when
    somebody did, the changes are applied again to the new version, a few times at most.
    """
    moment = _now(now)
    repository = repository or ArticleRepository()
    for _ in range(EDIT_ATTEMPTS):
        old = _article_for(article_id=article_id, actor=editor, repository=repository, now=moment.timestamp())
        if not article_may_edit(old, user_id=editor.user_id):
            raise EditNotAllowed()
        new = _edited(
            old,
            title=title,
            body=body,
            expires_in_days=expires_in_days,
            cover_image_id=cover_image_id,
            status=status,
            publish_at=publish_at,
            tags=tags,
            moment=moment,
        )
        try:
            stored = repository.update(old=old, new=new, now=int(moment.timestamp()))
        except EditConflict:
            continue
        latest_cache_invalidate()
        logger.info("article updated", extra={"article_id": article_id, "author_id": editor.user_id})
        return stored
    raise EditConflict()


def article_delete(
    *,
    article_id: str,
    actor: Identity,
    now: datetime | None = None,
    repository: ArticleRepository | None = None,
) -> None:
    """Delete an article (its author, or an admin); raise ArticleNotFound, NotAllowed or EditConflict.

    The like items stay behind (see blog.repository): they are never read again, and deleting
    thousands of them here would not fit in the request's time.
    """
    repository = repository or ArticleRepository()
    moment = _now(now)
    for _ in range(EDIT_ATTEMPTS):
        article = _article_for(
            article_id=article_id, actor=actor, repository=repository, now=moment.timestamp()
        )
        if not article_may_delete(article, user_id=actor.user_id, is_admin=actor.is_admin):
            raise DeleteNotAllowed()
        try:
            repository.delete(article)
        except EditConflict:
            continue
        latest_cache_invalidate()
        logger.info("article deleted", extra={"article_id": article_id, "by": actor.user_id})
        return
    raise EditConflict()


def like_rate_limit(*, article_id: str, reader: Reader, client_address: str | None, now: float) -> None:
    """Count one like or unlike of the visitor and of its address; raise RateLimited (429) past a limit.

    ``client_address`` is None only for calls that come from no client (benchmarks, demo content).
    """
    ratelimit.hit("like", reader.visitor_hash, limit=LIKE_LIMIT, per_seconds=LIKE_WINDOW_SECONDS, now=now)
    if client_address is None:
        return
    key = settings.VISITOR_HASH_KEY
    ratelimit.hit(
        "like-address",
        ratelimit.subject_hash(client_address, key=key),
        limit=getattr(settings, "BLOG_LIKE_ADDRESS_LIMIT", LIKE_ADDRESS_LIMIT),
        per_seconds=LIKE_ADDRESS_WINDOW_SECONDS,
        now=now,
    )
    ratelimit.hit(
        "like-address-article",
        ratelimit.subject_hash(client_address, article_id, key=key),
        limit=getattr(settings, "BLOG_LIKE_ADDRESS_ARTICLE_LIMIT", LIKE_ADDRESS_ARTICLE_LIMIT),
        per_seconds=LIKE_ADDRESS_ARTICLE_WINDOW_SECONDS,
        now=now,
    )


def article_like(
    *,
    article_id: str,
    reader: Reader,
    client_address: str | None = None,
    now: datetime | None = None,
    repository: LikeRepository | None = None,
) -> LikeResult:
    """Like an article once per visitor; raise AlreadyLiked, ArticleNotFound or RateLimited (429)."""
    return _like_set(
        article_id, reader, liked=True, client_address=client_address, now=now, repository=repository
    )


def article_unlike(
    *,
    article_id: str,
    reader: Reader,
    client_address: str | None = None,
    now: datetime | None = None,
    repository: LikeRepository | None = None,
) -> LikeResult:
    """Take a like back; raise NotLiked, ArticleNotFound or RateLimited (429)."""
    return _like_set(
        article_id, reader, liked=False, client_address=client_address, now=now, repository=repository
    )


def _like_set(
    article_id: str,
    reader: Reader,
    *,
    liked: bool,
    client_address: str | None,
    now: datetime | None,
    repository: LikeRepository | None,
) -> LikeResult:
    """Both directions of a like: the same limits, the same live-article check, then add or remove."""
    moment = _now(now)
    like_rate_limit(
        article_id=article_id, reader=reader, client_address=client_address, now=moment.timestamp()
    )
    article = article_get(article_id=article_id, now=moment.timestamp())
    repository = repository or LikeRepository()
    if liked:
        repository.add(article=article, reader=reader, created_at=moment, now=int(moment.timestamp()))
    else:
        repository.remove(
            article_id=article_id, visitor_hash=reader.visitor_hash, now=int(moment.timestamp())
        )
    latest_cache_invalidate()
    return LikeResult(liked=liked, like_count=repository.count(article_id=article_id))
