"""The account pages: thin views over accounts.services."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.middleware.csrf import rotate_token
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from accounts import errors, services
from accounts.forms import ConfirmForm, ForgotPasswordForm, ResetPasswordForm, SignInForm, SignUpForm
from accounts.middleware import client_address
from accounts.sessions import session_identity_store
from cloud import aws
from common.ratelimit import RateLimited

FORM_TEMPLATE = "accounts/form.html"
EMULATOR_CODE_NOTE = "On the local emulator no email is sent and any code is accepted (try 123456)."


def _code_note() -> str | None:
    """Tell developers that the emulator accepts any code; say nothing of the sort in AWS."""
    return EMULATOR_CODE_NOTE if aws.endpoint_url() else None


@dataclass(frozen=True)
class PageSpec:
    heading: str
    submit: str
    links: tuple[tuple[str, str], ...]  # (url name, text): where to go instead
    intro: str = ""


PAGES = {
    "sign-in": PageSpec(
        heading="Sign in",
        submit="Sign in",
        links=(
            ("accounts:sign-up", "Create an account"),
            ("accounts:forgot-password", "Forgot your password?"),
        ),
    ),
    "sign-up": PageSpec(
        heading="Create an account",
        intro="Authors write articles under their display name. We email you a code to confirm the address.",
        submit="Sign up",
        links=(
            ("accounts:sign-in", "Already have an account? Sign in"),
            ("accounts:confirm", "Have a code?"),
        ),
    ),
    "confirm": PageSpec(
        heading="Confirm your account",
        intro="Enter the code we emailed you.",
        submit="Confirm",
        links=(("accounts:sign-in", "Sign in"),),
    ),
    "forgot-password": PageSpec(
        heading="Forgot your password?",
        intro="We email you a code to choose a new password.",
        submit="Send the code",
        links=(("accounts:sign-in", "Sign in"), ("accounts:reset-password", "Have a code?")),
    ),
    "reset-password": PageSpec(
        heading="Choose a new password",
        intro="Enter the code we emailed you and a new password.",
        submit="Change the password",
        links=(("accounts:sign-in", "Sign in"),),
    ),
}


def _page(
    request: HttpRequest, *, form: forms.Form, page: str, status: int = 200, **extra: object
) -> HttpResponse:
    spec = PAGES[page]
    context = {
        "heading": spec.heading,
        "intro": spec.intro,
        "submit": spec.submit,
        "links": [{"url": reverse(name), "text": text} for name, text in spec.links],
        "form": form,
        **extra,
    }
    return render(request, FORM_TEMPLATE, context, status=status)


def _add_account_error(form: forms.Form, error: errors.AccountError) -> int:
    """Show ``error`` on the form; return the page's status."""
    form.add_error(error.field if error.field in form.fields else None, error.message)
    return error.page_status


def _with_query(url_name: str, **params: str) -> str:
    return f"{reverse(url_name)}?{urlencode(params)}" if params else reverse(url_name)


def safe_next_url(request: HttpRequest, candidate: str | None) -> str:
    """Return ``candidate`` when it stays on this site, else the home page (no open redirects)."""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("blog:home")


@never_cache
@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    form = SignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = services.user_sign_in(
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password"],
                client=client_address(request),
            )
        except RateLimited as error:
            form.add_error(None, error.message)
            return _page(request, form=form, page="sign-in", status=429, next=next_url)
        except errors.UserNotConfirmed as error:
            form.add_error(None, error.message)
            confirm_url = _with_query("accounts:confirm", username=form.cleaned_data["username"])
            return _page(
                request, form=form, page="sign-in", status=400, next=next_url, confirm_url=confirm_url
            )
        except errors.AccountError as error:
            status = _add_account_error(form, error)
            return _page(request, form=form, page="sign-in", status=status, next=next_url)
        request.session.cycle_key()  # a new session on sign-in: no fixation
        session_identity_store(request.session, identity=result.identity)
        rotate_token(request)
        messages.success(request, f"Signed in as {result.identity.display_name}.")
        return HttpResponseRedirect(safe_next_url(request, next_url))
    status = 400 if request.method == "POST" else 200
    return _page(request, form=form, page="sign-in", status=status, next=next_url)


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    request.session.flush()
    rotate_token(request)
    messages.info(request, "Signed out.")
    return redirect("blog:home")


@never_cache
@require_http_methods(["GET", "POST"])
def sign_up(request: HttpRequest) -> HttpResponse:
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.user_sign_up(
                username=data["username"],
                email=data["email"],
                display_name=data["display_name"],
                password=data["password"],
            )
        except errors.AccountError as error:
            status = _add_account_error(form, error)
            return _page(request, form=form, page="sign-up", status=status)
        messages.success(request, "Account created. We emailed you a code: enter it to confirm the account.")
        return redirect(_with_query("accounts:confirm", username=data["username"]))
    return _page(request, form=form, page="sign-up", status=400 if request.method == "POST" else 200)


@never_cache
@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest) -> HttpResponse:
    initial = {"username": request.GET.get("username", "")[:64]}
    form = ConfirmForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_confirm(username=form.cleaned_data["username"], code=form.cleaned_data["code"])
        except errors.AccountError as error:
            status = _add_account_error(form, error)
            return _page(request, form=form, page="confirm", status=status, note=_code_note())
        messages.success(request, "Account confirmed. Sign in.")
        return redirect("accounts:sign-in")
    status = 400 if request.method == "POST" else 200
    return _page(request, form=form, page="confirm", status=status, note=_code_note())


@never_cache
@require_http_methods(["GET", "POST"])
def forgot_password(request: HttpRequest) -> HttpResponse:
    form = ForgotPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"]
        try:
            services.password_reset_request(username=username)
        except errors.UserNotFound:
            pass  # answer as for a real account: do not tell which usernames exist
        except errors.AccountError as error:
            status = _add_account_error(form, error)
            return _page(request, form=form, page="forgot-password", status=status)
        messages.info(request, "If that account exists, we emailed it a code to reset the password.")
        return redirect(_with_query("accounts:reset-password", username=username))
    return _page(request, form=form, page="forgot-password", status=400 if request.method == "POST" else 200)


@never_cache
@require_http_methods(["GET", "POST"])
def reset_password(request: HttpRequest) -> HttpResponse:
    initial = {"username": request.GET.get("username", "")[:64]}
    form = ResetPasswordForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.password_reset_confirm(
                username=data["username"], code=data["code"], password=data["password"]
            )
        except errors.AccountError as error:
            status = _add_account_error(form, error)
            return _page(request, form=form, page="reset-password", status=status, note=_code_note())
        messages.success(request, "Password changed. Sign in with the new one.")
        return redirect("accounts:sign-in")
    status = 400 if request.method == "POST" else 200
    return _page(request, form=form, page="reset-password", status=status, note=_code_note())
