"""Drafts, scheduled publishing and tags: services, selectors and the API against the emulator."""

from __future__ import annotations

import contextlib
import json
import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.test import Client

from accounts.identity import Identity
from blog import selectors, services
from blog.cache import latest_cache_invalidate
from blog.domain import (
    PAGE_SIZE,
    STATUS_DRAFT,
    STATUS_PUBLISHED,
    STATUS_SCHEDULED,
    Article,
    ArticleInvalid,
    ArticleNotFound,
    EditConflict,
    normalise_tag,
    validate_tags,
)
from blog.repository import ArticleRepository
from cloud import aws
from cloud.resources import tag_count_key
from tests.blog.conftest import Publish, bearer, csrf_token, signed_in, unique


def _tag() -> str:
    return unique("t-")


def _count(tag: str) -> int:
    """Return the tag's stored count, read straight from the table."""
    item = (
        aws.client("dynamodb")
        .get_item(
            TableName=aws.names().table,
            Key={k: {"S": v} for k, v in tag_count_key(tag).items()},
            ConsistentRead=True,
        )
        .get("Item")
    )
    return int(item["article_count"]["N"]) if item else 0


def _public_ids(
    *, tag: str | None = None, author_id: str | None = None, now: float | None = None
) -> set[str]:
    ids: set[str] = set()
    cursor = None
    while True:
        if tag:
            page = selectors.article_list_by_tag(tag=tag, cursor=cursor, now=now)
        elif author_id:
            page = selectors.article_list_by_author(author_id=author_id, cursor=cursor, now=now)
        else:
            page = selectors.article_list_latest(cursor=cursor, now=now)
        ids |= {a.id for a in page.articles}
        cursor = page.next_cursor
        if not cursor:
            return ids


# --- Pure rules ---------------------------------------------------------------------------------


def test_tags_are_normalised_and_limited() -> None:
    assert normalise_tag("  Serverless  Django ") == "serverless-django"
    assert normalise_tag("AWS") == "aws"
    for bad in ("", "x" * 33, "c++", "naïve", 3, None):
        assert normalise_tag(bad) is None
    assert validate_tags(["Python", "python", "aws"]) == (("python", "aws"), None)
    assert validate_tags([f"t{i}" for i in range(9)])[1] == "At most 8 tags."
    assert validate_tags("python")[1] == "Must be a list of tags."
    assert validate_tags(None) == ((), None)


# --- Status transitions (services) --------------------------------------------------------------


def test_draft_is_invisible_then_published(publish: Publish, author: Identity) -> None:
    tag = _tag()
    draft = publish(status="draft", tags=[tag], expires_in_days=5)
    assert draft.status_at(now=datetime.now(UTC).timestamp()) == STATUS_DRAFT
    assert draft.id not in _public_ids()
    assert draft.id not in _public_ids(author_id="author")
    assert _count(tag) == 0  # drafts count nowhere
    with pytest.raises(ArticleNotFound):
        selectors.article_get(article_id=draft.id)
    assert selectors.article_get(article_id=draft.id, viewer=author).id == draft.id

    later = datetime.now(UTC) + timedelta(seconds=1)
    published = services.article_update(article_id=draft.id, editor=author, status="published", now=later)
    assert published.status_at(now=later.timestamp()) == STATUS_PUBLISHED
    assert published.published_at == later
    # Expiry counts from publication, with the lifetime asked for when it was a draft.
    assert published.expires_at == int((later + timedelta(days=5)).timestamp())
    assert draft.id in _public_ids(now=later.timestamp() + 1)
    assert draft.id in _public_ids(tag=tag, now=later.timestamp() + 1)
    assert _count(tag) == 1

    back = services.article_update(article_id=draft.id, editor=author, status="draft")
    assert back.stored_status == STATUS_DRAFT
    assert draft.id not in _public_ids()
    assert draft.id not in _public_ids(tag=tag)
    assert _count(tag) == 0


def test_scheduled_article_appears_at_its_time(publish: Publish, author: Identity) -> None:
    now = datetime.now(UTC)
    at = now + timedelta(hours=2)
    tag = _tag()
    article = publish(status="scheduled", publish_at=at.isoformat(), tags=[tag], expires_in_days=3)
    assert article.published_at == at
    assert article.expires_at == int((at + timedelta(days=3)).timestamp())
    before, after = at.timestamp() - 1, at.timestamp() + 1
    assert article.status_at(now=before) == STATUS_SCHEDULED
    # No job runs: the same stored item is hidden before its time and public after it.
    assert article.id not in _public_ids(now=before)
    assert article.id not in _public_ids(tag=tag, now=before)
    assert article.id not in _public_ids(author_id="author", now=before)
    with pytest.raises(ArticleNotFound):
        selectors.article_get(article_id=article.id, now=before)
    assert article.id in _public_ids(now=after)
    assert article.id in _public_ids(tag=tag, now=after)
    assert article.id in _public_ids(author_id="author", now=after)
    assert selectors.article_get(article_id=article.id, now=after).id == article.id


