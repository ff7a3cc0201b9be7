"""The account pages against the emulator's Cognito: sign up, confirm, sign in, sign out, reset."""

from __future__ import annotations

import uuid

import pytest
from django.conf import settings
from django.test import Client

from accounts import errors
from accounts.sessions import SESSION_KEY
from common.validation import CONTROL_CHARACTERS_PROBLEM
from tests.accounts.helpers import post_form

pytestmark = pytest.mark.usefixtures("local_stack")


def fresh_name() -> str:
    return f"u-{uuid.uuid4().hex[:12]}"


def test_sign_up_confirm_sign_in_and_sign_out(csrf_client: Client) -> None:
    username = fresh_name()
    response = post_form(
        csrf_client,
        "/accounts/sign-up/",
        {
            "username": username,
            "email": f"{username}@example.com",
            "display_name": "Grace Hopper",
            "password": "first-pass-1",
            "password_again": "first-pass-1",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/confirm/?username={username}"

    page = csrf_client.get(response["Location"])
    assert "any code is accepted" in page.content.decode()
    assert f'value="{username}"' in page.content.decode()

    # Not confirmed yet: signing in is refused with a way forward.
    refused = post_form(csrf_client, "/accounts/sign-in/", {"username": username, "password": "first-pass-1"})
    assert refused.status_code == 400
    assert "not confirmed" in refused.content.decode()
    assert f"/accounts/confirm/?username={username}" in refused.content.decode()

    confirmed = post_form(csrf_client, "/accounts/confirm/", {"username": username, "code": "123456"})
    assert confirmed.status_code == 302
    assert confirmed["Location"] == "/accounts/sign-in/"

    signed_in = post_form(
        csrf_client,
        "/accounts/sign-in/",
        {"username": username, "password": "first-pass-1", "next": "/test/x"},
    )
    assert signed_in.status_code == 302
    assert signed_in["Location"] == "/test/x"
    cookie = csrf_client.cookies[settings.SESSION_COOKIE_NAME].value
    assert len(cookie) < 4096
    record = csrf_client.session[SESSION_KEY]
    assert record["u"] == username
    assert record["n"] == "Grace Hopper"
    assert record["g"] == []
    assert csrf_client.get("/").content == f"home:{username}".encode()
    assert "Grace Hopper" in csrf_client.get("/accounts/sign-up/").content.decode()

    assert csrf_client.get("/accounts/sign-out/").status_code == 405  # only POST signs out
    signed_out = post_form(csrf_client, "/accounts/sign-out/", {})
    assert signed_out.status_code == 302
    assert csrf_client.get("/").content == b"home:anonymous"


def test_wrong_password_and_unknown_user_get_the_same_message(csrf_client: Client, make_user) -> None:
    user = make_user()
    for username, password in ((user.username, "wrong-pass-1"), (fresh_name(), "wrong-pass-1")):
        response = post_form(csrf_client, "/accounts/sign-in/", {"username": username, "password": password})
        assert response.status_code == 400
        assert errors.InvalidCredentials.message in response.content.decode()
        assert SESSION_KEY not in csrf_client.session
    assert csrf_client.get("/").content == b"home:anonymous"


def test_sign_in_without_csrf_token_is_refused(csrf_client: Client, make_user) -> None:
    user = make_user()
    response = csrf_client.post("/accounts/sign-in/", {"username": user.username, "password": user.password})
    assert response.status_code == 403
    assert SESSION_KEY not in csrf_client.session


@pytest.mark.parametrize(
    ("next_url", "expected"),
    [
        ("/test/author/?tab=1", "/test/author/?tab=1"),
        ("https://evil.example/steal", "/"),
        ("//evil.example/steal", "/"),
        ("javascript:alert(1)", "/"),
        ("", "/"),
    ],
)
def test_sign_in_redirects_only_within_the_site(csrf_client: Client, make_user, next_url, expected) -> None:
    user = make_user()
    response = post_form(
        csrf_client,
        "/accounts/sign-in/",
        {"username": user.username, "password": user.password, "next": next_url},
    )
    assert response.status_code == 302
    assert response["Location"] == expected


def test_sign_in_page_keeps_next_from_the_query(client: Client) -> None:
    page = client.get("/accounts/sign-in/?next=/test/author/")
    assert 'name="next" value="/test/author/"' in page.content.decode()


def test_sign_in_is_rate_limited_per_username(csrf_client: Client) -> None:
    username = fresh_name()
    for _ in range(10):
        response = post_form(
            csrf_client, "/accounts/sign-in/", {"username": username, "password": "wrong-pass-1"}
        )
        assert response.status_code == 400
    limited = post_form(csrf_client, "/accounts/sign-in/", {"username": username, "password": "wrong-pass-1"})
    assert limited.status_code == 429
    assert "Too many requests" in limited.content.decode()
    # Another username from the same client is not held back.
    other = post_form(
        csrf_client, "/accounts/sign-in/", {"username": fresh_name(), "password": "wrong-pass-1"}
    )
    assert other.status_code == 400


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"password_again": "other-pass-1"}, "password_again", "The passwords differ."),
        ({"password": "short1", "password_again": "short1"}, "password", "Use at least 8 characters."),
        ({"password": "nodigitshere", "password_again": "nodigitshere"}, "password", "Include a digit."),
        ({"username": "a b"}, "username", "3 to 64 characters"),
        ({"email": "not-an-email"}, "email", "Enter a valid email address."),
        ({"display_name": ""}, "display_name", "This field is required."),
        ({"display_name": "bad\x07name"}, "display_name", CONTROL_CHARACTERS_PROBLEM),
    ],
)
def test_sign_up_validates_and_creates_nothing(csrf_client: Client, pool, changes, field, message) -> None:
    username = fresh_name()
    data = {
        "username": username,
        "email": f"{username}@example.com",
        "display_name": "Someone",
        "password": "good-pass-1",
        "password_again": "good-pass-1",
        **changes,
    }
    response = post_form(csrf_client, "/accounts/sign-up/", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert field in response.context["form"].errors
    with pytest.raises(pool.client.exceptions.UserNotFoundException):
        pool.client.admin_get_user(UserPoolId=pool.pool_id, Username=username)


def test_sign_up_with_a_taken_username(csrf_client: Client, make_user) -> None:
    user = make_user()
    response = post_form(
        csrf_client,
        "/accounts/sign-up/",
        {
            "username": user.username,
            "email": "other@example.com",
            "display_name": "Other",
            "password": "good-pass-1",
            "password_again": "good-pass-1",
        },
    )
    assert response.status_code == 400
    assert response.context["form"].errors["username"] == [errors.UsernameTaken.message]


def test_forgotten_password_reset(csrf_client: Client, make_user) -> None:
    user = make_user()
    asked = post_form(csrf_client, "/accounts/forgot-password/", {"username": user.username})
    assert asked.status_code == 302
    assert asked["Location"] == f"/accounts/reset-password/?username={user.username}"

    weak = post_form(
        csrf_client,
        "/accounts/reset-password/",
        {"username": user.username, "code": "123456", "password": "weak", "password_again": "weak"},
    )
    assert weak.status_code == 400

    reset = post_form(
        csrf_client,
        "/accounts/reset-password/",
        {
            "username": user.username,
            "code": "123456",
            "password": "second-pass-2",
            "password_again": "second-pass-2",
        },
    )
    assert reset.status_code == 302
    old = post_form(csrf_client, "/accounts/sign-in/", {"username": user.username, "password": user.password})
    assert old.status_code == 400
    new = post_form(
        csrf_client, "/accounts/sign-in/", {"username": user.username, "password": "second-pass-2"}
    )
    assert new.status_code == 302


def test_forgotten_password_for_an_unknown_user_looks_the_same(csrf_client: Client) -> None:
    username = fresh_name()
    response = post_form(csrf_client, "/accounts/forgot-password/", {"username": username})
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/reset-password/?username={username}"


def test_display_name_is_rendered_inert(csrf_client: Client, make_user) -> None:
    user = make_user(display_name='<script>alert("x")</script>')
    post_form(csrf_client, "/accounts/sign-in/", {"username": user.username, "password": user.password})
    page = csrf_client.get("/accounts/sign-up/").content.decode()
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert '<script>alert("x")' not in page


def test_pages_answer_get(client: Client) -> None:
    for url in (
        "/accounts/sign-in/",
        "/accounts/sign-up/",
        "/accounts/confirm/",
        "/accounts/forgot-password/",
        "/accounts/reset-password/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert 'name="csrfmiddlewaretoken"' in response.content.decode()


def test_a_misconfigured_issuer_fails_closed(csrf_client: Client, make_user, settings) -> None:
    user = make_user()
    settings.COGNITO_ISSUER = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_someoneelse"
    response = post_form(
        csrf_client, "/accounts/sign-in/", {"username": user.username, "password": user.password}
    )
    assert response.status_code == 503
    assert errors.AccountServiceUnavailable.message in response.content.decode()
    assert SESSION_KEY not in csrf_client.session
