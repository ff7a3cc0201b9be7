"""The visitor behind a request: a random id in a signed cookie, known to the table only as a keyed hash."""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse

from blog.domain import PageNotLoaded, Reader
from blog.visitors import (
    country_from_headers,
    device_from_headers,
    visitor_hash,
    visitor_token_new,
    visitor_token_valid,
)

COOKIE_SALT = "blog.visitor"
COOKIE_MAX_AGE = 60 * 60 * 24 * 365 * 2  # two years: a returning reader is still the same visitor
PAGE_TOKEN_SALT = "blog.like-page"  # noqa: S105 - a signing namespace, not a secret
PAGE_TOKEN_MAX_AGE = 60 * 60  # an hour to read and like; a harvested token is soon worthless
PAGE_TOKEN_HEADER = "X-Page-Token"  # noqa: S105 - sent by the page's script; the form posts page_token


def _token(request: HttpRequest) -> str | None:
    token = request.get_signed_cookie(settings.VISITOR_COOKIE, default=None, salt=COOKIE_SALT)
    return token if visitor_token_valid(token) else None


def visitor_hash_of(request: HttpRequest) -> str | None:
    """Return the hash of the request's visitor id, or None for a visitor without a (valid) cookie."""
    token = _token(request)
    return visitor_hash(token, key=settings.VISITOR_HASH_KEY) if token else None


def reader_from_request(request: HttpRequest) -> tuple[Reader, str]:
    """Return the reader and its visitor id (a new one when the request had none) to set as a cookie.

    Setting it on every like also re-signs it with the current secret key, so cookies signed with a
    rotated-out key move to the new one (docs/operations.md, "Rotating secrets").
    """
    token = _token(request) or visitor_token_new()
    reader = Reader(
        visitor_hash=visitor_hash(token, key=settings.VISITOR_HASH_KEY),
        country=country_from_headers(request.headers),
        device=device_from_headers(request.headers),
    )
    return reader, token


def visitor_cookie_set(response: HttpResponse, token: str) -> None:
    """Give the visitor its id, signed with the current key, for another two years."""
    response.set_signed_cookie(
        settings.VISITOR_COOKIE,
        token,
        salt=COOKIE_SALT,
        max_age=COOKIE_MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )


def like_page_token(*, article_id: str) -> str:
    """Return the token the article page carries: a like needs a page of that article, loaded lately."""
    return signing.TimestampSigner(salt=PAGE_TOKEN_SALT).sign(article_id)


def like_page_token_check(request: HttpRequest, *, article_id: str) -> None:
    """Raise ``PageNotLoaded`` (403) unless the request carries a fresh page token of ``article_id``."""
    token = request.headers.get(PAGE_TOKEN_HEADER) or request.POST.get("page_token") or ""
    try:
        signed = signing.TimestampSigner(salt=PAGE_TOKEN_SALT).unsign(token, max_age=PAGE_TOKEN_MAX_AGE)
    except signing.BadSignature:  # also SignatureExpired
        raise PageNotLoaded() from None
    if signed != article_id:
        raise PageNotLoaded()