def test_the_latest_page_is_cached_until_an_article_due_within_the_cache_period_goes_public(
    publish: Publish,
) -> None:
    for _ in range(PAGE_SIZE):
        publish()
    # Read as of ten days on, where no other test schedules anything.
    base = datetime.now(UTC) + timedelta(days=10)
    soon = publish(status="scheduled", publish_at=(base + timedelta(seconds=60)).isoformat())
    later = publish(status="scheduled", publish_at=(base + timedelta(hours=1)).isoformat())
    latest_cache_invalidate()
    page = selectors.article_list_latest(now=base.timestamp())
    # The page is full of public articles; the one due in a minute is read with them (its Query
    # reaches the cache period) and bounds the cached copy; the one due in an hour is not read.
    assert len(page.articles) == PAGE_SIZE
    assert {soon.id, later.id}.isdisjoint(a.id for a in page.articles)
    assert page.fresh_until == soon.published_at.timestamp()
    assert selectors.article_list_latest(now=base.timestamp() + 30) == page  # from the cache
    due = selectors.article_list_latest(now=soon.published_at.timestamp() + 1)
    assert due.articles[0].id == soon.id
    assert due.fresh_until is None


def test_schedule_rules(publish: Publish, author: Identity) -> None:
    past = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    with pytest.raises(ArticleInvalid) as error:
        publish(status="scheduled")
    assert "publish_at" in error.value.fields
    with pytest.raises(ArticleInvalid) as error:
        publish(status="scheduled", publish_at=past)
    assert error.value.fields["publish_at"].startswith("Must be in the future")
    with pytest.raises(ArticleInvalid) as error:
        publish(status="published", publish_at=(datetime.now(UTC) + timedelta(days=1)).isoformat())
    assert "publish_at" in error.value.fields
    with pytest.raises(ArticleInvalid) as error:
        publish(status="live", publish_at="tomorrow")
    assert set(error.value.fields) == {"status", "publish_at"}
    # publish_at alone schedules; a scheduled article published now gets now as its date.
    at = datetime.now(UTC) + timedelta(days=1)
    article = publish(publish_at=at.isoformat())
    assert article.status_at(now=datetime.now(UTC).timestamp()) == STATUS_SCHEDULED
    moved = services.article_update(article_id=article.id, editor=author, publish_at=(at + timedelta(days=1)))
    assert moved.published_at == at + timedelta(days=1)
    now = datetime.now(UTC)
    published = services.article_update(article_id=article.id, editor=author, status="published", now=now)
    assert published.published_at == now
    # A published article edited later keeps its date.
    edited = services.article_update(article_id=article.id, editor=author, title=f"Edited {unique()}")
    assert edited.published_at == now


def test_another_author_cannot_see_or_edit_a_draft(
    publish: Publish, writer: Identity, admin: Identity
) -> None:
    draft = publish(status="draft")
    with pytest.raises(ArticleNotFound):
        selectors.article_get(article_id=draft.id, viewer=writer)
    with pytest.raises(ArticleNotFound):
        services.article_update(article_id=draft.id, editor=writer, title="Mine now")
    assert selectors.article_get(article_id=draft.id, viewer=admin).id == draft.id
    services.article_delete(article_id=draft.id, actor=admin)


def test_my_articles_lists_every_status_drafts_first(writer: Identity) -> None:
    def write(**fields: Any) -> Article:
        return services.article_publish(author=writer, title=f"Mine {unique()}", body=unique(), **fields)

    published = write()
    scheduled = write(publish_at=(datetime.now(UTC) + timedelta(days=2)).isoformat())
    expired = write(now=datetime.now(UTC) - timedelta(days=3), expires_in_days=1)
    draft = write(status="draft")
    page = selectors.article_list_mine(author_id=writer.user_id)
    assert [a.id for a in page.articles] == [draft.id, scheduled.id, published.id, expired.id]
    assert _public_ids(author_id=writer.user_id) == {published.id}


# --- Tags -----------------------------------------------------------------------------------------


