"""Server-side validation of the account pages. Cognito has the last word; these catch the obvious early."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.validators import RegexValidator

# Letters, digits and . _ - : readable in URLs and author pages; Cognito allows more, we need not.
USERNAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{2,63}$"
USERNAME_HELP = "3 to 64 characters: letters, digits, dots, dashes and underscores."
PASSWORD_MIN_LENGTH = 8  # the pool's policy (cloud.local.bootstrap / infra): 8+, a lowercase letter, a digit
PASSWORD_MAX_LENGTH = 256  # Cognito's limit
PASSWORD_HELP = "At least 8 characters, with a lowercase letter and a digit."  # noqa: S105
CODE_MAX_LENGTH = 64  # Cognito's codes are 6 digits; leave room, refuse essays
DISPLAY_NAME_MAX_LENGTH = 80
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


def username_field() -> forms.CharField:
    return forms.CharField(
        max_length=64,
        strip=True,
        validators=[RegexValidator(USERNAME_PATTERN, USERNAME_HELP)],
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
    )


def password_problem(password: str) -> str | None:
    """Return what the password lacks under the pool's policy, or None."""
    if len(password) < PASSWORD_MIN_LENGTH:
        return f"Use at least {PASSWORD_MIN_LENGTH} characters."
    if not re.search(r"[a-z]", password):
        return "Include a lowercase letter."
    if not re.search(r"\d", password):
        return "Include a digit."
    return None


class NewPasswordForm(forms.Form):
    """A password chosen twice."""

    password = forms.CharField(
        max_length=PASSWORD_MAX_LENGTH,
        strip=False,
        help_text=PASSWORD_HELP,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password_again = forms.CharField(
        max_length=PASSWORD_MAX_LENGTH,
        strip=False,
        label="Password (again)",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean_password(self) -> str:
        password: str = self.cleaned_data["password"]
        problem = password_problem(password)
        if problem:
            raise forms.ValidationError(problem)
        return password

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "password" in data and data.get("password_again") != data["password"]:
            self.add_error("password_again", "The passwords differ.")
        return data


class SignUpForm(NewPasswordForm):
    username = username_field()
    email = forms.EmailField(max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    display_name = forms.CharField(
        max_length=DISPLAY_NAME_MAX_LENGTH,
        strip=True,
        help_text="Shown on your articles.",
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    field_order = ["username", "email", "display_name", "password", "password_again"]

    def clean_display_name(self) -> str:
        name: str = self.cleaned_data["display_name"]
        if CONTROL_CHARACTERS.search(name):
            raise forms.ValidationError("Use printable characters only.")
        return name


class ConfirmForm(forms.Form):
    username = username_field()
    code = forms.CharField(
        max_length=CODE_MAX_LENGTH,
        strip=True,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class SignInForm(forms.Form):
    username = forms.CharField(
        max_length=128, strip=True, widget=forms.TextInput(attrs={"autocomplete": "username"})
    )
    password = forms.CharField(
        max_length=PASSWORD_MAX_LENGTH,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class ForgotPasswordForm(forms.Form):
    username = username_field()


class ResetPasswordForm(NewPasswordForm):
    username = username_field()
    code = forms.CharField(
        max_length=CODE_MAX_LENGTH,
        strip=True,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
    field_order = ["username", "code", "password", "password_again"]
