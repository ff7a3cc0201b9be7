"""The articles and likes repositories: the only blog code that speaks DynamoDB.

Each takes a boto3 DynamoDB client (``cloud.aws`` builds one when none is given) and turns
``ClientError`` codes into ``blog.domain`` exceptions. Every "must (not) exist" rule is a condition,
and every change that touches several items is one ``TransactWriteItems``: nothing is half-written.

Item shapes (single table; keys from ``cloud.resources``; ``entity`` on every item). The analytics
stream handler reads these attributes; none holds an IP address or an email:

- article  ``article_key(id)``: entity="article", id, slug, title, body, excerpt, author_id,
  author_name, published_at, updated_at (ISO UTC, fixed width), expires_at (epoch s, the TTL),
  like_count (N), cover_image_id (optional);
  gsi1pk=LATEST_PARTITION, gsi1sk="<published_at>#<id>" (the "latest" index);
  gsi2pk=owner_partition(author_id), gsi2sk="ARTICLE#<published_at>" (the author's articles).
- like     ``like_key(article_id, visitor_hash)``: entity="like", article_id, article_title,
  author_id, author_name, visitor_hash (HMAC of a random cookie id), country (ISO 2 letters or
  "ZZ"), device, created_at. No TTL: an edit may extend the article's life past any expiry a
  like could carry (and a like vanishing early would let the visitor like twice), and analytics
  would read TTL deletions as unlikes. Likes of a deleted or expired article stay, unread.
- slug     ``slug_key(slug)``: entity="slug", slug, article_id, expires_at (the article's).
- content  ``content_key(sha256(title, body))``: entity="content", article_id, expires_at.

The guard items carry the article's expiry, so TTL removes them with it; until it does, a guard
whose ``expires_at`` has passed may be taken over (the conditions say so).
"""

from __future__ import annotations

import logging
import random
import time
import uuid
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from botocore.exceptions import ClientError

from blog.domain import (
    STATUS_DRAFT,
    STATUS_PUBLISHED,
    AlreadyLiked,
    Article,
    ArticleNotFound,
    BlogError,
    DuplicateContent,
    EditConflict,
    NotLiked,
    Reader,
    SlugTaken,
    content_hash,
    parse_timestamp,
    timestamp,
)
from cloud import aws
from cloud.resources import (
    ENTITY,
    GSI_LATEST,
    GSI_LATEST_PK,
    GSI_LATEST_SK,
    GSI_OWNER,
    GSI_OWNER_PK,
    GSI_OWNER_SK,
    LATEST_PARTITION,
    PK,
    SK,
    TAG_COUNTS_PARTITION,
    TTL_ATTRIBUTE,
    article_key,
    content_key,
    like_key,
    owner_partition,
    slug_key,
    tag_count_key,
    tag_key,
    tag_partition,
)

logger = logging.getLogger(__name__)

Item = dict[str, dict[str, Any]]
LATEST_KEY_NAMES = frozenset({PK, SK, GSI_LATEST_PK, GSI_LATEST_SK})
OWNER_KEY_NAMES = frozenset({PK, SK, GSI_OWNER_PK, GSI_OWNER_SK})
TAG_KEY_NAMES = frozenset({PK, SK})
# Listing needs everything but the body (up to 300 KB each): leave it out of the response.
SUMMARY_ATTRIBUTES = (
    "id",
    "slug",
    "title",
    "excerpt",
    "author_id",
    "author_name",
    "published_at",
    "updated_at",
    TTL_ATTRIBUTE,
    "like_count",
    "cover_image_id",
    "status",
    "tags",
    "expiry_days",
    "version",
)
# A draft's sort key in the owner index: after every timestamp ("~" > digits), so an author's
# public listing (sort keys up to "ARTICLE#<now>") never reaches a draft, while "my articles"
# (every ARTICLE# key) lists drafts first, then scheduled, published and expired articles.
DRAFT_OWNER_SORT_PREFIX = "ARTICLE#~"
# Two transactions on one item at once are cancelled with TransactionConflict: retry a few times
# with jittered backoff (a hot article's likes), then give up with Busy.
CONFLICT_RETRIES = 6
CONFLICT_BACKOFF_SECONDS = 0.02
BATCH_GET_MAX_KEYS = 100  # BatchGetItem's limit per request
BATCH_GET_RETRIES = 5  # unprocessed keys (throttling) come back with backoff, then Busy
# Optional attributes an edit removes when the new version has none.
OPTIONAL_ATTRIBUTES = ("cover_image_id", "expiry_days", GSI_LATEST_PK, GSI_LATEST_SK)
# Set once at creation and never changed by an edit (like_count is the likes' own counter).
FIXED_ATTRIBUTES = frozenset({PK, SK, ENTITY, "id", "slug", "author_id", "like_count"})


