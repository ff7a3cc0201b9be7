"""The finished site: error pages, favicon, robots.txt, site name, landmarks and time elements."""

from __future__ import annotations

import gzip
import re

import pytest
from django.template.loader import render_to_string
from django.test import Client, override_settings
from django.utils.safestring import mark_safe

from cloud.local.lambda_runtime import api_gateway_event, lambda_context, load_zappa_handler, response_body
from tests.blog.conftest import Publish, unique


def _text(response: object) -> str:
    return response.content.decode()  # type: ignore[attr-defined]


def test_unknown_pages_get_the_sites_404_page(local_stack: object) -> None:
    for url in (f"/articles/no-such-{unique()}/", f"/authors/nobody-{unique()}/", "/no/such/page"):
        response = Client().get(url)
        assert response.status_code == 404, url
        html = _text(response)
        assert "There is nothing here" in html
        assert '<main id="main">' in html
        assert 'href="/"' in html


@override_settings(DEBUG_PROPAGATE_EXCEPTIONS=False)
def test_a_crash_gets_the_sites_500_page(monkeypatch: pytest.MonkeyPatch, local_stack: object) -> None:
    from blog import views

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(views, "_latest_list", broken)
    client = Client(raise_request_exception=False)
    response = client.get("/")
    assert response.status_code == 500
    html = _text(response)
    assert "Something broke on our side" in html
    assert "Serverless Notes" in html  # the site's name, from settings, even here
    assert "boom" not in html


def test_favicon_and_robots(local_stack: object) -> None:
    icon = Client().get("/favicon.ico")
    assert icon.status_code == 200
    assert icon["Content-Type"] == "image/x-icon"
    assert icon.content[:4] == b"\x00\x00\x01\x00"  # the ICO signature
    assert "max-age" in icon["Cache-Control"]
    robots = Client().get("/robots.txt")
    assert robots.status_code == 200
    assert robots["Content-Type"].startswith("text/plain")
    text = _text(robots)
    assert text.startswith("User-agent: *\n")
    assert "Disallow: /accounts/\n" in text
    assert "Sitemap: http://testserver/sitemap.xml\n" in text


@override_settings(BLOG_NAME="Field Notes", BLOG_DESCRIPTION="Short notes from the field.")
def test_site_name_and_description_come_from_settings(publish: Publish) -> None:
    article = publish()
    home = _text(Client().get("/"))
    assert "<title>Field Notes</title>" in home, re.search(r"<title>.*?</title>", home, re.S)
    assert '<meta name="description" content="Short notes from the field.">' in home
    assert '<a class="brand" href="/">Field Notes</a>' in home
    page = _text(Client().get(f"/articles/{article.slug}/"))
    assert f"<title>{article.title} · Field Notes</title>" in page
    assert f'<meta name="description" content="{article.excerpt}">' in page


def test_navs_are_labelled_and_messages_sit_in_main(publish: Publish) -> None:
    publish()
    html = _text(Client().get("/"))
    navs = re.findall(r"<nav\b[^>]*>", html)
    # The site's nav, and the pager when there are older articles (an empty pager is not shown).
    assert '<nav class="site-nav" aria-label="Site">' in navs
    assert len(navs) == 1 + ('rel="next"' in html)
    assert all("aria-label=" in nav for nav in navs), navs
    assert len({re.search(r'aria-label="([^"]+)"', nav).group(1) for nav in navs}) == len(navs)  # type: ignore[union-attr]


def test_time_elements_carry_at_most_seconds(publish: Publish) -> None:
    article = publish()
    for url in ("/", f"/articles/{article.slug}/", "/authors/author/"):
        values = re.findall(r'<time[^>]*datetime="([^"]+)"', _text(Client().get(url)))
        assert values, url
        for value in values:
            assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", value), (url, value)


def test_cover_links_in_lists_are_hidden_duplicates(publish: Publish) -> None:
    # The cover link repeats the title link: hidden from assistive technology and the tab order,
    # so no link is left without an accessible name (axe link-name).
    article = publish()
    cover = mark_safe('<picture><img src="/x.jpg" alt=""></picture>')
    html = render_to_string("blog/_entry_list.html", {"entries": [{"article": article, "cover": cover}]})
    assert re.search(
        rf'<a class="cover" href="/articles/{article.slug}/" tabindex="-1" aria-hidden="true"><picture>', html
    )


def test_pages_leave_lambda_gzipped_with_breach_padding(publish: Publish) -> None:
    # As in production: Zappa's handler (API Gateway passes a Content-Encoding body through as is).
    article = publish(title=f"Compressed {unique()}", body="Plenty of words. " * 200)
    handler = load_zappa_handler("production")
    headers = {"Host": "testserver", "Accept-Encoding": "gzip, br"}
    page = handler(api_gateway_event("GET", f"/articles/{article.slug}/", headers=headers), lambda_context())
    assert page["statusCode"] == 200
    assert page["isBase64Encoded"] is True
    sent = {k.lower(): v for k, v in page["headers"].items()}
    assert sent["content-encoding"] == "gzip"
    assert "Accept-Encoding" in sent["vary"]
    html = gzip.decompress(response_body(page))
    assert article.title.encode() in html
    assert len(response_body(page)) < len(html) / 2
    # Django pads each compressed response with 1 to 100 random bytes (BREACH): same page, other
    # bytes. Five responses, as two have the same padding once in a hundred runs.
    home = [handler(api_gateway_event("GET", "/", headers=headers), lambda_context()) for _ in range(5)]
    assert len({gzip.decompress(response_body(response)) for response in home}) == 1
    assert len({response_body(response) for response in home}) > 1
    plain = handler(api_gateway_event("GET", "/", headers={"Host": "testserver"}), lambda_context())
    assert "content-encoding" not in {k.lower() for k in plain["headers"]}
    assert response_body(plain) == gzip.decompress(response_body(home[0]))
