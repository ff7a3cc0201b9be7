"""Rotating the Django secret key: the replaced key still verifies visitor cookies and sessions."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings

from accounts.identity import Identity
from blog import selectors
from config.settings import secret_keys
from tests.blog.conftest import Publish, csrf_token, page_token, signed_in

OLD_KEY = "old-secret-key-" + "o" * 40
NEW_KEY = "new-secret-key-" + "n" * 40


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("only", ("only", [])),
        ("newest\nolder\noldest\n", ("newest", ["older", "oldest"])),
        ("  newest  \n\n older \r\n", ("newest", ["older"])),
        ("", ("", [])),
    ],
)
def test_secret_keys_are_one_per_line_newest_first(value: str, expected: tuple[str, list[str]]) -> None:
    assert secret_keys(value) == expected


def _like(client: Client, slug: str) -> None:
    token = csrf_token(client, f"/articles/{slug}/")
    form = {"action": "like", "csrfmiddlewaretoken": token, "page_token": page_token(client, slug)}
    assert client.post(f"/articles/{slug}/like/", form).status_code == 302


def test_a_visitor_stays_the_same_visitor_across_a_rotation(publish: Publish) -> None:
    article = publish()
    rotated, left_behind = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    with override_settings(SECRET_KEY=OLD_KEY, SECRET_KEY_FALLBACKS=[]):
        _like(rotated, article.slug)
        _like(left_behind, article.slug)
    assert selectors.article_like_count(article_id=article.id) == 2
    with override_settings(SECRET_KEY=NEW_KEY, SECRET_KEY_FALLBACKS=[OLD_KEY]):
        _like(rotated, article.slug)  # the old cookie is honoured, and re-signed with the new key
    assert selectors.article_like_count(article_id=article.id) == 2
    with override_settings(SECRET_KEY=NEW_KEY, SECRET_KEY_FALLBACKS=[]):
        _like(rotated, article.slug)  # still the same visitor once the old key is gone
        assert selectors.article_like_count(article_id=article.id) == 2
        _like(left_behind, article.slug)  # a cookie only the old key signed: a new visitor
        assert selectors.article_like_count(article_id=article.id) == 3


def test_a_signed_in_author_stays_signed_in_across_a_rotation(author: Identity) -> None:
    client = Client()
    with override_settings(SECRET_KEY=OLD_KEY, SECRET_KEY_FALLBACKS=[]):
        signed_in(client, author)
        assert client.get("/write/").status_code == 200
    with override_settings(SECRET_KEY=NEW_KEY, SECRET_KEY_FALLBACKS=[OLD_KEY]):
        assert client.get("/write/").status_code == 200
    with override_settings(SECRET_KEY=NEW_KEY, SECRET_KEY_FALLBACKS=[]):
        assert client.get("/write/").status_code == 302  # signed out: off to the sign-in page
