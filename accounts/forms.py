"""Server-side validation of the account pages. Cognito has the last word; these catch the obvious early."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import RegexValidator

from accounts.policy import (
    CODE_MAX_LENGTH,
    DISPLAY_NAME_MAX_LENGTH,
    EMAIL_MAX_LENGTH,
    PASSWORD_HELP,
    PASSWORD_MAX_LENGTH,
    SIGN_IN_USERNAME_MAX_LENGTH,
    USERNAME_HELP,
    USERNAME_MAX_LENGTH,
    USERNAME_PATTERN,
    password_problem,
)
from common.validation import control_characters_problem


def username_field() -> forms.CharField:
    return forms.CharField(
        max_length=USERNAME_MAX_LENGTH,
        strip=True,
        validators=[RegexValidator(USERNAME_PATTERN, USERNAME_HELP)],
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
    )


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
    email = forms.EmailField(
        max_length=EMAIL_MAX_LENGTH, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    display_name = forms.CharField(
        max_length=DISPLAY_NAME_MAX_LENGTH,
        strip=True,
        help_text="Shown on your articles.",
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    field_order = ["username", "email", "display_name", "password", "password_again"]

    def clean_display_name(self) -> str:
        name: str = self.cleaned_data["display_name"]
        problem = control_characters_problem(name)
        if problem:
            raise forms.ValidationError(problem)
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
        max_length=SIGN_IN_USERNAME_MAX_LENGTH,
        strip=True,
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
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
