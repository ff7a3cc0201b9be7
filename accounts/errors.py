"""What can go wrong when talking to the user pool, in words a person can act on."""

from __future__ import annotations


class AccountError(Exception):
    """A user-facing account problem; ``field`` names the form field it belongs to, if any."""

    default_message = "Something went wrong with your account request."
    field: str | None = None

    def __init__(self, message: str | None = None) -> None:
        self.message = message or self.default_message
        super().__init__(self.message)


class InvalidCredentials(AccountError):
    # One message for an unknown user and a wrong password: do not tell which usernames exist.
    default_message = "Incorrect username or password."


class UserNotConfirmed(AccountError):
    default_message = "This account is not confirmed yet. Enter the code we emailed you."


class UsernameTaken(AccountError):
    default_message = "That username is taken. Choose another."
    field = "username"


class InvalidPassword(AccountError):
    default_message = (
        "The password does not meet the policy: at least 8 characters, a lowercase letter and a digit."
    )
    field = "password"


class InvalidParameter(AccountError):
    default_message = "Some of the details are not valid."


class CodeMismatch(AccountError):
    default_message = "That code is not right. Check the email and try again."
    field = "code"


class CodeExpired(AccountError):
    default_message = "That code has expired. Ask for a new one."
    field = "code"


class UserNotFound(AccountError):
    default_message = "There is no account with that username."
    field = "username"


class TooManyAttempts(AccountError):
    default_message = "Too many attempts. Wait a few minutes and try again."


class AccountServiceUnavailable(AccountError):
    default_message = "Sign-in is unavailable right now. Try again in a minute."


class TokenInvalid(Exception):
    """An access token that must not be trusted (forged, expired, for another client, wrong use)."""


class AlreadyConfirmed(AccountError):
    default_message = "This account is already confirmed: sign in."


class NewPasswordRequired(AccountError):
    default_message = "This account needs a new password: use 'Forgot your password?'."
