"""The Atom feed of the latest articles (the first page of the home page, from the same cache)."""

from __future__ import annotations

from datetime import datetime

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from blog import selectors
from blog.domain import Article


class LatestArticlesFeed(Feed):
    feed_type = Atom1Feed
    title = "Latest articles"
    subtitle = "The newest articles on the blog."
    link = "/"

    def items(self) -> list[Article]:
        return selectors.article_list_latest().articles

    def item_title(self, item: Article) -> str:
        return item.title

    def item_description(self, item: Article) -> str:
        return item.excerpt

    def item_link(self, item: Article) -> str:
        return reverse("blog:article", args=[item.slug])

    def item_guid(self, item: Article) -> str:
        return f"urn:uuid:{item.id[:8]}-{item.id[8:12]}-{item.id[12:16]}-{item.id[16:20]}-{item.id[20:]}"

    item_guid_is_permalink = False

    def item_author_name(self, item: Article) -> str:
        return item.author_name

    def item_author_link(self, item: Article) -> str:
        return reverse("blog:author", args=[item.author_id])

    def item_pubdate(self, item: Article) -> datetime:
        return item.published_at

    def item_updateddate(self, item: Article) -> datetime:
        return item.updated_at
