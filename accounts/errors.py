"""What can go wrong when talking to the user pool, in words a person can act on.

Each error says its HTTP status and API code once (``common.errors.UserError``); ``field`` names
the form field it belongs to, if any.
"""

from __future__ import annotations

from accounts.policy import PASSWORD_POLICY_PROBLEM
from common.errors import UserError


class AccountError(UserError):
    """A user-facing account problem."""

    status, code = 400, "invalid"
    message = "Something went wrong with your account request."


class InvalidCredentials(AccountError):
    # One message for an unknown user and a wrong password: do not tell which usernames exist.
    status, code = 401, "unauthorized"
    message = "Incorrect username or password."


class UserNotConfirmed(AccountError):
    status, code = 401, "unauthorized"
    message = "This account is not confirmed yet. Enter the code we emailed you."


class NewPasswordRequired(AccountError):
    status, code = 401, "unauthorized"
    message = "This account needs a new password: use 'Forgot your password?'."


class UsernameTaken(AccountError):
    message = "That username is taken. Choose another."
    field = "username"


class InvalidPassword(AccountError):
    message = PASSWORD_POLICY_PROBLEM
    field = "password"


class InvalidParameter(AccountError):
    message = "Some of the details are not valid."


class CodeMismatch(AccountError):
    message = "That code is not right. Check the email and try again."
    field = "code"


class CodeExpired(AccountError):
    message = "That code has expired. Ask for a new one."
    field = "code"


class UserNotFound(AccountError):
    message = "There is no account with that username."
    field = "username"


class TooManyAttempts(AccountError):
    status, code = 429, "rate_limited"
    message = "Too many attempts. Wait a few minutes and try again."


class AccountServiceUnavailable(AccountError):
    status, code = 503, "unavailable"
    message = "Sign-in is unavailable right now. Try again in a minute."


class AlreadyConfirmed(AccountError):
    message = "This account is already confirmed: sign in."


class TokenInvalid(Exception):
    """An access token that must not be trusted (forged, expired, for another client, wrong use)."""
