"""An article's body as HTML: on its page (rendered once per edit), in previews and the API, and
the editor's warnings about what will not render.

Its ``image:`` pictures, when they are the author's ready images, are rendered by uploads/ (anyone
else's id is dropped). The lists (home, tag, author pages) show no body, so they import none of this:
Markdown, its sanitiser and highlighter load when an article or the editor first needs them.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache

from blog import markdown
from blog.domain import Article, timestamp
from uploads import pictures
from uploads.references import IMAGE_SCHEME

BODY_IMAGE_SIZES = "(max-width: 46rem) 100vw, 46rem"  # the article column of site.css


def _pictures_of(author_id: str) -> markdown.PictureRenderer:
    def picture(image_id: str, alt: str) -> str | None:
        if not pictures.is_ready_image_of(image_id, owner_id=author_id):
            return None
        return pictures.picture_html(image_id, alt=alt, sizes=BODY_IMAGE_SIZES)

    return picture


def article_body_rendered(*, article: Article) -> markdown.RenderedArticle:
    """Return the article's body as sanitised HTML with its headings and word count.

    Rendering (Markdown, sanitising, highlighting) is kept in process memory per version of the
    article for the latest-articles cache period, so a popular article is rendered once per
    Lambda instance rather than per reader.
    """
    key = f"blog:rendered:{article.id}:{timestamp(article.updated_at)}"
    rendered = cache.get(key)
    if isinstance(rendered, markdown.RenderedArticle):
        return rendered
    rendered = markdown.render_article(article.body, picture=_pictures_of(article.author_id))
    cache.set(key, rendered, timeout=settings.LATEST_CACHE_SECONDS)
    return rendered


def article_body_html(*, body: str, author_id: str) -> str:
    """Return ``body`` as sanitised HTML, as ``author_id``'s article would show it."""
    return markdown.render_markdown(body, picture=_pictures_of(author_id))


def article_body_warnings(*, body: str, author_id: str) -> list[str]:
    """Return a sentence for every picture or link in ``body`` that will not render on the page."""
    warnings: list[str] = []
    for kind, url in markdown.references(body):
        if kind == "image":
            if not url.startswith(IMAGE_SCHEME):
                warnings.append(
                    f"The image {url[:80]!r} is not shown: only your uploaded images are (image:ID)."
                )
                continue
            image_id = url[len(IMAGE_SCHEME) :]
            if not pictures.is_ready_image_of(image_id, owner_id=author_id):
                warnings.append(
                    f"The image {image_id[:64]!r} is not one of your ready images: it is not shown."
                )
        else:
            scheme = url.split(":", 1)[0].lower() if ":" in url.split("/", 1)[0] else ""
            if scheme and scheme not in markdown.URL_SCHEMES:
                warnings.append(f"The link {url[:80]!r} will not be a link: only http, https and mailto are.")
    return warnings
