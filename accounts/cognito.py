"""The user pool repository: the one module that speaks to Cognito (cognito-idp).

It takes a boto3 client (built by ``cloud.aws`` when none is given) and turns Cognito's error codes
into ``accounts.errors`` exceptions.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings

from accounts import errors
from cloud import aws

logger = logging.getLogger(__name__)

# Cognito error code -> the exception a person can act on. Operations override some (see _errors).
ERRORS: Mapping[str, type[errors.AccountError]] = {
    "NotAuthorizedException": errors.InvalidCredentials,
    "UserNotFoundException": errors.UserNotFound,
    "UsernameExistsException": errors.UsernameTaken,
    "AliasExistsException": errors.UsernameTaken,
    "InvalidPasswordException": errors.InvalidPassword,
    "CodeMismatchException": errors.CodeMismatch,
    "ExpiredCodeException": errors.CodeExpired,
    "UserNotConfirmedException": errors.UserNotConfirmed,
    "InvalidParameterException": errors.InvalidParameter,
    "TooManyRequestsException": errors.TooManyAttempts,
    "TooManyFailedAttemptsException": errors.TooManyAttempts,
    "LimitExceededException": errors.TooManyAttempts,
}


@dataclass(frozen=True)
class AuthTokens:
    access_token: str
    id_token: str
    refresh_token: str
    expires_in: int
    token_type: str = "Bearer"  # noqa: S105  (the scheme name, not a secret)


@dataclass(frozen=True)
class UserProfile:
    username: str
    display_name: str
    email: str


@contextmanager
def _errors(operation: str, **overrides: type[errors.AccountError]) -> Iterator[None]:
    """Translate Cognito failures of ``operation`` into ``AccountError``s."""
    try:
        yield
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "")
        exception = overrides.get(code) or ERRORS.get(code)
        if exception is None:
            logger.error("cognito error", extra={"operation": operation, "code": code})
            raise errors.AccountServiceUnavailable() from error
        logger.info("cognito refused", extra={"operation": operation, "code": code})
        raise exception() from None
    except BotoCoreError as error:
        logger.error("cognito unreachable", extra={"operation": operation, "error": type(error).__name__})
        raise errors.AccountServiceUnavailable() from error


def _attributes(items: list[dict[str, str]]) -> dict[str, str]:
    return {item["Name"]: item["Value"] for item in items}


def _profile(username: str, attributes: list[dict[str, str]]) -> UserProfile:
    values = _attributes(attributes)
    return UserProfile(
        username=username, display_name=values.get("name") or username, email=values.get("email", "")
    )


class UserPool:
    """Sign-up, confirmation, password sign-in and password reset against one app client."""

    def __init__(
        self, client: Any = None, *, pool_id: str | None = None, client_id: str | None = None
    ) -> None:
        self.client = client or aws.client("cognito-idp")
        self.pool_id = pool_id or settings.COGNITO_USER_POOL_ID
        self.client_id = client_id or settings.COGNITO_CLIENT_ID

    def sign_up(self, *, username: str, email: str, display_name: str, password: str) -> None:
        """Register an unconfirmed user; Cognito emails a confirmation code."""
        with _errors("sign_up"):
            self.client.sign_up(
                ClientId=self.client_id,
                Username=username,
                Password=password,
                UserAttributes=[{"Name": "email", "Value": email}, {"Name": "name", "Value": display_name}],
            )

    def confirm_sign_up(self, *, username: str, code: str) -> None:
        # Cognito answers NotAuthorized when the user is already confirmed.
        with _errors("confirm_sign_up", NotAuthorizedException=errors.AlreadyConfirmed):
            self.client.confirm_sign_up(ClientId=self.client_id, Username=username, ConfirmationCode=code)

    def sign_in(self, *, username: str, password: str) -> AuthTokens:
        """Return the tokens for a username and password (USER_PASSWORD_AUTH)."""
        with _errors("sign_in", UserNotFoundException=errors.InvalidCredentials):
            answer = self.client.initiate_auth(
                ClientId=self.client_id,
                AuthFlow="USER_PASSWORD_AUTH",
                AuthParameters={"USERNAME": username, "PASSWORD": password},
            )
        result = answer.get("AuthenticationResult")
        if not result:
            # A challenge (NEW_PASSWORD_REQUIRED, MFA) this site does not offer.
            logger.info("cognito challenge", extra={"challenge": answer.get("ChallengeName")})
            raise errors.NewPasswordRequired()
        return AuthTokens(
            access_token=result["AccessToken"],
            id_token=result["IdToken"],
            refresh_token=result.get("RefreshToken", ""),
            expires_in=int(result["ExpiresIn"]),
            token_type=result.get("TokenType", "Bearer"),
        )

    def forgot_password(self, *, username: str) -> None:
        """Ask Cognito to email a password-reset code."""
        with _errors("forgot_password"):
            self.client.forgot_password(ClientId=self.client_id, Username=username)

    def confirm_forgot_password(self, *, username: str, code: str, password: str) -> None:
        with _errors("confirm_forgot_password"):
            self.client.confirm_forgot_password(
                ClientId=self.client_id, Username=username, ConfirmationCode=code, Password=password
            )

    def profile_from_access_token(self, access_token: str) -> UserProfile:
        """Return the signed-in user's profile (the access and ID tokens carry no ``name``)."""
        with _errors("get_user"):
            answer = self.client.get_user(AccessToken=access_token)
        return _profile(answer["Username"], answer.get("UserAttributes", []))


