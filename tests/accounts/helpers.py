"""Helpers for the accounts tests."""

from __future__ import annotations

import gzip
import json
import time
from pathlib import Path
from typing import Any

import jwt
import moto.cognitoidp
from django.conf import settings
from django.test import Client

from accounts.identity import Identity
from accounts.sessions import session_identity_store
from accounts.tokens import cognito_issuer

# The emulator signs every token with this published key: with it, tests mint tokens whose
# signature verifies against the emulator's JWKS (an expired one, say), which the emulator's own
# API cannot produce.
EMULATOR_PRIVATE_JWK = Path(moto.cognitoidp.__file__).parent / "resources" / "jwks-private.json.gz"


def emulator_signing_key() -> Any:
    return jwt.PyJWK(json.loads(gzip.decompress(EMULATOR_PRIVATE_JWK.read_bytes()))).key


def mint_access_token(*, key: Any = None, kid: str = "dummy", claims: dict[str, Any] | None = None) -> str:
    """Return an access token shaped like Cognito's, signed by ``key`` (the emulator's by default)."""
    now = int(time.time())
    payload = {
        "iss": cognito_issuer(),
        "sub": "00000000-0000-0000-0000-000000000000",
        "client_id": settings.COGNITO_CLIENT_ID,
        "token_use": "access",
        "scope": "aws.cognito.signin.user.admin",
        "username": "author",
        "cognito:groups": ["authors"],
        "iat": now,
        "exp": now + 3600,
        "jti": "test",
    }
    payload.update(claims or {})
    payload = {name: value for name, value in payload.items() if value is not None}  # None drops a claim
    return jwt.encode(
        payload, key if key is not None else emulator_signing_key(), algorithm="RS256", headers={"kid": kid}
    )


def csrf_token(client: Client) -> str:
    """Visit a page so the client holds a CSRF cookie; return the token to post back."""
    client.get("/accounts/sign-in/")
    return client.cookies[settings.CSRF_COOKIE_NAME].value


def post_form(client: Client, url: str, data: dict[str, str]) -> Any:
    """Post a form the way a browser does, with the CSRF token."""
    return client.post(url, {**data, "csrfmiddlewaretoken": csrf_token(client)})


def sign_in_session(client: Client, identity: Identity) -> None:
    """Put ``identity`` into the client's signed-cookie session (for tests of the guards, not of sign-in)."""
    session = client.session
    session_identity_store(session, identity=identity)
    session.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key or ""


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
