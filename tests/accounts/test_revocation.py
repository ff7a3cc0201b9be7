"""A revoked access token stops working at the next request (against the emulator's Cognito).

moto, like Cognito, forgets a user's access tokens on GlobalSignOut: GetUser then answers
NotAuthorizedException. The check used to run only when the display name was not cached (five
minutes per user), so a token that had just been used kept working after the sign-out.
"""

from __future__ import annotations

from unittest import mock

import pytest
from botocore.exceptions import EndpointConnectionError
from django.test import Client

from tests.accounts.helpers import bearer

pytestmark = pytest.mark.usefixtures("local_stack")


def test_global_sign_out_stops_a_token_in_use_at_the_next_request(client: Client, pool, make_user) -> None:
    user = make_user(display_name="Rae Voked")
    token = pool.sign_in(username=user.username, password=user.password).access_token
    first = client.get("/api/test/whoami", headers=bearer(token))
    assert first.status_code == 200, first.content  # the name is now cached, as in real use
    pool.client.global_sign_out(AccessToken=token)
    refused = client.get("/api/test/whoami", headers=bearer(token))
    assert refused.status_code == 401
    assert "revoked" in refused.json()["error"]["message"]


def test_an_admin_sign_out_stops_it_too(client: Client, pool, make_user) -> None:
    user = make_user()
    token = pool.sign_in(username=user.username, password=user.password).access_token
    assert client.get("/api/test/whoami", headers=bearer(token)).status_code == 200
    pool.client.admin_user_global_sign_out(UserPoolId=pool.pool_id, Username=user.username)
    assert client.get("/api/test/whoami", headers=bearer(token)).status_code == 401


def test_when_cognito_cannot_answer_a_signed_token_still_passes(client: Client, pool, make_user) -> None:
    """An outage of Cognito must not sign every author out (the fake stands in for the outage)."""
    user = make_user(display_name="Kept Name")
    token = pool.sign_in(username=user.username, password=user.password).access_token
    assert client.get("/api/test/whoami", headers=bearer(token)).status_code == 200
    outage = EndpointConnectionError(endpoint_url="https://cognito-idp.invalid")
    with mock.patch.object(type(pool.client), "get_user", side_effect=outage, create=True):
        response = client.get("/api/test/whoami", headers=bearer(token))
    assert response.status_code == 200, response.content
    assert response.json()["display_name"] == "Kept Name"  # the last name Cognito gave
