"""Covers and pictures in articles, through uploads.pictures (the contract between the two apps).

The image record is written with uploads' own repository, as its upload handler would after making
the renditions (the rendition files themselves are not needed to render the markup).
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client

from accounts.identity import Identity
from blog import services
from blog.domain import ArticleInvalid
from tests.blog.conftest import Publish
from uploads.domain import ImageRecord, RenditionInfo
from uploads.repository import ImageRepository


def _ready_image(owner: Identity) -> str:
    image_id = uuid.uuid4().hex
    now = datetime.now(UTC).isoformat()
    repository = ImageRepository()
    repository.create(
        ImageRecord(
            id=image_id,
            owner_id=owner.user_id,
            owner_name=owner.display_name,
            original_key=f"uploads/raw/{owner.user_id}/{image_id}/cat.jpg",
            filename="cat.jpg",
            content_type="image/jpeg",
            status="processing",
            created_at=now,
            updated_at=now,
        )
    )
    renditions = [
        RenditionInfo(width=w, height=w // 2, format=f, bytes=1000, key=f"renditions/{image_id}/{w}.{f}")
        for w in (640, 1280)
        for f in ("webp", "jpeg")
    ]
    repository.mark_ready(image_id, width=1280, height=640, size=5000, renditions=renditions, now=now)
    return image_id


def test_cover_on_home_and_article_with_og_image(publish: Publish, author: Identity) -> None:
    image_id = _ready_image(author)
    article = publish(cover_image_id=image_id, body=f"Text and a picture:\n\n![A cat](image:{image_id})")
    home = Client().get("/").content.decode()
    entry = home[home.index(f'href="/articles/{article.slug}/"') - 200 :]
    assert f"renditions/{image_id}/640.webp" in home
    assert "<picture>" in entry
    page = Client().get(f"/articles/{article.slug}/").content.decode()
    assert '<meta property="og:image" content="' in page
    assert f"renditions/{image_id}/1280.jpeg" in page
    assert 'alt="A cat"' in page


def _images(html: str) -> list[tuple[str, str]]:
    """Return each <img>'s (src, loading) in page order."""
    return re.findall(r'<img src="([^"]+)"[^>]* loading="(\w+)"', html)


def test_the_first_cover_of_a_page_is_eager_and_the_rest_lazy(publish: Publish, writer: Identity) -> None:
    """The first cover is the page's likely Largest Contentful Paint: fetched at once, first."""
    tag = f"lcp{uuid.uuid4().hex[:8]}"
    now = datetime.now(UTC)
    older, newer = _ready_image(writer), _ready_image(writer)
    publish(by=writer, cover_image_id=older, tags=[tag], now=now - timedelta(seconds=3))
    publish(by=writer, cover_image_id=newer, tags=[tag], now=now - timedelta(seconds=2))
    publish(by=writer, tags=[tag], now=now - timedelta(seconds=1))  # the newest has no cover

    for path in (f"/tags/{tag}/", f"/authors/{writer.user_id}/"):
        html = Client().get(path).content.decode()
        shown = _images(html)
        # The first cover is the second entry's: eager; the one below it lazy.
        assert [loading for _, loading in shown] == ["eager", "lazy"], path
        assert f"renditions/{newer}/" in shown[0][0]
        assert f"renditions/{older}/" in shown[1][0]
        assert html.count('fetchpriority="high"') == 1
        assert html.count('decoding="async"') == 1  # the lazy one only
        # Sized as site.css shows them: a 14rem thumbnail beside the text on a wide screen.
        assert (
            html.count('sizes="(min-width: 48rem) 14rem, (max-width: 42rem) calc(100vw - 2rem), 40rem"') == 4
        )

    home = [loading for _, loading in _images(Client().get("/").content.decode())]
    assert home[0] == "eager"
    assert set(home[1:]) <= {"lazy"}

    article = publish(by=writer, cover_image_id=older, body=f"A picture below:\n\n![A cat](image:{newer})")
    page = Client().get(f"/articles/{article.slug}/").content.decode()
    assert 'sizes="(max-width: 42rem) calc(100vw - 2rem), 40rem"' in page  # the column's width
    shown = _images(page)
    assert [loading for _, loading in shown] == ["eager", "lazy"]  # the cover, then the body's picture
    assert f"renditions/{older}/" in shown[0][0]
    assert f"renditions/{newer}/" in shown[1][0]


def test_cover_must_be_a_ready_image_of_the_author(author: Identity, writer: Identity) -> None:
    someone_elses = _ready_image(writer)
    with pytest.raises(ArticleInvalid) as caught:
        services.article_publish(author=author, title="Stolen cover", body="x", cover_image_id=someone_elses)
    assert "cover_image_id" in caught.value.fields


def test_unknown_body_images_are_dropped(publish: Publish) -> None:
    article = publish(body=f"Before ![gone](image:{uuid.uuid4().hex}) after")
    page = Client().get(f"/articles/{article.slug}/").content.decode()
    assert "<picture>" not in page
    assert "Before  after" in page


def test_body_shows_only_the_authors_own_images(publish: Publish, writer: Identity) -> None:
    someone_elses = _ready_image(writer)
    article = publish(body=f"Borrowed: ![theirs](image:{someone_elses})")
    page = Client().get(f"/articles/{article.slug}/").content.decode()
    assert someone_elses not in page
    assert "<picture>" not in page