def test_tag_pages_by_query_with_cursor(publish: Publish) -> None:
    tag = _tag()
    made = [publish(tags=[tag, "shared-tag"]) for _ in range(PAGE_SIZE + 2)]
    first = selectors.article_list_by_tag(tag=tag)
    assert len(first.articles) == PAGE_SIZE
    assert first.next_cursor
    second = selectors.article_list_by_tag(tag=tag, cursor=first.next_cursor)
    listed = [a.id for a in first.articles + second.articles]
    assert listed == [a.id for a in reversed(made)]  # newest first, nothing twice
    assert first.articles[0].tags == (tag, "shared-tag")
    assert selectors.article_list_by_tag(tag="Not A Tag").articles == []
    assert dict(selectors.tag_list_counts())[tag] == PAGE_SIZE + 2


def test_tag_counts_follow_edits_and_deletes(publish: Publish, author: Identity) -> None:
    a, b = _tag(), _tag()
    article = publish(tags=[a])
    assert (_count(a), _count(b)) == (1, 0)
    services.article_update(article_id=article.id, editor=author, tags=[a, b])
    assert (_count(a), _count(b)) == (1, 1)
    services.article_update(article_id=article.id, editor=author, tags=[b])
    assert (_count(a), _count(b)) == (0, 1)
    assert article.id not in _public_ids(tag=a)
    services.article_delete(article_id=article.id, actor=author)
    assert (_count(a), _count(b)) == (0, 0)
    assert article.id not in _public_ids(tag=b)
    counts = dict(selectors.tag_list_counts())
    assert a not in counts
    assert b not in counts


def test_tag_counts_exact_under_concurrent_edits(publish: Publish, author: Identity) -> None:
    """Eight threads retag the same articles at once: the counts equal the tag items left."""
    tags = [_tag() for _ in range(3)]
    articles = [publish(tags=[tags[0]]) for _ in range(2)]
    errors: list[BaseException] = []

    def retag(worker: int) -> None:
        try:
            for step in range(4):
                chosen = [tags[(worker + step) % 3], tags[(worker + step + 1) % 3]][: 1 + (step % 2)]
                article = articles[(worker + step) % 2]
                # EditConflict: lost the race more often than the retries allow; nothing written.
                with contextlib.suppress(EditConflict):
                    services.article_update(article_id=article.id, editor=author, tags=chosen)
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=retag, args=(worker,)) for worker in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    repository = ArticleRepository()
    stored = [repository.get(a.id, consistent=True) for a in articles]
    for tag in tags:
        expected = sum(1 for article in stored if article and tag in article.tags)
        assert _count(tag) == expected
        assert len(_public_ids(tag=tag)) == expected


def test_stale_edit_is_refused_not_applied(publish: Publish) -> None:
    tag = _tag()
    article = publish(tags=[tag])
    repository = ArticleRepository()
    repository.update(old=article, new=article._replace(tags=()), now=int(datetime.now(UTC).timestamp()))
    with pytest.raises(EditConflict):  # ``article`` is the version before that edit
        repository.update(
            old=article, new=article._replace(tags=(tag, "x")), now=int(datetime.now(UTC).timestamp())
        )
    assert _count(tag) == 0


# --- API ------------------------------------------------------------------------------------------


def _api(client: Client, method: str, url: str, data: Any = None, *, token: str | None = None) -> Any:
    headers = bearer(token) if token else {}
    body = json.dumps(data) if data is not None else None
    return getattr(client, method)(url, body, content_type="application/json", headers=headers)


