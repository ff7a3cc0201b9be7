"""Tag pages, tag links, the home page's tag list and the per-tag feed."""

from __future__ import annotations

import re

import feedparser
from django.core.cache import cache
from django.test import Client

from blog.domain import PAGE_SIZE
from tests.blog.conftest import Publish, unique


def _html(url: str, **params: str) -> str:
    response = Client().get(url, params)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def test_tag_page_lists_newest_first_with_cursor_pages(publish: Publish) -> None:
    tag = unique("t-")
    published = [publish(tags=[tag]) for _ in range(PAGE_SIZE + 1)]
    publish(tags=[unique("other-")])
    html = _html(f"/tags/{tag}/")
    assert f'<h1>Tagged <span class="tag-name">{tag}</span></h1>' in html
    titles = re.findall(r'<h2><a href="/articles/[^"]+/">([^<]+)</a></h2>', html)
    assert titles == [a.title for a in reversed(published)][:PAGE_SIZE]
    older = re.search(r'class="older" href="/tags/[^/]+/\?cursor=([^"]+)"', html)
    assert older
    rest = _html(f"/tags/{tag}/", cursor=older.group(1).replace("&amp;", "&"))
    assert re.findall(r'<h2><a href="/articles/[^"]+/">([^<]+)</a></h2>', rest) == [published[0].title]
    assert Client().get(f"/tags/{unique('none-')}/").status_code == 404
    assert Client().get(f"/tags/{tag}/", {"cursor": "bad"}).status_code == 400


def test_entries_articles_and_home_link_their_tags(publish: Publish) -> None:
    tag = unique("topic-")
    article = publish(tags=[tag])
    cache.clear()
    link = f'<a href="/tags/{tag}/"'
    assert link in _html("/authors/author/")
    assert f'<a href="/tags/{tag}/" rel="tag">{tag}</a>' in _html(f"/articles/{article.slug}/")
    home = _html("/")
    assert '<section class="tag-cloud" aria-labelledby="tags-heading">' in home
    assert link in home[home.index("tag-cloud") :]


def test_tag_feed_is_advertised_and_lists_only_the_tag(publish: Publish) -> None:
    tag = unique("feed-")
    tagged = publish(tags=[tag])
    publish()
    page = _html(f"/tags/{tag}/")
    assert f'title="Articles tagged {tag}" href="/tags/{tag}/feed.atom">' in page
    response = Client().get(f"/tags/{tag}/feed.atom")
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo
    assert [e.title for e in parsed.entries] == [tagged.title]
    assert Client().get(f"/tags/{unique('none-')}/feed.atom").status_code == 404