@dataclass(frozen=True)
class PoolUser:
    username: str
    display_name: str
    email: str
    enabled: bool
    status: str  # CONFIRMED, UNCONFIRMED, ...


class UserAdmin:
    """What admins do to users in the pool: groups, disable and enable, listing."""

    LIST_PAGE = 60  # ListUsers' maximum page size

    def __init__(self, client: Any = None, *, pool_id: str | None = None) -> None:
        self.client = client or aws.client("cognito-idp")
        self.pool_id = pool_id or settings.COGNITO_USER_POOL_ID

    def list_users(self, *, limit: int) -> list[PoolUser]:
        users: list[PoolUser] = []
        token: str | None = None
        with _errors("list_users"):
            while len(users) < limit:
                request: dict[str, Any] = {"UserPoolId": self.pool_id, "Limit": min(self.LIST_PAGE, limit)}
                if token:
                    request["PaginationToken"] = token
                answer = self.client.list_users(**request)
                for user in answer.get("Users", []):
                    profile = _profile(user["Username"], user.get("Attributes", []))
                    users.append(
                        PoolUser(
                            username=profile.username,
                            display_name=profile.display_name,
                            email=profile.email,
                            enabled=bool(user.get("Enabled", True)),
                            status=str(user.get("UserStatus", "")),
                        )
                    )
                token = answer.get("PaginationToken")
                if not token:
                    break
        return users[:limit]

    def members(self, group: str) -> set[str]:
        names: set[str] = set()
        token: str | None = None
        with _errors("list_users_in_group"):
            while True:
                request: dict[str, Any] = {
                    "UserPoolId": self.pool_id,
                    "GroupName": group,
                    "Limit": self.LIST_PAGE,
                }
                if token:
                    request["NextToken"] = token
                answer = self.client.list_users_in_group(**request)
                names.update(user["Username"] for user in answer.get("Users", []))
                token = answer.get("NextToken")
                if not token:
                    return names

    def groups_of(self, username: str) -> set[str]:
        with _errors("admin_list_groups_for_user"):
            answer = self.client.admin_list_groups_for_user(UserPoolId=self.pool_id, Username=username)
        return {group["GroupName"] for group in answer.get("Groups", [])}

    def set_group(self, username: str, *, group: str, member: bool) -> None:
        with _errors("admin_group"):
            if member:
                self.client.admin_add_user_to_group(
                    UserPoolId=self.pool_id, Username=username, GroupName=group
                )
            else:
                self.client.admin_remove_user_from_group(
                    UserPoolId=self.pool_id, Username=username, GroupName=group
                )

    def set_enabled(self, username: str, *, enabled: bool) -> None:
        with _errors("admin_enable"):
            if enabled:
                self.client.admin_enable_user(UserPoolId=self.pool_id, Username=username)
            else:
                self.client.admin_disable_user(UserPoolId=self.pool_id, Username=username)
                # Refresh tokens stop working too; access tokens still verify until they expire,
                # which is why every request also reads the access decision (accounts.access).
                self.client.admin_user_global_sign_out(UserPoolId=self.pool_id, Username=username)
