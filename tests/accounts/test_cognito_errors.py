"""Cognito error codes -> messages a person can act on.

The emulator never answers some of these (it confirms a user twice without complaint, never
throttles, accepts any code), so these cases use botocore's Stubber: a fake, where the emulator
cannot go. The codes the emulator does produce are covered against it in test_pages/test_api.
"""

from __future__ import annotations

import boto3
import pytest
from botocore.stub import Stubber

from accounts import errors
from accounts.cognito import UserPool


@pytest.fixture
def stubbed() -> tuple[UserPool, Stubber]:
    client = boto3.client("cognito-idp", region_name="us-east-1", endpoint_url="http://127.0.0.1:9")
    return UserPool(client, pool_id="us-east-1_test", client_id="client"), Stubber(client)


@pytest.mark.parametrize(
    ("operation", "call", "code", "expected"),
    [
        (
            "confirm_sign_up",
            lambda p: p.confirm_sign_up(username="u", code="1"),
            "NotAuthorizedException",
            errors.AlreadyConfirmed,
        ),
        (
            "confirm_sign_up",
            lambda p: p.confirm_sign_up(username="u", code="1"),
            "CodeMismatchException",
            errors.CodeMismatch,
        ),
        (
            "confirm_sign_up",
            lambda p: p.confirm_sign_up(username="u", code="1"),
            "ExpiredCodeException",
            errors.CodeExpired,
        ),
        (
            "initiate_auth",
            lambda p: p.sign_in(username="u", password="p"),
            "UserNotFoundException",
            errors.InvalidCredentials,
        ),
        (
            "initiate_auth",
            lambda p: p.sign_in(username="u", password="p"),
            "TooManyRequestsException",
            errors.TooManyAttempts,
        ),
        (
            "initiate_auth",
            lambda p: p.sign_in(username="u", password="p"),
            "InternalErrorException",
            errors.AccountServiceUnavailable,
        ),
        (
            "forgot_password",
            lambda p: p.forgot_password(username="u"),
            "LimitExceededException",
            errors.TooManyAttempts,
        ),
        (
            "forgot_password",
            lambda p: p.forgot_password(username="u"),
            "UserNotFoundException",
            errors.UserNotFound,
        ),
    ],
)
def test_error_codes_map_to_account_errors(stubbed, operation, call, code, expected) -> None:
    pool, stubber = stubbed
    stubber.add_client_error(operation, service_error_code=code, http_status_code=400)
    with stubber, pytest.raises(expected) as raised:
        call(pool)
    assert raised.type is expected  # not merely a subclass: the message is the right one
    assert raised.value.message == expected.message


def test_a_challenge_is_refused_with_a_way_forward(stubbed) -> None:
    pool, stubber = stubbed
    stubber.add_response(
        "initiate_auth",
        {"ChallengeName": "NEW_PASSWORD_REQUIRED", "Session": "s" * 20, "ChallengeParameters": {}},
    )
    with stubber, pytest.raises(errors.NewPasswordRequired):
        pool.sign_in(username="u", password="p")


def test_an_unreachable_pool_is_reported_as_unavailable() -> None:
    # Port 9 (discard) refuses connections: a real network failure, no stub involved.
    from botocore.config import Config

    client = boto3.client(
        "cognito-idp",
        region_name="us-east-1",
        endpoint_url="http://127.0.0.1:9",
        config=Config(retries={"max_attempts": 1}, connect_timeout=1),
    )
    with pytest.raises(errors.AccountServiceUnavailable):
        UserPool(client, pool_id="p", client_id="c").sign_in(username="u", password="p")
