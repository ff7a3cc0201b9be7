"""Atom feeds: the latest articles, one per author, one per tag. Full, sanitised, absolute URLs.

Each entry's ``<summary type="text">`` is the plain excerpt (text: a reader shows author text such
as ``<img src=x onerror=...>`` as the characters it is, never as markup) and ``<content
type="html">`` is the article body as the article page shows it: the same Markdown renderer and
allow-list sanitiser, with every link and picture made absolute so it works inside a feed reader.
Characters XML 1.0 cannot carry (most C0 controls) are dropped from every field, so an article
with one in its title cannot make the feed answer 500.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urljoin

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from blog import bodies, selectors
from blog.domain import Article
from blog.repository import ArticleRepository

# XML 1.0's Char production: tab, newline, carriage return, and everything from U+0020 except
# the surrogates and U+FFFE/U+FFFF.
XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
HEADING_ANCHOR = re.compile(r'<a class="heading-anchor"[^>]*>#</a>')
URL_ATTRIBUTE = re.compile(r'\b(href|src)="([^"]*)"')
SRCSET_ATTRIBUTE = re.compile(r'\bsrcset="([^"]*)"')


def xml_safe(text: str | None) -> str:
    """Return ``text`` without the characters XML 1.0 cannot represent."""
    return XML_INVALID.sub("", text or "")


def html_absolute(markup: str, *, base_url: str) -> str:
    """Return ``markup`` with its links, pictures and heading self-links resolved against ``base_url``."""
    markup = HEADING_ANCHOR.sub("", markup)  # a "#" per heading means nothing in a feed reader
    markup = URL_ATTRIBUTE.sub(lambda m: f'{m.group(1)}="{urljoin(base_url, m.group(2))}"', markup)

    def srcset(match: re.Match[str]) -> str:
        parts = []
        for candidate in match.group(1).split(","):
            url, _, size = candidate.strip().partition(" ")
            parts.append(f"{urljoin(base_url, url)} {size}".strip())
        return f'srcset="{", ".join(parts)}"'

    return SRCSET_ATTRIBUTE.sub(srcset, markup)


class FullContentAtomFeed(Atom1Feed):
    """Atom with a text summary and an HTML content element per entry."""

    def add_item_elements(self, handler: Any, item: dict[str, Any]) -> None:
        # Django writes the description as <summary type="html">: leave it out, write our own.
        super().add_item_elements(handler, {**item, "description": None})
        if item.get("summary_text"):
            handler.addQuickElement("summary", item["summary_text"], {"type": "text"})
        if item.get("content_html"):
            handler.addQuickElement("content", item["content_html"], {"type": "html"})


@dataclass(frozen=True)
class FeedSource:
    title: str
    subtitle: str
    link: str
    base_url: str
    articles: list[Article]


@dataclass(frozen=True)
class FeedEntry:
    article: Article
    content_html: str


class LatestArticlesFeed(Feed):
    feed_type = FullContentAtomFeed

    def get_object(self, request: HttpRequest, *args: Any, **kwargs: Any) -> FeedSource:
        return FeedSource(
            title=f"{settings.BLOG_NAME}: latest articles",
            subtitle=settings.BLOG_DESCRIPTION,
            link=reverse("blog:home"),
            base_url=request.build_absolute_uri("/"),
            articles=selectors.article_list_latest().articles,
        )

    def title(self, obj: FeedSource) -> str:
        return xml_safe(obj.title)

    def subtitle(self, obj: FeedSource) -> str:
        return xml_safe(obj.subtitle)

    def link(self, obj: FeedSource) -> str:
        return obj.link

    def items(self, obj: FeedSource) -> list[FeedEntry]:
        # The listings carry no bodies (up to 300 KB each): one BatchGetItem fetches them.
        full = ArticleRepository().get_many([a.id for a in obj.articles]) if obj.articles else {}
        entries = []
        for listed in obj.articles:
            article = full.get(listed.id)
            if article is None:
                continue  # deleted since the list was cached
            url = urljoin(obj.base_url, reverse("blog:article", args=[article.slug]))
            rendered = bodies.article_body_rendered(article=article)
            entries.append(
                FeedEntry(article=article, content_html=xml_safe(html_absolute(rendered.html, base_url=url)))
            )
        return entries

    def item_title(self, item: FeedEntry) -> str:
        return xml_safe(item.article.title)

    def item_description(self, item: FeedEntry) -> str:
        return item.article.excerpt  # written as <summary type="text"> by FullContentAtomFeed

    def item_extra_kwargs(self, item: FeedEntry) -> dict[str, Any]:
        return {"summary_text": xml_safe(item.article.excerpt), "content_html": item.content_html}

    def item_link(self, item: FeedEntry) -> str:
        return reverse("blog:article", args=[item.article.slug])

    def item_guid(self, item: FeedEntry) -> str:
        i = item.article.id
        return f"urn:uuid:{i[:8]}-{i[8:12]}-{i[12:16]}-{i[16:20]}-{i[20:]}"

    item_guid_is_permalink = False

    def item_author_name(self, item: FeedEntry) -> str:
        return xml_safe(item.article.author_name)

    def item_author_link(self, item: FeedEntry) -> str:
        return reverse("blog:author", args=[item.article.author_id])

    def item_pubdate(self, item: FeedEntry) -> datetime:
        return item.article.published_at

    def item_updateddate(self, item: FeedEntry) -> datetime:
        return item.article.updated_at


class AuthorArticlesFeed(LatestArticlesFeed):
    def get_object(self, request: HttpRequest, *args: Any, **kwargs: Any) -> FeedSource:
        author_id = str(kwargs["user_id"])
        articles = selectors.article_list_by_author(author_id=author_id).articles
        if not articles:
            raise Http404("No such author.")
        return FeedSource(
            title=f"{settings.BLOG_NAME}: articles by {articles[0].author_name}",
            subtitle=f"The newest articles by {articles[0].author_name}.",
            link=reverse("blog:author", args=[author_id]),
            base_url=request.build_absolute_uri("/"),
            articles=articles,
        )


class TagArticlesFeed(LatestArticlesFeed):
    def get_object(self, request: HttpRequest, *args: Any, **kwargs: Any) -> FeedSource:
        tag = str(kwargs["tag"])
        articles = selectors.article_list_by_tag(tag=tag).articles
        if not articles:
            raise Http404("No article has this tag.")
        return FeedSource(
            title=f"{settings.BLOG_NAME}: articles tagged {tag}",
            subtitle=f"The newest articles tagged {tag}.",
            link=reverse("blog:tag", args=[tag]),
            base_url=request.build_absolute_uri("/"),
            articles=articles,
        )


latest_feed = LatestArticlesFeed()
author_feed = AuthorArticlesFeed()
tag_feed = TagArticlesFeed()
