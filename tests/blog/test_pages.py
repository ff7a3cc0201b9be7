"""The blog's pages through Django's test client, against the emulator."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.test import Client

from accounts.identity import Identity
from blog import selectors, services
from blog.domain import PAGE_SIZE, Reader
from cloud.local.bootstrap import DEMO_AUTHOR_PASSWORD
from cloud.resources import GROUP_AUTHORS
from tests.blog.conftest import Publish, csrf_token, days_ago, page_token, signed_in, unique

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


class _Page(HTMLParser):
    """Collect what a browser would run: script tags, event-handler attributes, javascript: URLs."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[dict[str, str | None]] = []
        self.handlers: list[tuple[str, str]] = []
        self.js_urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self.scripts.append(dict(attrs))
        for name, value in attrs:
            if name.startswith("on"):
                self.handlers.append((tag, name))
            if name in ("href", "src", "action") and (value or "").strip().lower().startswith("javascript:"):
                self.js_urls.append(value or "")


def assert_inert(html: str) -> None:
    page = _Page()
    page.feed(html)
    # Scripts run only from /static/; an inline data block (JSON-LD) is not run by browsers.
    runnable = [script for script in page.scripts if script.get("type") != "application/ld+json"]
    assert all((script.get("src") or "").startswith("/static/") for script in runnable), page.scripts
    assert page.handlers == []
    assert page.js_urls == []


def _text(response: object) -> str:
    return response.content.decode()  # type: ignore[attr-defined]


def test_home_lists_latest_with_author_date_excerpt_likes(publish: Publish, reader: Reader) -> None:
    article = publish(title=f"Home page {unique()}", body="First words of *the* article.")
    services.article_like(article_id=article.id, reader=reader)
    response = Client().get("/")
    html = _text(response)
    assert response.status_code == 200
    assert article.title in html
    assert f'href="/articles/{article.slug}/"' in html
    assert 'href="/authors/author/"' in html
    assert "Arthur Author" in html
    assert "First words of the article." in html
    assert article.published_at.strftime("%-d %b %Y") in html
    entry = html[html.index(article.title) :]
    assert re.search(r'<span class="like-count">1</span> like\b', entry)


def test_home_pages_with_an_opaque_cursor(publish: Publish) -> None:
    for _ in range(PAGE_SIZE + 1):
        publish()
    client = Client()
    html = _text(client.get("/"))
    assert html.count('class="article-entry"') == PAGE_SIZE
    older = re.search(r'class="older" href="/\?cursor=([^"]+)"', html)
    assert older
    response = client.get(f"/?cursor={older.group(1)}")
    assert response.status_code == 200
    assert 'class="article-entry"' in _text(response)


@pytest.mark.parametrize("cursor", ["garbage", "eyJwayI6IDF9", "%00", "x" * 3000])
def test_bad_cursor_is_a_400(cursor: str, local_stack: object) -> None:
    response = Client().get("/", {"cursor": cursor})
    assert response.status_code == 400
    assert "cursor" in _text(response)


def test_article_page(publish: Publish) -> None:
    article = publish(
        title=f"Readable {unique()}", body="# Heading\n\nSome **bold** text.", expires_in_days=7
    )
    response = Client().get(f"/articles/{article.slug}/")
    html = _text(response)
    assert response.status_code == 200
    assert '<h2 id="heading">Heading<a class="heading-anchor" href="#heading"' in html
    assert "<strong>bold</strong>" in html
    assert f'<meta property="og:title" content="{article.title}">' in html
    assert 'property="og:url"' in html
    assert "og:image" not in html  # no cover
    assert article.expires_at_datetime.strftime("%-d %b %Y") in html
    assert 'class="like-form"' in html
    assert f'data-api="/api/articles/{article.id}/like"' in html
    assert '<script src="/static/js/blog-like.js" defer></script>' in html


def test_unknown_and_expired_articles_are_404(publish: Publish) -> None:
    expired = publish(now=days_ago(4), expires_in_days=2)
    client = Client()
    assert client.get(f"/articles/{expired.slug}/").status_code == 404
    assert client.get(f"/articles/no-such-{unique()}/").status_code == 404
    assert expired.title not in _text(client.get("/"))