class Busy(BlogError):
    status, code = 503, "busy"
    message = "The article is busy right now: try again in a moment."


def _s(value: str) -> dict[str, str]:
    return {"S": value}


def _n(value: int) -> dict[str, str]:
    return {"N": str(value)}


def _key(key: Mapping[str, str]) -> Item:
    return {name: _s(value) for name, value in key.items()}


def upper_bound(now: float) -> str:
    """Return the highest ``<published_at>#<id>`` sort key published by ``now`` ("~" sorts after hex)."""
    return f"{timestamp(datetime.fromtimestamp(now, UTC))}#~"


def is_counted(article: Article) -> bool:
    """Return whether the article has tag items and counts in its tags' counts (not a draft)."""
    return article.stored_status != STATUS_DRAFT


def article_item(article: Article) -> Item:
    """Return the DynamoDB item for ``article``."""
    published = timestamp(article.published_at)
    updated = timestamp(article.updated_at)
    item: Item = {
        **_key(article_key(article.id)),
        ENTITY: _s("article"),
        "id": _s(article.id),
        "slug": _s(article.slug),
        "title": _s(article.title),
        "body": _s(article.body),
        "excerpt": _s(article.excerpt),
        "author_id": _s(article.author_id),
        "author_name": _s(article.author_name),
        "published_at": _s(published),
        "updated_at": _s(updated),
        TTL_ATTRIBUTE: _n(article.expires_at),
        "like_count": _n(article.like_count),
        "status": _s(article.stored_status),
        "tags": {"L": [_s(tag) for tag in article.tags]},
        "version": _n(article.version),
        GSI_OWNER_PK: _s(owner_partition(article.author_id)),
    }
    if article.stored_status == STATUS_DRAFT:
        # Drafts stay out of the sparse "latest" index altogether.
        item[GSI_OWNER_SK] = _s(f"{DRAFT_OWNER_SORT_PREFIX}{updated}")
    else:
        item[GSI_LATEST_PK] = _s(LATEST_PARTITION)
        item[GSI_LATEST_SK] = _s(f"{published}#{article.id}")
        item[GSI_OWNER_SK] = _s(f"ARTICLE#{published}")
    if article.cover_image_id:
        item["cover_image_id"] = _s(article.cover_image_id)
    if article.expiry_days is not None:
        item["expiry_days"] = _n(article.expiry_days)
    return item


def article_from_item(item: Item) -> Article:
    """Return the article in a DynamoDB item (listings leave out the body: it is then empty)."""

    def text(name: str, default: str = "") -> str:
        return str(item[name]["S"]) if name in item else default

    return Article(
        id=text("id"),
        slug=text("slug"),
        title=text("title"),
        body=text("body"),
        excerpt=text("excerpt"),
        author_id=text("author_id"),
        author_name=text("author_name"),
        published_at=parse_timestamp(text("published_at")),
        updated_at=parse_timestamp(text("updated_at")),
        expires_at=int(item[TTL_ATTRIBUTE]["N"]),
        like_count=max(0, int(item.get("like_count", {"N": "0"})["N"])),
        cover_image_id=text("cover_image_id") or None,
        # Articles written before statuses existed are published.
        stored_status=text("status", STATUS_PUBLISHED),
        tags=tuple(str(tag["S"]) for tag in item.get("tags", {}).get("L", [])),
        expiry_days=int(item["expiry_days"]["N"]) if "expiry_days" in item else None,
        version=int(item.get("version", {"N": "0"})["N"]),
    )


def _tag_keys(article: Article) -> dict[str, dict[str, str]]:
    """Return the article's tag item keys by tag (none for a draft)."""
    if not is_counted(article):
        return {}
    published = timestamp(article.published_at)
    return {tag: tag_key(tag, published_at=published, article_id=article.id) for tag in article.tags}


def _reasons(error: ClientError) -> list[str]:
    return [str(reason.get("Code") or "None") for reason in error.response.get("CancellationReasons") or []]


