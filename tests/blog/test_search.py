"""Search: the index follows the table's stream (real stream records from the emulator), and the
page and API answer from it without a Scan."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from accounts.identity import Identity
from analytics import stream_handler
from blog import services
from cloud import aws
from search.index import Document, term_scores
from search.selectors import SEARCH_PAGE_SIZE, article_search, query_terms
from search.stream import search_records_index
from search.text import highlight, terms
from tests.blog.conftest import Publish, days_ago, unique

Drain = Callable[[], list[dict[str, Any]]]


@pytest.fixture
def drain(local_stack: object) -> Drain:
    """Return a function that hands the stream records written since the test began to the index,
    as the event-source mapping would, and returns them."""
    table = aws.names().table
    arn = aws.client("dynamodb").describe_table(TableName=table)["Table"]["LatestStreamArn"]
    streams = aws.client("dynamodbstreams")
    shards = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]
    iterators = {
        s["ShardId"]: streams.get_shard_iterator(
            StreamArn=arn, ShardId=s["ShardId"], ShardIteratorType="LATEST"
        )["ShardIterator"]
        for s in shards
    }

    def run() -> list[dict[str, Any]]:
        records: list[dict[str, Any]] = []
        for shard, iterator in list(iterators.items()):
            answer = streams.get_records(ShardIterator=iterator)
            records.extend(answer["Records"])
            iterators[shard] = answer["NextShardIterator"]
        assert search_records_index(records) is None
        return records

    return run


def test_terms_fold_case_accents_plurals_and_stopwords() -> None:
    assert terms("The Cafés of Lambda functions, and QUERIES!") == ["cafe", "lambda", "function", "query"]
    assert query_terms("lambda Lambda LAMBDAS the") == ["lambda"]
    assert (
        highlight("Lambda <b>functions</b>", ["function"])
        == "Lambda &lt;b&gt;<mark>functions</mark>&lt;/b&gt;"
    )


def test_titles_outrank_bodies() -> None:
    doc = Document(
        article_id="a" * 32,
        slug="s",
        title="Gardening",
        excerpt="",
        body="gardening tips and more about soil " * 3,
        tags=("soil",),
        author_id="x",
        author_name="X",
        published_at="2026-01-01T00:00:00.000000Z",
        expires_at=2_000_000_000,
    )
    scores = term_scores(doc)
    assert scores["gardening"] > scores["soil"] > scores["tip"]


def test_published_articles_are_found_ranked_and_highlighted(publish: Publish, drain: Drain) -> None:
    word = unique("zebra")
    in_title = publish(title=f"All about {word}", body="Nothing else here.")
    in_body = publish(title=f"Other things {unique()}", body=f"Somewhere a {word} appears.")
    publish(title=f"Unrelated {unique()}", body="No match at all.")
    drain()
    found = article_search(query=word.upper())
    assert [r.article_id for r in found.results] == [in_title.id, in_body.id]
    assert found.results[0].title_html == f"All about <mark>{word}</mark>"
    # Both words: the article with both ranks first.
    both = publish(title=f"{word} and quokka {unique()}", body="Two animals.")
    drain()
    assert article_search(query=f"{word} quokka").results[0].article_id == both.id


def test_edits_and_deletes_follow(publish: Publish, author: Identity, drain: Drain) -> None:
    old, new = unique("walrus"), unique("narwhal")
    article = publish(title=f"About the {old}", body="Text.")
    drain()
    assert [r.article_id for r in article_search(query=old).results] == [article.id]
    services.article_update(article_id=article.id, editor=author, title=f"About the {new}", body="Text.")
    drain()
    assert article_search(query=old).results == []
    assert [r.article_id for r in article_search(query=new).results] == [article.id]
    services.article_delete(article_id=article.id, actor=author)
    drain()
    assert article_search(query=new).results == []


def test_likes_do_not_rewrite_the_index(publish: Publish, drain: Drain, reader: Any) -> None:
    article = publish(title=f"Liked {unique()}")
    drain()
    calls: list[str] = []
    client = aws.client("dynamodb")

    def record(model: object, **kwargs: object) -> None:
        calls.append(getattr(model, "name", "?"))

    services.article_like(article_id=article.id, reader=reader)
    client.meta.events.register("before-call.dynamodb", record)
    try:
        records = drain()
    finally:
        client.meta.events.unregister("before-call.dynamodb", record)
    assert records  # the like and the counter change came through the stream
    assert calls == []


def test_expired_articles_are_not_found(publish: Publish, drain: Drain) -> None:
    word = unique("axolotl")
    publish(title=f"Gone {word}", now=days_ago(5), expires_in_days=2)
    live = publish(title=f"Here {word}")
    drain()
    assert [r.article_id for r in article_search(query=word).results] == [live.id]


def test_paging(publish: Publish, drain: Drain) -> None:
    word = unique("okapi")
    for n in range(SEARCH_PAGE_SIZE + 2):
        publish(title=f"{word} number {n} {unique()}")
    drain()
    first = article_search(query=word)
    assert len(first.results) == SEARCH_PAGE_SIZE
    assert first.next_page == 2
    second = article_search(query=word, page=2)
    assert len(second.results) == 2
    assert second.next_page is None
    assert not {r.article_id for r in first.results} & {r.article_id for r in second.results}


def test_search_page_and_api(publish: Publish, drain: Drain) -> None:
    word = unique("pangolin")
    article = publish(title=f"The {word} report")
    drain()
    calls: list[str] = []
    client = aws.client("dynamodb")

    def record(model: object, **kwargs: object) -> None:
        calls.append(getattr(model, "name", "?"))

    client.meta.events.register("before-call.dynamodb", record)
    try:
        page = Client().get("/search/", {"q": word})
        api = Client().get("/api/search", {"q": word})
    finally:
        client.meta.events.unregister("before-call.dynamodb", record)
    assert calls == ["Query", "Query"]  # one term, one Query each; no Scan, no article reads
    html = page.content.decode()
    assert page.status_code == 200
    assert f"The <mark>{word}</mark> report" in html
    assert f'href="/articles/{article.slug}/"' in html
    data = api.json()
    assert [a["id"] for a in data["articles"]] == [article.id]
    assert data["articles"][0]["url"] == f"/articles/{article.slug}/"
    assert data["articles"][0]["title_html"] == f"The <mark>{word}</mark> report"
    assert data["next_page"] is None
    assert 'role="search"' in Client().get("/").content.decode()  # the box on every page


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({}, "q"),
        ({"q": "x" * 201}, "q"),
        ({"q": "a", "page": "0"}, "page"),
        ({"q": "a", "page": "x"}, "page"),
        ({"q": "a", "sort": "new"}, "sort"),
    ],
)
def test_api_refuses_bad_queries(params: dict[str, str], field: str, local_stack: object) -> None:
    response = Client().get("/api/search", params)
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]


def test_stream_handler_feeds_the_index(publish: Publish, local_stack: object) -> None:
    """The real entry point: analytics' stream handler indexes too (Firehose in the emulator)."""
    table = aws.names().table
    arn = aws.client("dynamodb").describe_table(TableName=table)["Table"]["LatestStreamArn"]
    streams = aws.client("dynamodbstreams")
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType="LATEST")[
        "ShardIterator"
    ]
    word = unique("tapir")
    article = publish(title=f"A {word}")
    records = streams.get_records(ShardIterator=iterator)["Records"]
    answer = stream_handler.handle({"Records": records}, None)
    assert answer == {"batchItemFailures": []}
    assert [r.article_id for r in article_search(query=word).results] == [article.id]


def test_drafts_and_scheduled_articles_are_not_found_until_public(author: Identity, drain: Drain) -> None:
    from datetime import UTC, datetime, timedelta

    word = unique("manatee")
    draft = services.article_publish(author=author, title=f"Draft {word}", body="Not yet.", status="draft")
    drain()
    assert article_search(query=word).results == []
    later = datetime.now(UTC) + timedelta(hours=2)
    scheduled = services.article_publish(
        author=author, title=f"Scheduled {word}", body="Soon.", publish_at=later
    )
    drain()
    assert article_search(query=word).results == []
    found = article_search(query=word, now=later.timestamp() + 1)
    assert [r.article_id for r in found.results] == [scheduled.id]
    assert draft.id not in {r.article_id for r in found.results}
