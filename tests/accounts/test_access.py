"""Asking to write, and admins managing users: real Cognito (emulator), real sessions and tokens.

The point: an admin's change applies at the user's NEXT request, though the session (and a
Bearer token) still carry the groups from before.
"""

from __future__ import annotations

from collections.abc import Callable

from django.test import Client

from accounts import access
from accounts.cognito import UserPool
from tests.accounts.conftest import User


def _sign_in(user: User) -> Client:
    client = Client()
    response = client.post("/accounts/sign-in/", {"username": user.username, "password": user.password})
    assert response.status_code == 302, response.content
    return client


def _token(pool: UserPool, user: User) -> str:
    return pool.sign_in(username=user.username, password=user.password).access_token


def test_reader_asks_admin_grants_applies_at_next_request(
    make_user: Callable[..., User], admin: User, pool: UserPool
) -> None:
    reader = make_user(display_name="Nora New")
    client = _sign_in(reader)
    token = _token(pool, reader)  # issued before the grant: its claims say "no groups"
    assert client.get("/test/author/").status_code == 403
    assert "Ask to become an author" in client.get("/test/author/").content.decode()

    response = client.post("/accounts/request-access/", {"reason": "I write about  tide tables."})
    assert response.status_code == 302
    assert "You asked on" in client.get("/accounts/request-access/").content.decode()

    admins = _sign_in(admin)
    page = admins.get("/accounts/users/").content.decode()
    assert f'data-request="{reader.username}"' in page
    assert "I write about tide tables." in page
    assert Client().get("/accounts/users/").status_code == 302  # anonymous: sign in first
    assert client.get("/accounts/users/").status_code == 403  # a reader: not theirs

    response = admins.post(f"/accounts/users/{reader.username}/", {"action": "grant-authors"})
    assert response.status_code == 302
    # The same session, not signed in again: the next request may write.
    assert client.get("/test/author/").status_code == 200
    assert client.get("/write/").status_code == 200
    # The old token too (its claims are stale; the decision is not).
    whoami = Client().get("/api/test/whoami", headers={"Authorization": f"Bearer {token}"}).json()
    assert whoami["groups"] == ["authors"]
    assert f'data-request="{reader.username}"' not in admins.get("/accounts/users/").content.decode()
    assert (
        "authors"
        in pool.client.admin_list_groups_for_user(UserPoolId=pool.pool_id, Username=reader.username)[
            "Groups"
        ][0]["GroupName"]
    )

    admins.post(f"/accounts/users/{reader.username}/", {"action": "revoke-authors"})
    assert client.get("/test/author/").status_code == 403


def test_disabled_user_is_signed_out_at_next_request(
    make_user: Callable[..., User], admin: User, pool: UserPool
) -> None:
    user = make_user(groups=("authors",))
    client = _sign_in(user)
    assert client.get("/test/author/").status_code == 200
    admins = _sign_in(admin)
    admins.post(f"/accounts/users/{user.username}/", {"action": "disable"})
    assert client.get("/").content.decode() == "home:anonymous"
    assert client.get("/test/author/").status_code == 302  # to sign in
    refused = Client().post("/accounts/sign-in/", {"username": user.username, "password": user.password})
    assert refused.status_code != 302
    admins.post(f"/accounts/users/{user.username}/", {"action": "enable"})
    assert client.get("/").content.decode() == f"home:{user.username}"


def test_admin_cannot_lock_themselves_out(admin: User) -> None:
    admins = _sign_in(admin)
    response = admins.post("/accounts/users/admin/", {"action": "revoke-admins"}, follow=True)
    assert "cannot take away their own admin rights" in response.content.decode()
    assert admins.get("/accounts/users/").status_code == 200


def test_an_author_need_not_ask(author: User) -> None:
    client = _sign_in(author)
    assert client.get("/accounts/request-access/")["Location"] == "/write/"
    assert access.REASON_MAX_CHARS == 500
    too_long = _sign_in(author)
    assert (
        too_long.post("/accounts/request-access/", {"reason": "x" * 501}).status_code == 302
    )  # authors go on
