"""What a reader sees of one article: its body rendered once per edit (HTML, headings, reading time)."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache

from blog import markdown
from blog.domain import Article, timestamp
from blog.selectors import BODY_IMAGE_SIZES
from uploads import pictures


def article_body_rendered(*, article: Article) -> markdown.RenderedArticle:
    """Return the article's body as sanitised HTML with its headings and word count.

    Rendering (Markdown, sanitising, highlighting) is kept in process memory per version of the
    article for the latest-articles cache period, so a popular article is rendered once per
    Lambda instance rather than per reader. Its ``image:`` pictures, when they are the author's
    ready images, are rendered by uploads/ (anyone else's id is dropped).
    """
    key = f"blog:rendered:{article.id}:{timestamp(article.updated_at)}"
    rendered = cache.get(key)
    if isinstance(rendered, markdown.RenderedArticle):
        return rendered

    def picture(image_id: str, alt: str) -> str | None:
        if not pictures.is_ready_image_of(image_id, owner_id=article.author_id):
            return None
        return pictures.picture_html(image_id, alt=alt, sizes=BODY_IMAGE_SIZES)

    rendered = markdown.render_article(article.body, picture=picture)
    cache.set(key, rendered, timeout=settings.LATEST_CACHE_SECONDS)
    return rendered
