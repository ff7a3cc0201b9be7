"""The Atom feeds as a feed reader parses them (feedparser), and the article page's round trips."""

from __future__ import annotations

from collections.abc import Iterator

import feedparser
import pytest
from django.core.cache import cache
from django.test import Client

from accounts.identity import Identity
from blog import services
from blog.domain import Reader
from blog.feeds import html_absolute, xml_safe
from cloud import aws
from tests.blog.conftest import Publish, csrf_token, page_token, unique

XSS = "<img src=x onerror=alert(1)>"


def _feed(url: str) -> feedparser.FeedParserDict:
    response = Client().get(url)
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("application/atom+xml")
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    return parsed


def _entry(parsed: feedparser.FeedParserDict, title: str) -> feedparser.FeedParserDict:
    return next(e for e in parsed.entries if e.title == title)


def test_feed_has_full_sanitised_content_with_absolute_urls(publish: Publish) -> None:
    body = f"Intro with a [relative link](/about/).\n\n## Part one\n\n```python\nx = 1\n```\n\n{XSS}"
    article = publish(title=f"Full content {unique()}", body=body)
    entry = _entry(_feed("/feed.atom"), article.title)
    content = entry.content[0]
    assert content.type == "text/html"
    assert '<a href="http://testserver/about/"' in content.value
    assert '<h2 id="part-one">Part one</h2>' in content.value  # no "#" self-link in a feed
    assert '<span class="n">x</span>' in content.value
    assert "<img" not in content.value  # the author's raw HTML stays text
    assert "&lt;img src=x onerror=alert(1)&gt;" in content.value
    assert entry.link == f"http://testserver/articles/{article.slug}/"


def test_the_summary_is_text_so_author_markup_is_never_live(publish: Publish) -> None:
    article = publish(title=f"Summary {unique()}", body=f"Look: {XSS} and more.")
    xml = Client().get("/feed.atom").content.decode()
    assert '<summary type="text">' in xml
    assert '<summary type="html">' not in xml
    entry = _entry(feedparser.parse(xml), article.title)
    assert entry.summary_detail.type == "text/plain"
    assert XSS in entry.summary  # shown as the characters the author typed


def test_control_characters_never_break_the_feed(publish: Publish) -> None:
    # Input validation refuses these now; articles written before it may still hold them.
    from blog.repository import ArticleRepository, article_item

    article = publish(title=f"Clean {unique()}")
    dirty = article._replace(title=f"Bell\x07 and form\x0cfeed {unique()}")
    aws.client("dynamodb").put_item(TableName=aws.names().table, Item=article_item(dirty))
    cache.clear()
    assert ArticleRepository().get(article.id).title == dirty.title  # type: ignore[union-attr]
    parsed = _feed("/feed.atom")
    assert any(e.title == xml_safe(dirty.title) for e in parsed.entries)
    assert xml_safe("a\x00b\x1fc\td\ne") == "abc\td\ne"


def test_author_feed_is_advertised_and_lists_only_theirs(publish: Publish, writer: Identity) -> None:
    mine = publish(by=writer, title=f"Mine {unique()}")
    publish(title=f"Not theirs {unique()}")
    page = Client().get(f"/authors/{writer.user_id}/").content.decode()
    feed_url = f"/authors/{writer.user_id}/feed.atom"
    link = f'type="application/atom+xml" title="Articles by Wendy Writer" href="{feed_url}"'
    assert f'<link rel="alternate" {link}>' in page
    parsed = _feed(f"/authors/{writer.user_id}/feed.atom")
    assert [e.title for e in parsed.entries] == [mine.title]
    assert "Wendy Writer" in parsed.feed.title
    assert Client().get(f"/authors/nobody-{unique()}/feed.atom").status_code == 404


def test_html_absolute_resolves_srcset_too() -> None:
    markup = (
        '<img src="/media/a.jpg" srcset="/media/a-320.webp 320w, /media/a-640.webp 640w"><a href="#x">x</a>'
    )
    assert html_absolute(markup, base_url="https://blog.example/articles/s/") == (
        '<img src="https://blog.example/media/a.jpg" '
        'srcset="https://blog.example/media/a-320.webp 320w, https://blog.example/media/a-640.webp 640w">'
        '<a href="https://blog.example/articles/s/#x">x</a>'
    )


# --- Round trips: DynamoDB requests per page, counted on the client the app uses -----------------


@pytest.fixture
def dynamodb_calls() -> Iterator[list[str]]:
    """Record the name of every DynamoDB operation the app's client sends."""
    calls: list[str] = []
    client = aws.client("dynamodb")

    def record(model: object, **kwargs: object) -> None:
        calls.append(getattr(model, "name", "?"))

    client.meta.events.register("before-call.dynamodb", record)
    yield calls
    client.meta.events.unregister("before-call.dynamodb", record)


def test_article_page_from_a_list_is_one_request(
    publish: Publish, reader: Reader, dynamodb_calls: list[str]
) -> None:
    article = publish()
    services.article_like(article_id=article.id, reader=reader)
    cache.clear()
    client = Client()
    client.get("/")  # the home page lists it: this process now knows its slug
    dynamodb_calls.clear()
    html = client.get(f"/articles/{article.slug}/").content.decode()
    assert dynamodb_calls == ["GetItem"]  # a visitor without a cookie: no like to look up
    assert article.title in html


def test_article_page_with_a_visitor_is_one_batch(publish: Publish, dynamodb_calls: list[str]) -> None:
    article = publish()
    client = Client()
    token = csrf_token(client, f"/articles/{article.slug}/")
    like = {"action": "like", "csrfmiddlewaretoken": token, "page_token": page_token(client, article.slug)}
    client.post(f"/articles/{article.slug}/like/", like)
    client.get("/")
    dynamodb_calls.clear()
    html = client.get(f"/articles/{article.slug}/").content.decode()
    assert dynamodb_calls == ["BatchGetItem"]  # the article and this visitor's like together
    assert 'aria-pressed="true"' in html
    # An instance that has not seen the slug asks the slug guard first: two requests, not three.
    cache.clear()
    dynamodb_calls.clear()
    html = client.get(f"/articles/{article.slug}/").content.decode()
    assert dynamodb_calls == ["GetItem", "BatchGetItem"]
    assert 'aria-pressed="true"' in html
    dynamodb_calls.clear()
    client.get(f"/articles/{article.slug}/")
    assert dynamodb_calls == ["BatchGetItem"]


def test_a_remembered_slug_of_a_deleted_article_is_a_404(
    publish: Publish, author: Identity, dynamodb_calls: list[str]
) -> None:
    article = publish()
    client = Client()
    client.get(f"/articles/{article.slug}/")
    services.article_delete(article_id=article.id, actor=author)
    assert client.get(f"/articles/{article.slug}/").status_code == 404


def test_requests_per_page(publish: Publish, dynamodb_calls: list[str]) -> None:
    """The count per public page, warm (second visit on the same instance)."""
    article = publish()
    client = Client()
    counts = {}
    for url in ("/", f"/articles/{article.slug}/", "/authors/author/", "/feed.atom"):
        client.get(url)
        dynamodb_calls.clear()
        client.get(url)
        counts[url] = list(dynamodb_calls)
    assert counts == {
        "/": [],  # the rendered list is kept in memory
        f"/articles/{article.slug}/": ["GetItem"],
        "/authors/author/": ["Query"],
        "/feed.atom": ["BatchGetItem"],  # the list from memory, the bodies in one batch
    }