def _transact(client: Any, items: list[dict[str, Any]], *, on_condition: Callable[[int], BlogError]) -> None:
    """Run one transaction; a failed condition on item ``i`` raises ``on_condition(i)``."""
    for attempt in range(CONFLICT_RETRIES):
        try:
            # The token makes botocore's own retries (after a timeout, say) idempotent: a retry of
            # a transaction that did succeed succeeds again instead of failing its conditions.
            client.transact_write_items(TransactItems=items, ClientRequestToken=uuid.uuid4().hex)
            return
        except ClientError as error:
            if error.response["Error"]["Code"] != "TransactionCanceledException":
                raise
            reasons = _reasons(error)
            for index, reason in enumerate(reasons):
                if reason == "ConditionalCheckFailed":
                    raise on_condition(index) from None
            if "TransactionConflict" not in reasons:
                raise
        time.sleep(CONFLICT_BACKOFF_SECONDS * (2**attempt) * random.uniform(0.5, 1.5))
    logger.warning("transaction conflict persisted", extra={"attempts": CONFLICT_RETRIES})
    raise Busy()


def _guard_item(key: Mapping[str, str], *, entity: str, article: Article) -> dict[str, Any]:
    """Return a guard item (slug or content) that lives as long as its article."""
    item = {
        **_key(key),
        ENTITY: _s(entity),
        "article_id": _s(article.id),
        TTL_ATTRIBUTE: _n(article.expires_at),
    }
    if entity == "slug":
        item["slug"] = _s(article.slug)
    return item


