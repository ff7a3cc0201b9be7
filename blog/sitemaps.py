"""sitemap.xml: the home page and every live article (no django.contrib.sites: the request's host)."""

from __future__ import annotations

from datetime import datetime

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import sitemap
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from blog import selectors
from blog.domain import Article

# A sitemap file holds at most 50,000 URLs; pages of 20 come from the latest-articles cache.
SITEMAP_MAX_PAGES = 100


class ArticleSitemap(Sitemap):
    changefreq = "weekly"

    def items(self) -> list[Article]:
        articles: list[Article] = []
        cursor: str | None = None
        for _ in range(SITEMAP_MAX_PAGES):
            page = selectors.article_list_latest(cursor=cursor)
            articles.extend(page.articles)
            cursor = page.next_cursor
            if not cursor:
                break
        return articles

    def location(self, item: Article) -> str:
        return reverse("blog:article", args=[item.slug])

    def lastmod(self, item: Article) -> datetime:
        return item.updated_at


class HomeSitemap(Sitemap):
    changefreq = "hourly"

    def items(self) -> list[str]:
        return ["blog:home"]

    def location(self, item: str) -> str:
        return reverse(item)


def sitemap_xml(request: HttpRequest) -> HttpResponse:
    return sitemap(request, sitemaps={"home": HomeSitemap, "articles": ArticleSitemap})
