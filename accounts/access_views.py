"""Pages: a reader asks to write; admins see the requests and manage users. Thin views over
accounts.access."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts import access, errors
from accounts.decorators import admin_required, sign_in_redirect
from accounts.identity import request_identity
from cloud.resources import GROUP_ADMINS, GROUP_AUTHORS

# The admin page's buttons: action -> (group, member) or the account switch.
GROUP_ACTIONS = {
    "grant-authors": (GROUP_AUTHORS, True),
    "revoke-authors": (GROUP_AUTHORS, False),
    "grant-admins": (GROUP_ADMINS, True),
    "revoke-admins": (GROUP_ADMINS, False),
}
ENABLE_ACTIONS = {"enable": True, "disable": False}


@require_http_methods(["GET", "POST"])
def request_access(request: HttpRequest) -> HttpResponse:
    """Ask the admins to become an author (signed-in readers)."""
    identity = request_identity(request)
    if identity is None:
        return sign_in_redirect(request)
    if identity.is_author:
        messages.info(request, "You can already write.")
        return redirect("blog:write")
    pending = access.access_request_get(username=identity.user_id)
    problem = ""
    if request.method == "POST":
        try:
            pending = access.access_request_create(identity=identity, reason=request.POST.get("reason", ""))
        except access.AccessError as error:
            problem = " ".join(error.fields.values()) if error.fields else error.message
        else:
            messages.success(
                request, "Asked: an admin will decide. You can write from your next page once they agree."
            )
            return redirect("accounts:request-access")
    return render(
        request,
        "accounts/request_access.html",
        {"pending": pending, "problem": problem, "reason_max": access.REASON_MAX_CHARS},
        status=400 if problem else 200,
    )


@admin_required
def users(request: HttpRequest) -> HttpResponse:
    """List the requests to write and every user, with their groups, for admins to change."""
    return render(
        request,
        "accounts/users.html",
        {"requests": access.access_request_list(), "rows": access.user_list()},
    )


@admin_required
@require_POST
def user_change(request: HttpRequest, username: str) -> HttpResponse:
    actor = request_identity(request)
    assert actor is not None  # admin_required
    action = request.POST.get("action", "")
    try:
        if action in GROUP_ACTIONS:
            group, member = GROUP_ACTIONS[action]
            access.user_group_set(actor=actor, username=username, group=group, member=member)
        elif action in ENABLE_ACTIONS:
            access.user_enabled_set(actor=actor, username=username, enabled=ENABLE_ACTIONS[action])
        elif action == "decline":
            access.access_request_decline(actor=actor, username=username)
        else:
            messages.error(request, "Choose what to change.")
            return redirect("accounts:users")
    except (access.AccessError, errors.AccountError) as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, f"{username}: done ({action.replace('-', ' ')}). It applies at their next request."
        )
    return redirect("accounts:users")