class ArticleRepository:
    """Articles with their slug and duplicate-content guards."""

    def __init__(self, client: Any = None, *, table: str | None = None) -> None:
        self.client = client or aws.client("dynamodb")
        self.table = table or aws.names().table

    def _guard_put(
        self, key: Mapping[str, str], *, entity: str, article: Article, now: int
    ) -> dict[str, Any]:
        return {
            "Put": {
                "TableName": self.table,
                "Item": _guard_item(key, entity=entity, article=article),
                # Free, or left behind by an article that has expired but not been deleted yet.
                "ConditionExpression": "attribute_not_exists(#pk) OR #ttl <= :now",
                "ExpressionAttributeNames": {"#pk": PK, "#ttl": TTL_ATTRIBUTE},
                "ExpressionAttributeValues": {":now": _n(now)},
            }
        }

    def _guard_delete(self, key: Mapping[str, str], *, article_id: str) -> dict[str, Any]:
        return {
            "Delete": {
                "TableName": self.table,
                "Key": _key(key),
                # Only our own guard (another article may have taken over an expired one).
                "ConditionExpression": "attribute_not_exists(#pk) OR article_id = :id",
                "ExpressionAttributeNames": {"#pk": PK},
                "ExpressionAttributeValues": {":id": _s(article_id)},
            }
        }

    def _tag_put(self, key: Mapping[str, str], *, tag: str, article: Article) -> dict[str, Any]:
        return {
            "Put": {
                "TableName": self.table,
                "Item": {
                    **_key(key),
                    ENTITY: _s("tag"),
                    "tag": _s(tag),
                    "article_id": _s(article.id),
                    "published_at": _s(timestamp(article.published_at)),
                    TTL_ATTRIBUTE: _n(article.expires_at),  # leaves with its article
                },
            }
        }

    def _tag_delete(self, key: Mapping[str, str]) -> dict[str, Any]:
        return {"Delete": {"TableName": self.table, "Key": _key(key)}}

    def _tag_count(self, tag: str, *, delta: int) -> dict[str, Any]:
        return {
            "Update": {
                "TableName": self.table,
                "Key": _key(tag_count_key(tag)),
                "UpdateExpression": "SET #entity = :entity, #tag = :tag ADD article_count :delta",
                "ExpressionAttributeNames": {"#entity": ENTITY, "#tag": "tag"},
                "ExpressionAttributeValues": {
                    ":entity": _s("tag_count"),
                    ":tag": _s(tag),
                    ":delta": _n(delta),
                },
            }
        }

    def _tag_changes(self, *, old: Article | None, new: Article | None) -> list[dict[str, Any]]:
        """Return the writes that move the tag items and counts from ``old`` to ``new``."""
        old_keys = _tag_keys(old) if old else {}
        new_keys = _tag_keys(new) if new else {}
        items: list[dict[str, Any]] = []
        for tag, key in old_keys.items():
            if new_keys.get(tag) != key:
                items.append(self._tag_delete(key))
        for tag, key in new_keys.items():
            assert new is not None
            if old_keys.get(tag) != key or (old is not None and old.expires_at != new.expires_at):
                items.append(self._tag_put(key, tag=tag, article=new))
        for tag in sorted(set(old_keys) | set(new_keys)):
            delta = (tag in new_keys) - (tag in old_keys)
            if delta:
                items.append(self._tag_count(tag, delta=delta))
        return items

    def create(self, article: Article, *, now: int) -> None:
        """Write the article with its guards and tag items; raise SlugTaken or DuplicateContent."""
        items = [
            {
                "Put": {
                    "TableName": self.table,
                    "Item": article_item(article),
                    "ConditionExpression": "attribute_not_exists(#pk)",
                    "ExpressionAttributeNames": {"#pk": PK},
                }
            },
            self._guard_put(slug_key(article.slug), entity="slug", article=article, now=now),
            self._guard_put(
                content_key(content_hash(title=article.title, body=article.body)),
                entity="content",
                article=article,
                now=now,
            ),
            *self._tag_changes(old=None, new=article),
        ]
        failures: dict[int, BlogError] = {1: SlugTaken(), 2: DuplicateContent()}
        _transact(self.client, items, on_condition=lambda index: failures.get(index, BlogError()))

    @staticmethod
    def _version_condition(article: Article) -> str:
        # Items written before versions existed have none: they are version 0.
        if article.version == 0:
            return "(attribute_not_exists(#version) OR #version = :version)"
        return "#version = :version"

    def update(self, *, old: Article, new: Article, now: int) -> Article:
        """Replace the article's editable fields (the slug stays), if nobody changed it since ``old``
        was read; move the guards, tag items and tag counts in the same transaction.

        Return the article as stored (its version bumped). Raise EditConflict when the article is no
        longer as read (edited, gone or expired) and DuplicateContent when another article has the
        new title and body.
        """
        names: dict[str, str] = {"#pk": PK, "#ttl": TTL_ATTRIBUTE, "#version": "version"}
        values: dict[str, Any] = {":author": _s(old.author_id), ":now": _n(now), ":version": _n(old.version)}
        sets: list[str] = []
        stored = new._replace(version=old.version + 1)
        target = article_item(stored)
        for index, (name, value) in enumerate(sorted(target.items())):
            if name in FIXED_ATTRIBUTES:
                continue
            names[f"#u{index}"] = name
            values[f":u{index}"] = value
            sets.append(f"#u{index} = :u{index}")
        removes: list[str] = []
        for index, name in enumerate(OPTIONAL_ATTRIBUTES):
            if name not in target:
                names[f"#r{index}"] = name
                removes.append(f"#r{index}")
        update = "SET " + ", ".join(sets) + (" REMOVE " + ", ".join(removes) if removes else "")
        condition = (
            "attribute_exists(#pk) AND author_id = :author AND #ttl > :now AND "
            + self._version_condition(old)
        )
        items: list[dict[str, Any]] = [
            {
                "Update": {
                    "TableName": self.table,
                    "Key": _key(article_key(old.id)),
                    "UpdateExpression": update,
                    "ConditionExpression": condition,
                    "ExpressionAttributeNames": names,
                    "ExpressionAttributeValues": values,
                }
            }
        ]
        failures: dict[int, BlogError] = {0: EditConflict()}
        old_hash = content_hash(title=old.title, body=old.body)
        new_hash = content_hash(title=new.title, body=new.body)
        if new_hash != old_hash:
            items.append(self._guard_delete(content_key(old_hash), article_id=old.id))
            failures[len(items)] = DuplicateContent()
            items.append(self._guard_put(content_key(new_hash), entity="content", article=new, now=now))
        elif new.expires_at != old.expires_at:
            items.append(self._guard_refresh(content_key(old_hash), entity="content", article=new))
        if new.expires_at != old.expires_at:
            items.append(self._guard_refresh(slug_key(old.slug), entity="slug", article=new))
        items.extend(self._tag_changes(old=old, new=new))
        _transact(self.client, items, on_condition=lambda index: failures.get(index, EditConflict()))
        return stored

    def _guard_refresh(self, key: Mapping[str, str], *, entity: str, article: Article) -> dict[str, Any]:
        return {
            "Put": {
                "TableName": self.table,
                "Item": _guard_item(key, entity=entity, article=article),
                "ConditionExpression": "attribute_not_exists(#pk) OR article_id = :id",
                "ExpressionAttributeNames": {"#pk": PK},
                "ExpressionAttributeValues": {":id": _s(article.id)},
            }
        }

    def delete(self, article: Article) -> None:
        """Delete the article, its guards and tag items together (uncounting its tags), if it is
        still as read; raise EditConflict if it changed or is already gone."""
        items = [
            {
                "Delete": {
                    "TableName": self.table,
                    "Key": _key(article_key(article.id)),
                    "ConditionExpression": f"attribute_exists(#pk) AND {self._version_condition(article)}",
                    "ExpressionAttributeNames": {"#pk": PK, "#version": "version"},
                    "ExpressionAttributeValues": {":version": _n(article.version)},
                }
            },
            self._guard_delete(slug_key(article.slug), article_id=article.id),
            self._guard_delete(
                content_key(content_hash(title=article.title, body=article.body)), article_id=article.id
            ),
            *self._tag_changes(old=article, new=None),
        ]
        _transact(self.client, items, on_condition=lambda index: EditConflict())

    def get(self, article_id: str, *, consistent: bool = False) -> Article | None:
        """Return the article (even an expired one or a draft: callers decide), or None."""
        answer = self.client.get_item(
            TableName=self.table, Key=_key(article_key(article_id)), ConsistentRead=consistent
        )
        item = answer.get("Item")
        return article_from_item(item) if item else None

    def get_many(self, article_ids: list[str]) -> dict[str, Article]:
        """Return the articles found among ``article_ids`` (expired ones too), by id: one
        BatchGetItem per 100 ids (its limit), retrying what DynamoDB leaves unprocessed."""
        found: dict[str, Article] = {}
        unique_ids = list(dict.fromkeys(article_ids))
        for start in range(0, len(unique_ids), BATCH_GET_MAX_KEYS):
            keys = [_key(article_key(i)) for i in unique_ids[start : start + BATCH_GET_MAX_KEYS]]
            for item in self._batch_get(keys):
                article = article_from_item(item)
                found[article.id] = article
        return found

    def get_with_like(self, article_id: str, *, visitor_hash: str | None) -> tuple[Article | None, bool]:
        """Return the article (even an expired one) and whether the visitor likes it, in one
        request: the like sits in the article's item collection, so one BatchGetItem reads both."""
        if not visitor_hash:
            return self.get(article_id), False
        keys = [_key(article_key(article_id)), _key(like_key(article_id, visitor_hash))]
        article: Article | None = None
        liked = False
        for item in self._batch_get(keys):
            if item.get(ENTITY, {}).get("S") == "like":
                liked = True
            else:
                article = article_from_item(item)
        return article, liked

    def _batch_get(
        self, keys: list[Item], *, projection: str | None = None, names: dict[str, str] | None = None
    ) -> list[Item]:
        items: list[Item] = []
        request: dict[str, Any] = {self.table: {"Keys": keys}}
        if projection:
            request[self.table]["ProjectionExpression"] = projection
            request[self.table]["ExpressionAttributeNames"] = names or {}
        for attempt in range(BATCH_GET_RETRIES):
            answer = self.client.batch_get_item(RequestItems=request)
            items.extend(answer.get("Responses", {}).get(self.table, []))
            request = answer.get("UnprocessedKeys") or {}
            if not request:
                return items
            time.sleep(CONFLICT_BACKOFF_SECONDS * (2**attempt) * random.uniform(0.5, 1.5))
        raise Busy()

    def get_id_by_slug(self, slug: str) -> str | None:
        answer = self.client.get_item(
            TableName=self.table, Key=_key(slug_key(slug)), ProjectionExpression="article_id"
        )
        item = answer.get("Item")
        return str(item["article_id"]["S"]) if item and "article_id" in item else None

    def _query_page(
        self,
        *,
        index: str | None,
        key_condition: str,
        key_names: dict[str, str],
        values: Item,
        limit: int,
        start: Item | None,
        now: float | None,
        projection: tuple[str, ...] = SUMMARY_ATTRIBUTES,
    ) -> tuple[list[Item], Item | None]:
        names = {f"#a{i}": name for i, name in enumerate(projection)}
        request: dict[str, Any] = {
            "TableName": self.table,
            "KeyConditionExpression": key_condition,
            "ProjectionExpression": ", ".join(names),
            "ExpressionAttributeNames": {**names, **key_names},
            "ExpressionAttributeValues": dict(values),
            "ScanIndexForward": False,
            "Limit": limit,
        }
        if index:
            request["IndexName"] = index
        if now is not None:
            # Expired articles stay until TTL deletes them (late in AWS, never in the emulator).
            request["FilterExpression"] = "#ttl > :now"
            request["ExpressionAttributeNames"]["#ttl"] = TTL_ATTRIBUTE
            request["ExpressionAttributeValues"][":now"] = _n(int(now))
        if start:
            request["ExclusiveStartKey"] = start
        answer = self.client.query(**request)
        return list(answer.get("Items", [])), answer.get("LastEvaluatedKey")

    def _articles_page(self, **query: Any) -> tuple[list[Article], Item | None]:
        items, last = self._query_page(**query)
        return [article_from_item(item) for item in items], last

    def list_latest(
        self, *, limit: int, start: Item | None, now: float, due_by: float | None = None
    ) -> tuple[list[Article], Item | None]:
        """Return up to ``limit`` published, unexpired articles whose time has come, newest first,
        and the key to continue from (drafts are not in the index; scheduled ones sort above now).
        With ``due_by``, the scheduled articles due by then come first."""
        upto = upper_bound(now if due_by is None else due_by)
        return self._articles_page(
            index=GSI_LATEST,
            key_condition="#lpk = :partition AND #lsk <= :upto",
            key_names={"#lpk": GSI_LATEST_PK, "#lsk": GSI_LATEST_SK},
            values={":partition": _s(LATEST_PARTITION), ":upto": _s(upto)},
            limit=limit,
            start=start,
            now=now,
        )

    def list_by_author(
        self, *, author_id: str, limit: int, start: Item | None, now: float
    ) -> tuple[list[Article], Item | None]:
        """Return a page of the author's public articles (published by ``now``, unexpired)."""
        published_by = timestamp(datetime.fromtimestamp(now, UTC))
        return self._articles_page(
            index=GSI_OWNER,
            key_condition="#opk = :owner AND #osk BETWEEN :low AND :high",
            key_names={"#opk": GSI_OWNER_PK, "#osk": GSI_OWNER_SK},
            values={
                ":owner": _s(owner_partition(author_id)),
                ":low": _s("ARTICLE#"),
                ":high": _s(f"ARTICLE#{published_by}"),
            },
            limit=limit,
            start=start,
            now=now,
        )

    def list_by_owner(
        self, *, author_id: str, limit: int, start: Item | None
    ) -> tuple[list[Article], Item | None]:
        """Return a page of every article of the author: drafts, scheduled, published and expired."""
        return self._articles_page(
            index=GSI_OWNER,
            key_condition="#opk = :owner AND begins_with(#osk, :prefix)",
            key_names={"#opk": GSI_OWNER_PK, "#osk": GSI_OWNER_SK},
            values={":owner": _s(owner_partition(author_id)), ":prefix": _s("ARTICLE#")},
            limit=limit,
            start=start,
            now=None,
        )

    def list_by_tag(
        self, *, tag: str, limit: int, start: Item | None, now: float
    ) -> tuple[list[Article], Item | None]:
        """Return a page of the tag's public articles, newest first: one Query on the tag's
        partition, then one BatchGetItem for the articles themselves (their like counts are live)."""
        items, last = self._query_page(
            index=None,
            key_condition="#pk = :tag AND #sk <= :upto",
            key_names={"#pk": PK, "#sk": SK},
            values={":tag": _s(tag_partition(tag)), ":upto": _s(upper_bound(now))},
            limit=limit,
            start=start,
            now=now,
            projection=("article_id",),
        )
        ids = [str(item["article_id"]["S"]) for item in items if "article_id" in item]
        found = self.get_summaries(ids)
        return [found[i] for i in ids if i in found], last

    def get_summaries(self, article_ids: list[str]) -> dict[str, Article]:
        """Return the articles found among ``article_ids`` without their bodies, by id."""
        names = {f"#a{i}": name for i, name in enumerate(SUMMARY_ATTRIBUTES)}
        found: dict[str, Article] = {}
        unique_ids = list(dict.fromkeys(article_ids))
        for start in range(0, len(unique_ids), BATCH_GET_MAX_KEYS):
            keys = [_key(article_key(i)) for i in unique_ids[start : start + BATCH_GET_MAX_KEYS]]
            for item in self._batch_get(keys, projection=", ".join(names), names=names):
                article = article_from_item(item)
                found[article.id] = article
        return found

    def tag_counts(self) -> dict[str, int]:
        """Return every tag that has at least one (non-draft) article, with its article count."""
        counts: dict[str, int] = {}
        start: Item | None = None
        while True:
            items, start = self._query_page(
                index=None,
                key_condition="#pk = :partition",
                key_names={"#pk": PK},
                values={":partition": _s(TAG_COUNTS_PARTITION)},
                limit=1000,
                start=start,
                now=None,
                projection=("tag", "article_count"),
            )
            for item in items:
                count = int(item.get("article_count", {"N": "0"})["N"])
                if count > 0 and "tag" in item:
                    counts[str(item["tag"]["S"])] = count
            if not start:
                return counts