def test_api_statuses_and_tags(author_token: str, writer_token: tuple[str, str], admin_token: str) -> None:
    client = Client()
    tag = _tag()
    data = {"title": f"Draft {unique()}", "body": unique(), "status": "draft", "tags": [tag.upper()]}
    response = _api(client, "post", "/api/articles", data, token=author_token)
    assert response.status_code == 201, response.content
    draft = response.json()
    assert draft["status"] == "draft"
    assert draft["tags"] == [tag]
    assert draft["publish_at"] is None
    assert draft["published_at"] is None
    url = f"/api/articles/{draft['id']}"
    assert client.get(url).status_code == 404
    assert _api(client, "get", url, token=writer_token[1]).status_code == 404
    assert _api(client, "get", url, token=author_token).json()["status"] == "draft"
    assert _api(client, "get", url, token=admin_token).status_code == 200
    assert draft["id"] not in {a["id"] for a in client.get("/api/articles").json()["articles"]}
    assert client.get("/api/articles", {"tag": tag}).json()["articles"] == []

    mine = _api(client, "get", "/api/me/articles", token=author_token).json()
    assert mine["articles"][0]["id"] == draft["id"]
    assert client.get("/api/me/articles").status_code == 401

    at = (datetime.now(UTC) + timedelta(hours=3)).replace(microsecond=0)
    scheduled = _api(client, "patch", url, {"publish_at": at.isoformat()}, token=author_token).json()
    assert scheduled["status"] == "scheduled"
    assert scheduled["publish_at"] == at.isoformat().replace("+00:00", "Z")
    assert client.get(url).status_code == 404

    published = _api(client, "patch", url, {"status": "published"}, token=author_token).json()
    assert published["status"] == "published"
    assert published["published_at"] is not None
    assert client.get(url).json()["tags"] == [tag]
    listed = client.get("/api/articles", {"tag": tag}).json()
    assert [a["id"] for a in listed["articles"]] == [draft["id"]]

    bad = _api(client, "patch", url, {"tags": ["no spaces!"], "status": "live"}, token=author_token)
    assert bad.status_code == 400
    assert set(bad.json()["error"]["fields"]) == {"tags", "status"}
    assert client.get("/api/articles", {"tag": "Not a tag!"}).status_code == 400


def test_draft_absent_from_every_public_page(publish: Publish, author: Identity) -> None:
    tag = _tag()
    draft = publish(status="draft", tags=[tag], title=f"Secret draft {unique()}")
    scheduled = publish(
        publish_at=(datetime.now(UTC) + timedelta(days=1)).isoformat(), title=f"Secret schedule {unique()}"
    )
    client = Client()
    for url in (
        "/",
        "/feed.atom",
        "/sitemap.xml",
        "/authors/author/",
        f"/api/articles?tag={tag}",
        "/api/articles",
    ):
        text = client.get(url).content.decode()
        for article in (draft, scheduled):
            assert article.title not in text, url
            assert article.slug not in text, url
    for article in (draft, scheduled):
        assert client.get(f"/articles/{article.slug}/").status_code == 404
        # The author sees it (to preview and edit it).
        assert signed_in(Client(), author).get(f"/articles/{article.slug}/").status_code == 200


# --- Pages: the editor and my articles -------------------------------------------------------------


def test_editor_saves_a_draft_schedules_it_and_lists_it(writer: Identity) -> None:
    client = signed_in(Client(), writer)
    title = f"Paged draft {unique()}"
    form = {"title": title, "body": "Draft *body*.", "tags": "Django, AWS Lambda", "action": "draft"}
    response = client.post("/write/", form)
    assert response.status_code == 302
    article = selectors.article_list_mine(author_id=writer.user_id).articles[0]
    assert article.title == title
    assert article.stored_status == STATUS_DRAFT
    assert article.tags == ("django", "aws-lambda")
    assert response["Location"] == f"/articles/{article.slug}/edit/"
    edit = client.get(response["Location"]).content.decode()
    assert "Only you can see it" in edit
    assert 'value="django, aws-lambda"' in edit

    at = (datetime.now(UTC) + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(response["Location"], {**form, "action": "schedule", "publish_at": at})
    assert response.status_code == 302
    assert response["Location"] == "/me/articles/"
    mine = client.get("/me/articles/").content.decode()
    assert title in mine
    assert 'data-status="scheduled"' in mine
    assert Client().get(f"/articles/{article.slug}/").status_code == 404

    # A new article scheduled without a time: refused, with the reason next to the field.
    bad = client.post("/write/", {**form, "title": f"No time {unique()}", "action": "schedule"})
    assert bad.status_code == 400
    assert "Say when to publish" in bad.content.decode()


def test_live_preview_renders_and_warns(writer: Identity) -> None:
    client = signed_in(Client(), writer)
    token = csrf_token(client, "/write/")
    body = (
        "Hi **there**.\n\n![x](image:nosuchimage) ![y](https://tracker.example/p.gif) [f](ftp://x.example/f)"
    )
    answer = client.post("/write/preview", {"body": body}, headers={"X-CSRFToken": token})
    assert answer.status_code == 200
    data = answer.json()
    assert "<strong>there</strong>" in data["html"]
    assert len(data["warnings"]) == 3
    assert "nosuchimage" in data["warnings"][0]
    assert "tracker.example" in data["warnings"][1]
    assert "ftp://" in data["warnings"][2]
    assert Client().post("/write/preview", {"body": body}).status_code in (302, 403)
