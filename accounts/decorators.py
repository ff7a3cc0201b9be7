"""Guards for views: pages redirect or show a 403 page; the API answers 401/403 JSON.

Group rules live in ``identity_has_group``: admins count as authors (``Identity.is_author``).

CSRF on the API: ``IdentityMiddleware`` answers 401 to an invalid Bearer token and waives CSRF
checks for a valid one (a cross-site page cannot set that header, and such requests ignore the
session cookie). Requests identified by the session cookie still need the CSRF token: Django's
middleware checks it, and ``config.views.csrf_failure`` answers its refusal in JSON on the API.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse

from accounts.identity import Identity, request_identity
from cloud.resources import GROUP_ADMINS, GROUP_AUTHORS
from common.errors import Forbidden, Unauthorized

View = Callable[..., HttpResponse]


def identity_has_group(identity: Identity, group: str) -> bool:
    """Return whether ``identity`` may act as a member of ``group`` (admins are also authors)."""
    if group == GROUP_AUTHORS:
        return identity.is_author
    return group in identity.groups


def sign_in_redirect(request: HttpRequest) -> HttpResponseRedirect:
    """Send the visitor to sign in, and back here afterwards."""
    query = urlencode({"next": request.get_full_path()}, safe="/")
    return HttpResponseRedirect(f"{reverse('accounts:sign-in')}?{query}")


def group_required(group: str) -> Callable[[View], View]:
    """Guard a page: anonymous visitors go to sign-in (``?next=``), members of other groups get a 403 page."""

    def decorator(view: View) -> View:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            identity = request_identity(request)
            if identity is None:
                return sign_in_redirect(request)
            if not identity_has_group(identity, group):
                return render(request, "accounts/forbidden.html", {"group": group}, status=403)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


author_required = group_required(GROUP_AUTHORS)
author_required.__doc__ = "Guard a page for authors (and admins)."
admin_required = group_required(GROUP_ADMINS)
admin_required.__doc__ = "Guard a page for admins."


def api_identity_required(request: HttpRequest, *, group: str | None = None) -> Identity:
    """Return the caller's identity.

    Raise ``Unauthorized`` (401) without one and ``Forbidden`` (403) when it is not in ``group``.
    """
    identity = request_identity(request)
    if identity is None:
        raise Unauthorized()
    if group is not None and not identity_has_group(identity, group):
        raise Forbidden(f"This needs membership of the '{group}' group.")
    return identity