class LikeRepository:
    """One like per visitor per article, counted on the article in the same transaction."""

    def __init__(self, client: Any = None, *, table: str | None = None) -> None:
        self.client = client or aws.client("dynamodb")
        self.table = table or aws.names().table

    def _counter(self, article_id: str, *, delta: int, now: int) -> dict[str, Any]:
        return {
            "Update": {
                "TableName": self.table,
                "Key": _key(article_key(article_id)),
                "UpdateExpression": "ADD like_count :delta",
                "ConditionExpression": "attribute_exists(#pk) AND #ttl > :now",
                "ExpressionAttributeNames": {"#pk": PK, "#ttl": TTL_ATTRIBUTE},
                "ExpressionAttributeValues": {":delta": _n(delta), ":now": _n(now)},
            }
        }

    def add(self, *, article: Article, reader: Reader, created_at: datetime, now: int) -> None:
        """Record the like and count it; raise AlreadyLiked or ArticleNotFound (gone or expired)."""
        item: Item = {
            **_key(like_key(article.id, reader.visitor_hash)),
            ENTITY: _s("like"),
            "article_id": _s(article.id),
            "article_title": _s(article.title),
            "author_id": _s(article.author_id),
            "author_name": _s(article.author_name),
            "visitor_hash": _s(reader.visitor_hash),
            "country": _s(reader.country),
            "device": _s(reader.device),
            "created_at": _s(timestamp(created_at)),
        }
        items = [
            {
                "Put": {
                    "TableName": self.table,
                    "Item": item,
                    "ConditionExpression": "attribute_not_exists(#pk)",
                    "ExpressionAttributeNames": {"#pk": PK},
                }
            },
            self._counter(article.id, delta=1, now=now),
        ]
        failures: dict[int, BlogError] = {0: AlreadyLiked(), 1: ArticleNotFound()}
        _transact(self.client, items, on_condition=lambda index: failures[index])

    def remove(self, *, article_id: str, visitor_hash: str, now: int) -> None:
        """Remove the like and uncount it; raise NotLiked or ArticleNotFound."""
        items = [
            {
                "Delete": {
                    "TableName": self.table,
                    "Key": _key(like_key(article_id, visitor_hash)),
                    "ConditionExpression": "attribute_exists(#pk)",
                    "ExpressionAttributeNames": {"#pk": PK},
                }
            },
            self._counter(article_id, delta=-1, now=now),
        ]
        failures: dict[int, BlogError] = {0: NotLiked(), 1: ArticleNotFound()}
        _transact(self.client, items, on_condition=lambda index: failures[index])

    def exists(self, *, article_id: str, visitor_hash: str) -> bool:
        answer = self.client.get_item(
            TableName=self.table,
            Key=_key(like_key(article_id, visitor_hash)),
            ProjectionExpression="#sk",
            ExpressionAttributeNames={"#sk": SK},
        )
        return "Item" in answer

    def count(self, *, article_id: str) -> int:
        """Return the article's like count, read consistently (right after a like)."""
        answer = self.client.get_item(
            TableName=self.table,
            Key=_key(article_key(article_id)),
            ProjectionExpression="like_count",
            ConsistentRead=True,
        )
        item = answer.get("Item")
        if not item:
            raise ArticleNotFound()
        return max(0, int(item.get("like_count", {"N": "0"})["N"]))
