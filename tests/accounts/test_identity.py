"""request.identity (middleware), the guards (decorators) and groups -> permissions."""

from __future__ import annotations

import time

import pytest
from django.conf import settings
from django.core import signing
from django.test import Client

from accounts.decorators import identity_has_group
from accounts.identity import Identity
from accounts.sessions import (
    IDENTITY_LIFETIME_SECONDS,
    SESSION_KEY,
    session_identity_load,
    session_identity_store,
)
from tests.accounts.helpers import bearer, csrf_token, mint_access_token, post_form, sign_in_session

pytestmark = pytest.mark.usefixtures("local_stack")

READER = Identity(user_id="reader", username="reader", display_name="Rita Reader", groups=frozenset())
AUTHOR = Identity(
    user_id="author", username="author", display_name="Arthur Author", groups=frozenset({"authors"})
)
ADMIN = Identity(
    user_id="admin", username="admin", display_name="Ada Admin", groups=frozenset({"admins"})
)  # admins only: still an author


# --- groups -> permissions (pure) -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("identity", "authors", "admins"),
    [(READER, False, False), (AUTHOR, True, False), (ADMIN, True, True)],
)
def test_groups_grant_permissions(identity, authors, admins) -> None:
    assert identity_has_group(identity, "authors") is authors
    assert identity_has_group(identity, "admins") is admins
    assert identity.is_author is authors
    assert identity.is_admin is admins


# --- the session record (pure) --------------------------------------------------------------------


def test_session_identity_round_trip_and_expiry() -> None:
    session: dict = {}
    session_identity_store(session, identity=AUTHOR, now=1000)
    assert session_identity_load(session, now=1000 + IDENTITY_LIFETIME_SECONDS - 1) == AUTHOR
    assert session_identity_load(session, now=1000 + IDENTITY_LIFETIME_SECONDS) is None


@pytest.mark.parametrize(
    "record",
    [
        None,
        "author",
        {"u": "author"},
        {"u": 1, "n": "x", "g": [], "exp": 2**40},
        {"u": "a", "n": "x", "g": [], "exp": "x"},
    ],
)
def test_malformed_session_records_are_anonymous(record) -> None:
    assert session_identity_load({SESSION_KEY: record}) is None


# --- pages ----------------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(client: Client) -> None:
    response = client.get("/test/author/?draft=1")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/sign-in/?next=/test/author/%3Fdraft%3D1"


@pytest.mark.parametrize(
    ("identity", "url", "status"),
    [
        (READER, "/test/author/", 403),
        (READER, "/test/admin/", 403),
        (AUTHOR, "/test/author/", 200),
        (AUTHOR, "/test/admin/", 403),
        (ADMIN, "/test/author/", 200),
        (ADMIN, "/test/admin/", 200),
    ],
)
def test_page_guards(client: Client, identity, url, status) -> None:
    sign_in_session(client, identity)
    response = client.get(url)
    assert response.status_code == status
    if status == 403:
        assert "Not allowed" in response.content.decode()


def test_a_session_cookie_signed_with_another_key_is_anonymous(client: Client) -> None:
    sign_in_session(client, ADMIN)
    assert client.get("/").content == f"home:{ADMIN.username}".encode()
    salt = "django.contrib.sessions.backends.signed_cookies"  # Django's signed-cookie session backend
    admin_session = signing.loads(client.cookies[settings.SESSION_COOKIE_NAME].value, salt=salt)
    # A well-formed cookie carrying the admin's session, signed with a key that is not the site's.
    forged = signing.dumps(admin_session, key="not-the-secret-key", salt=salt, compress=True)
    client.cookies[settings.SESSION_COOKIE_NAME] = forged
    assert client.get("/").content == b"home:anonymous"


def test_real_sign_in_reaches_an_author_page(csrf_client: Client, make_user) -> None:
    user = make_user(groups=("authors",))
    response = post_form(
        csrf_client,
        "/accounts/sign-in/",
        {"username": user.username, "password": user.password, "next": "/test/author/"},
    )
    assert response["Location"] == "/test/author/"
    assert csrf_client.get("/test/author/").status_code == 200
    assert csrf_client.get("/test/admin/").status_code == 403


# --- API: Bearer tokens -----------------------------------------------------------------------------


def test_bearer_token_identifies_the_caller(client: Client, pool, author) -> None:
    tokens = pool.sign_in(username=author.username, password=author.password)
    response = client.get("/api/test/whoami", headers=bearer(tokens.access_token))
    assert response.status_code == 200
    # The display name is not in the token: it comes from Cognito (get_user).
    assert response.json() == {"user_id": "author", "display_name": "Arthur Author", "groups": ["authors"]}


def test_no_credentials_is_401(client: Client) -> None:
    response = client.get("/api/test/whoami")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"
    assert "Bearer" in response.json()["error"]["message"]


@pytest.mark.parametrize(
    ("token", "message"),
    [
        ("not-a-token", "not valid"),
        (
            lambda: mint_access_token(claims={"exp": int(time.time()) - 10, "iat": int(time.time()) - 3600}),
            "expired",
        ),
    ],
)
def test_bad_tokens_are_401_with_the_reason(client: Client, token, message) -> None:
    value = token() if callable(token) else token
    response = client.get("/api/test/whoami", headers=bearer(value))
    assert response.status_code == 401
    assert message in response.json()["error"]["message"]


def test_a_bad_token_does_not_fall_back_to_the_session(client: Client) -> None:
    sign_in_session(client, AUTHOR)
    assert client.get("/api/test/whoami").status_code == 200  # the session alone identifies
    assert client.get("/api/test/whoami", headers=bearer("forged")).status_code == 401


def test_a_revoked_token_is_401(client: Client, pool, make_user) -> None:
    user = make_user()
    tokens = pool.sign_in(username=user.username, password=user.password)
    pool.client.global_sign_out(AccessToken=tokens.access_token)
    response = client.get("/api/test/whoami", headers=bearer(tokens.access_token))
    assert response.status_code == 401
    assert "revoked" in response.json()["error"]["message"]


def test_group_is_required_on_the_api(client: Client, pool, author, admin) -> None:
    author_token = pool.sign_in(username=author.username, password=author.password).access_token
    response = client.get("/api/test/admin", headers=bearer(author_token))
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"
    admin_token = pool.sign_in(username=admin.username, password=admin.password).access_token
    assert client.get("/api/test/admin", headers=bearer(admin_token)).status_code == 200


def test_csrf_applies_to_cookies_not_to_bearer_tokens(csrf_client: Client, pool, author) -> None:
    # A Bearer request cannot be forged cross-site, so it needs no CSRF token...
    token = pool.sign_in(username=author.username, password=author.password).access_token
    assert csrf_client.post("/api/test/write", headers=bearer(token)).status_code == 201
    # ...but a request that relies on the session cookie does.
    sign_in_session(csrf_client, AUTHOR)
    assert csrf_client.post("/api/test/write").status_code == 403
    headers = {"X-CSRFToken": csrf_token(csrf_client)}
    assert csrf_client.post("/api/test/write", headers=headers).status_code == 201