def test_like_and_unlike_without_javascript(publish: Publish) -> None:
    article = publish()
    client = Client(enforce_csrf_checks=True)
    token = csrf_token(client, f"/articles/{article.slug}/")
    page = page_token(client, article.slug)
    response = client.post(
        f"/articles/{article.slug}/like/",
        {"action": "like", "csrfmiddlewaretoken": token, "page_token": page},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/articles/{article.slug}/"
    assert settings.VISITOR_COOKIE in response.cookies
    assert response.cookies[settings.VISITOR_COOKIE]["httponly"]
    html = _text(client.get(f"/articles/{article.slug}/"))
    assert '<span class="like-count" aria-live="polite">1</span>' in html
    assert 'name="action" value="unlike"' in html
    # Liking again changes nothing.
    client.post(
        f"/articles/{article.slug}/like/",
        {"action": "like", "csrfmiddlewaretoken": token, "page_token": page},
    )
    assert selectors.article_like_count(article_id=article.id) == 1
    client.post(f"/articles/{article.slug}/like/", {"action": "unlike", "csrfmiddlewaretoken": token})
    assert selectors.article_like_count(article_id=article.id) == 0


def test_like_form_needs_csrf(publish: Publish) -> None:
    article = publish()
    response = Client(enforce_csrf_checks=True).post(f"/articles/{article.slug}/like/", {"action": "like"})
    assert response.status_code == 403
    assert selectors.article_like_count(article_id=article.id) == 0


def test_like_form_bad_action(publish: Publish) -> None:
    article = publish()
    assert Client().post(f"/articles/{article.slug}/like/", {"action": "love"}).status_code == 400


def test_author_page(publish: Publish, writer: Identity) -> None:
    mine = publish(by=writer)
    other = publish()
    html = _text(Client().get(f"/authors/{writer.user_id}/"))
    assert "Articles by Wendy Writer" in html
    assert mine.title in html
    assert other.title not in html
    assert Client().get("/authors/nobody-here/").status_code == 404
    assert Client().get(f"/authors/{writer.user_id}/", {"cursor": "bad"}).status_code == 400


def test_atom_feed(publish: Publish) -> None:
    article = publish(title=f"Feed me {unique()}")
    response = Client().get("/feed.atom")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    xml = _text(response)
    assert f"<title>{article.title}</title>" in xml
    assert f"http://testserver/articles/{article.slug}/" in xml
    assert "<name>Arthur Author</name>" in xml


def test_sitemap(publish: Publish) -> None:
    article = publish()
    response = Client().get("/sitemap.xml")
    assert response.status_code == 200
    xml = _text(response)
    assert f"<loc>http://testserver/articles/{article.slug}/</loc>" in xml
    assert "<loc>http://testserver/</loc>" in xml


def test_write_needs_an_author(local_stack: object) -> None:
    response = Client().get("/write/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/sign-in/")
    reader = Identity(user_id="r", username="r", display_name="R", groups=frozenset())
    assert signed_in(Client(), reader).get("/write/").status_code == 403


def test_sign_in_through_cognito_then_publish(local_stack: object) -> None:
    """The whole way: the real sign-in form (Cognito), the editor's preview, then publish."""
    client = Client(enforce_csrf_checks=True)
    token = csrf_token(client, "/accounts/sign-in/")
    response = client.post(
        "/accounts/sign-in/",
        {"username": "author", "password": DEMO_AUTHOR_PASSWORD, "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302
    token = csrf_token(client, "/write/")
    title = f"Signed in {unique()}"
    form = {"title": title, "body": "Preview *me*", "expires_in_days": "", "csrfmiddlewaretoken": token}
    preview = client.post("/write/", {**form, "preview": "1"})
    assert preview.status_code == 200
    assert "<em>me</em>" in _text(preview)
    assert f"signed-in-{title.split()[-1]}" not in _text(client.get("/"))  # the preview wrote nothing
    response = client.post("/write/", {**form, "save": "1"})
    assert response.status_code == 302
    article = selectors.article_get_by_slug(slug=response["Location"].split("/")[2])
    assert (article.title, article.author_id) == (title, "author")
    assert title in _text(client.get("/"))


def test_write_errors_write_nothing(author: Identity) -> None:
    client = signed_in(Client(), author)
    before = [a.id for a in selectors.article_list_by_author(author_id="author").articles]
    for form in (
        {"title": "", "body": "x", "save": "1"},
        {"title": "x" * 201, "body": "x", "save": "1"},
        {"title": "ok", "body": "", "save": "1"},
        {"title": "ok", "body": "x", "expires_in_days": "0", "save": "1"},
        {"title": "ok", "body": "x", "expires_in_days": "400", "save": "1"},
        {"title": "ok", "body": "x", "expires_in_days": "soon", "save": "1"},
        {"title": "bell \x07", "body": "x", "save": "1"},  # control characters break the feed's XML
        {"title": "ok", "body": "escape \x1b[31m", "save": "1"},
    ):
        response = client.post("/write/", form)
        assert response.status_code == 400, form
        assert 'class="errorlist"' in _text(response)
    assert [a.id for a in selectors.article_list_by_author(author_id="author").articles] == before


def test_write_duplicate_is_refused_with_a_message(author: Identity, publish: Publish) -> None:
    article = publish()
    response = signed_in(Client(), author).post(
        "/write/", {"title": article.title, "body": article.body, "save": "1"}
    )
    assert response.status_code == 409
    assert "already been published" in _text(response)


def test_edit_page(publish: Publish, author: Identity, admin: Identity) -> None:
    article = publish()
    client = signed_in(Client(), author)
    form = _text(client.get(f"/articles/{article.slug}/edit/"))
    assert article.title in form
    response = client.post(
        f"/articles/{article.slug}/edit/", {"title": "Edited title", "body": "New body", "save": "1"}
    )
    assert response.status_code == 302
    edited = selectors.article_get(article_id=article.id)
    assert (edited.title, edited.body, edited.slug) == ("Edited title", "New body", article.slug)
    assert edited.expires_at == article.expires_at  # empty expiry keeps it
    # Someone else, even an admin, may not edit.
    other = signed_in(Client(), admin)
    assert other.get(f"/articles/{article.slug}/edit/").status_code == 403
    assert (
        other.post(f"/articles/{article.slug}/edit/", {"title": "x", "body": "y", "save": "1"}).status_code
        == 403
    )
    assert selectors.article_get(article_id=article.id).title == "Edited title"


def test_delete_with_confirmation(
    publish: Publish, author: Identity, writer: Identity, admin: Identity
) -> None:
    article = publish()
    client = signed_in(Client(), author)
    confirm = client.get(f"/articles/{article.slug}/delete/")
    assert confirm.status_code == 200
    assert "Delete “" in _text(confirm)
    selectors.article_get(article_id=article.id)  # a GET deletes nothing
    other = signed_in(Client(), writer)
    assert other.post(f"/articles/{article.slug}/delete/").status_code == 403
    assert client.post(f"/articles/{article.slug}/delete/").status_code == 302
    assert client.get(f"/articles/{article.slug}/").status_code == 404
    second = publish()
    assert signed_in(Client(), admin).post(f"/articles/{second.slug}/delete/").status_code == 302
    assert Client().get(f"/articles/{second.slug}/").status_code == 404


def test_owner_sees_edit_and_delete_links(publish: Publish, author: Identity, admin: Identity) -> None:
    article = publish()
    assert f"/articles/{article.slug}/edit/" in _text(
        signed_in(Client(), author).get(f"/articles/{article.slug}/")
    )
    admin_view = _text(signed_in(Client(), admin).get(f"/articles/{article.slug}/"))
    assert f"/articles/{article.slug}/edit/" not in admin_view
    assert f"/articles/{article.slug}/delete/" in admin_view
    assert "/edit/" not in _text(Client().get(f"/articles/{article.slug}/"))


def test_xss_in_every_field_is_inert(local_stack: object) -> None:
    name = unique("evil-")  # accounts uses the Cognito username as the user id
    evil = Identity(user_id=name, username=name, display_name=XSS, groups=frozenset({GROUP_AUTHORS}))
    body = f'{XSS}\n\n[x](javascript:alert(1))\n\n<a href="javascript:alert(1)">y</a>'
    body += "\n\n![z](javascript:alert(1))"
    article = services.article_publish(author=evil, title=f"{XSS} {unique()}", body=body)
    client = signed_in(Client(), evil)
    for url in (
        "/",
        f"/articles/{article.slug}/",
        f"/authors/{evil.user_id}/",
        f"/articles/{article.slug}/edit/",
        f"/articles/{article.slug}/delete/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_inert(_text(response))
        assert "&lt;script&gt;" in _text(response), url
    preview = client.post("/write/", {"title": XSS, "body": body, "preview": "1"})
    assert_inert(_text(preview))
    feed = _text(Client().get("/feed.atom"))
    assert "<script>" not in feed
    assert "&lt;script&gt;" in feed


def test_home_page_is_served_from_memory_until_this_process_writes(publish: Publish, reader: Reader) -> None:
    from typing import Any

    from cloud import aws

    first = publish()
    client = Client()
    assert first.title in _text(client.get("/"))
    calls: list[str] = []

    def count(event_name: str, **_: Any) -> None:
        calls.append(event_name)

    dynamodb = aws.client("dynamodb")
    dynamodb.meta.events.register("before-call.dynamodb", count)
    try:
        client.get("/")
        assert calls == []  # nothing read: the list comes from memory
    finally:
        dynamodb.meta.events.unregister("before-call.dynamodb", count)
    second = publish()
    assert second.title in _text(client.get("/"))
    services.article_like(article_id=second.id, reader=reader)
    html = _text(client.get("/"))
    assert re.search(r'<span class="like-count">1</span> like\b', html[html.index(second.title) :])


def test_cached_list_expires_with_its_first_article() -> None:
    from blog.cache import RenderedList, latest_html_get, latest_html_set

    latest_html_set("c", RenderedList(html="<li>x</li>", next_cursor=None, fresh_until=1000.0))
    assert latest_html_get("c", now=999.0) is not None
    assert latest_html_get("c", now=1000.0) is None


def test_read_pages_answer_head_and_refuse_posts(publish: Publish) -> None:
    article = publish()
    client = Client()
    for url in ("/", f"/articles/{article.slug}/", "/authors/author/"):
        assert client.head(url).status_code == 200, url
        assert client.post(url).status_code == 405, url


def test_editor_keeps_leading_spaces_and_normalises_newlines(author: Identity) -> None:
    title = f"Code first {unique()}"
    body = "    indented code\r\n\r\nthen text"
    response = signed_in(Client(), author).post("/write/", {"title": title, "body": body, "save": "1"})
    assert response.status_code == 302
    article = selectors.article_get_by_slug(slug=response["Location"].split("/")[2])
    assert article.body == "    indented code\n\nthen text"
    assert '<pre tabindex="0"><code>indented code' in _text(Client().get(f"/articles/{article.slug}/"))
