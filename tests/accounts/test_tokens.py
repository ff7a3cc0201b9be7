"""Access-token verification against the emulator's JWKS."""

from __future__ import annotations

import time

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from accounts.errors import TokenInvalid
from accounts.tokens import access_token_verify, cognito_issuer, cognito_jwks_url
from tests.accounts.helpers import emulator_signing_key, mint_access_token

pytestmark = pytest.mark.usefixtures("local_stack")


def test_a_real_access_token_verifies(pool, author) -> None:
    tokens = pool.sign_in(username=author.username, password=author.password)
    claims = access_token_verify(tokens.access_token)
    assert claims.username == "author"
    assert claims.groups == frozenset({"authors"})
    assert claims.expires_at > time.time()


def test_admin_token_carries_both_groups(pool, admin) -> None:
    tokens = pool.sign_in(username=admin.username, password=admin.password)
    assert access_token_verify(tokens.access_token).groups == frozenset({"authors", "admins"})


def test_an_id_token_is_not_an_access_token(pool, author) -> None:
    tokens = pool.sign_in(username=author.username, password=author.password)
    with pytest.raises(TokenInvalid, match="not an access token"):
        access_token_verify(tokens.id_token)


def test_a_token_minted_like_the_emulator_verifies() -> None:
    # Guards the tests below: they fail for the reason they name, not because minting is wrong.
    assert access_token_verify(mint_access_token()).username == "author"


def test_an_expired_token_is_refused() -> None:
    token = mint_access_token(claims={"iat": int(time.time()) - 7200, "exp": int(time.time()) - 60})
    with pytest.raises(TokenInvalid, match="expired"):
        access_token_verify(token)
    # The same token is otherwise sound: with enough leeway it verifies.
    assert access_token_verify(token, leeway=120).username == "author"


def test_a_token_signed_by_another_key_is_refused() -> None:
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    for kid in ("dummy", "unknown-kid"):
        with pytest.raises(TokenInvalid, match="not valid"):
            access_token_verify(
                mint_access_token(
                    key=stranger, kid=kid, claims={"username": "admin", "cognito:groups": ["admins"]}
                )
            )


def test_a_token_with_a_tampered_payload_is_refused() -> None:
    header, _, signature = mint_access_token().split(".")
    _, payload, _ = mint_access_token(claims={"username": "admin", "cognito:groups": ["admins"]}).split(".")
    with pytest.raises(TokenInvalid, match="not valid"):
        access_token_verify(f"{header}.{payload}.{signature}")


def test_unsigned_and_hmac_tokens_are_refused() -> None:
    claims = jwt.decode(mint_access_token(), options={"verify_signature": False})
    unsigned = jwt.encode(claims, "", algorithm="none", headers={"kid": "dummy"})
    with pytest.raises(TokenInvalid):
        access_token_verify(unsigned)
    # Algorithm confusion: an HMAC "signed" with the public key must not pass as RS256.
    public_pem = (
        emulator_signing_key()
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    header = jwt.utils.base64url_encode(b'{"alg":"HS256","kid":"dummy","typ":"JWT"}').decode()
    body = jwt.utils.base64url_encode(jwt.api_jws.json.dumps(claims).encode()).decode()
    import hashlib
    import hmac

    mac = hmac.new(public_pem, f"{header}.{body}".encode(), hashlib.sha256).digest()
    with pytest.raises(TokenInvalid):
        access_token_verify(f"{header}.{body}.{jwt.utils.base64url_encode(mac).decode()}")


@pytest.mark.parametrize(
    ("claims", "message"),
    [
        ({"client_id": "another-client"}, "another app client"),
        ({"iss": "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_other"}, "not valid"),
        ({"token_use": "id"}, "not an access token"),
        ({"token_use": None}, "not valid"),
        ({"username": None}, "not valid"),
        ({"exp": None}, "not valid"),
        ({"cognito:groups": "admins"}, "not valid"),
    ],
)
def test_claims_are_checked(claims, message) -> None:
    with pytest.raises(TokenInvalid, match=message):
        access_token_verify(mint_access_token(claims=claims))


@pytest.mark.parametrize("token", ["", "garbage", "a.b.c", "x" * 10_000])
def test_garbage_is_refused(token) -> None:
    with pytest.raises(TokenInvalid):
        access_token_verify(token)


def test_issuer_and_jwks_url_are_derived_or_configured(settings, local_stack) -> None:
    pool_id = local_stack.user_pool_id
    assert cognito_issuer() == f"https://cognito-idp.us-east-1.amazonaws.com/{pool_id}"
    assert cognito_jwks_url().endswith(f"/{pool_id}/.well-known/jwks.json")
    assert cognito_jwks_url().startswith("http://127.0.0.1:")  # the emulator serves its keys
    settings.COGNITO_ISSUER = "https://issuer.example/pool"
    settings.COGNITO_JWKS_URL = "https://keys.example/jwks.json"
    assert cognito_issuer() == "https://issuer.example/pool"
    assert cognito_jwks_url() == "https://keys.example/jwks.json"


def test_jwks_url_in_aws(settings, monkeypatch) -> None:
    monkeypatch.delenv("AWS_ENDPOINT_URL")
    settings.COGNITO_USER_POOL_ID = "eu-west-1_abc"
    monkeypatch.setenv("AWS_REGION", "eu-west-1")
    assert (
        cognito_jwks_url()
        == "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc/.well-known/jwks.json"
    )
    assert cognito_issuer() == "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc"


def test_an_unreachable_jwks_is_reported(settings, local_stack) -> None:
    settings.COGNITO_JWKS_URL = "http://127.0.0.1:9/.well-known/jwks.json"  # port 9: connection refused
    with pytest.raises(TokenInvalid, match="cannot be verified right now"):
        access_token_verify(mint_access_token())
