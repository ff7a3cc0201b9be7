"""The search index in the blog's table: the only search code that speaks DynamoDB.

Items (beside the articles, in the same table; ``entity`` tells the stream handler they are not
content, so analytics ignores them):

- posting  pk ``SEARCH#<term>``, sk ``<score, 9 digits>#<article id>``: entity="search_posting",
  and what a result shows (article_id, slug, title, excerpt, author_id, author_name,
  published_at, visible_from) plus ``expires_at``, the article's TTL, so postings expire with it.
  A Query on one term, newest sort key first, reads that term's best articles first and stops
  at ``Limit``: a query's cost does not grow with the number of articles.
- document pk ``SEARCHDOC#<article id>``, sk ``SEARCHDOC``: entity="search_doc", ``postings``
  (the term and sort key of every posting the article holds), so re-indexing or removing an
  article deletes exactly its postings, whatever the scoring was when they were written.
"""

from __future__ import annotations

import random
import time
from typing import Any

from cloud import aws
from cloud.resources import ENTITY, PK, SK, TTL_ATTRIBUTE
from search.index import Document

Item = dict[str, dict[str, Any]]
TERM_PREFIX = "SEARCH#"
DOC_PREFIX = "SEARCHDOC#"
BATCH_WRITE_MAX = 25  # BatchWriteItem's limit per request
BATCH_RETRIES = 8  # unprocessed items (throttling) are sent again with backoff, then we fail
BACKOFF_SECONDS = 0.05
POSTING_ATTRIBUTES = ("article_id", "slug", "title", "excerpt", "author_id", "author_name", "published_at")


class IndexWriteFailed(Exception):
    """DynamoDB kept refusing part of a batch: the stream delivers the record again."""


def posting_key(term: str, *, score: int, article_id: str) -> dict[str, str]:
    return {PK: f"{TERM_PREFIX}{term}", SK: f"{score:09d}#{article_id}"}


def doc_key(article_id: str) -> dict[str, str]:
    return {PK: f"{DOC_PREFIX}{article_id}", SK: "SEARCHDOC"}


def _posting_keys(document: Document, scores: dict[str, int]) -> set[tuple[str, str]]:
    return {(t, posting_key(t, score=v, article_id=document.article_id)[SK]) for t, v in scores.items()}


def _posting_puts(document: Document, keys: set[tuple[str, str]]) -> list[dict[str, Any]]:
    shown: Item = {
        ENTITY: _s("search_posting"),
        "article_id": _s(document.article_id),
        "slug": _s(document.slug),
        "title": _s(document.title),
        "excerpt": _s(document.excerpt),
        "author_id": _s(document.author_id),
        "author_name": _s(document.author_name),
        "published_at": _s(document.published_at),
        "visible_from": {"N": str(document.visible_from)},
        TTL_ATTRIBUTE: {"N": str(document.expires_at)},
    }
    return [
        {"PutRequest": {"Item": {PK: _s(f"{TERM_PREFIX}{term}"), SK: _s(sk), **shown}}}
        for term, sk in sorted(keys)
    ]


def _doc_item(document: Document, keys: set[tuple[str, str]]) -> Item:
    doc: Item = {**_item_key(doc_key(document.article_id)), ENTITY: _s("search_doc")}
    doc[TTL_ATTRIBUTE] = {"N": str(document.expires_at)}
    if keys:
        doc["postings"] = {"SS": [f"{term}\t{sk}" for term, sk in sorted(keys)]}
    return doc


def _s(value: str) -> dict[str, str]:
    return {"S": value}


def _item_key(key: dict[str, str]) -> Item:
    return {name: _s(value) for name, value in key.items()}


class SearchRepository:
    def __init__(self, client: Any = None, *, table: str | None = None) -> None:
        self.client = client or aws.client("dynamodb")
        self.table = table or aws.names().table

    def _postings_of(self, article_id: str) -> set[tuple[str, str]]:
        answer = self.client.get_item(
            TableName=self.table, Key=_item_key(doc_key(article_id)), ConsistentRead=True
        )
        item = answer.get("Item") or {}
        return {tuple(entry.split("\t", 1)) for entry in item.get("postings", {}).get("SS", [])}

    def _write(self, requests: list[dict[str, Any]]) -> None:
        for start in range(0, len(requests), BATCH_WRITE_MAX):
            pending: dict[str, Any] = {self.table: requests[start : start + BATCH_WRITE_MAX]}
            for attempt in range(BATCH_RETRIES):
                answer = self.client.batch_write_item(RequestItems=pending)
                pending = answer.get("UnprocessedItems") or {}
                if not pending:
                    break
                time.sleep(BACKOFF_SECONDS * (2**attempt) * random.uniform(0.5, 1.5))
            else:
                raise IndexWriteFailed("BatchWriteItem left items unprocessed")

    def index(self, document: Document, *, scores: dict[str, int]) -> None:
        """Make the article findable by ``scores``' terms (replacing what it was findable by)."""
        new = _posting_keys(document, scores)
        old = self._postings_of(document.article_id)
        requests: list[dict[str, Any]] = [
            {"DeleteRequest": {"Key": {PK: _s(f"{TERM_PREFIX}{term}"), SK: _s(sk)}}} for term, sk in old - new
        ]
        requests += _posting_puts(document, new)
        self._write(requests)
        self.client.put_item(TableName=self.table, Item=_doc_item(document, new))

    def index_new(self, documents: list[tuple[Document, dict[str, int]]]) -> None:
        """Index articles that are not in the index yet, in full batches (a backfill)."""
        requests: list[dict[str, Any]] = []
        for document, scores in documents:
            keys = _posting_keys(document, scores)
            requests += _posting_puts(document, keys)
            requests.append({"PutRequest": {"Item": _doc_item(document, keys)}})
        self._write(requests)

    def unindex(self, article_id: str) -> None:
        """Make the article unfindable (deleted, unpublished)."""
        old = self._postings_of(article_id)
        requests = [{"DeleteRequest": {"Key": {PK: _s(f"{TERM_PREFIX}{t}"), SK: _s(sk)}}} for t, sk in old]
        requests.append({"DeleteRequest": {"Key": _item_key(doc_key(article_id))}})
        self._write(requests)

    def postings(self, term: str, *, limit: int, now: int) -> list[dict[str, str | int]]:
        """Return up to ``limit`` live postings of ``term``, best first (one Query)."""
        names = {f"#a{i}": name for i, name in enumerate(POSTING_ATTRIBUTES)}
        answer = self.client.query(
            TableName=self.table,
            KeyConditionExpression="#pk = :term",
            FilterExpression="#ttl > :now AND visible_from <= :now",
            ProjectionExpression=", ".join([*names, "#sk", "visible_from"]),
            ExpressionAttributeNames={**names, "#pk": PK, "#sk": SK, "#ttl": TTL_ATTRIBUTE},
            ExpressionAttributeValues={":term": _s(f"{TERM_PREFIX}{term}"), ":now": {"N": str(now)}},
            ScanIndexForward=False,
            Limit=limit,
        )
        found: list[dict[str, str | int]] = []
        for item in answer.get("Items", []):
            row: dict[str, str | int] = {
                name: str(item[name]["S"]) for name in POSTING_ATTRIBUTES if name in item
            }
            row["score"] = int(str(item[SK]["S"]).split("#", 1)[0])
            found.append(row)
        return found
