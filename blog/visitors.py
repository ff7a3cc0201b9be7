"""Who is liking, as far as analytics may know: a keyed hash of a random visitor id, a country, a device.

Pure functions: no Django request objects, only header mappings, so they are tested without a server.
Never the IP address, never an email.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Mapping

UNKNOWN_COUNTRY = "ZZ"  # ISO 3166 user-assigned code, what CloudFront itself sends for "unknown"
DEVICES = ("mobile", "tablet", "smarttv", "desktop", "bot", "unknown")
VISITOR_TOKEN_BYTES = 16  # 128 random bits: unguessable, so nobody can like in another's name
VISITOR_TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")

# CloudFront sets exactly one of these to the STRING "true" (the seed compared with True: always Unknown).
CLOUDFRONT_DEVICE_HEADERS = (
    ("CloudFront-Is-Mobile-Viewer", "mobile"),
    ("CloudFront-Is-Tablet-Viewer", "tablet"),
    ("CloudFront-Is-SmartTV-Viewer", "smarttv"),
    ("CloudFront-Is-Desktop-Viewer", "desktop"),
)
_BOT = re.compile(r"bot|crawl|spider|slurp|curl|wget|python-requests|httpclient|headless", re.I)
_TABLET = re.compile(r"ipad|tablet|kindle|silk|playbook|(android(?!.*mobile))", re.I)
_MOBILE = re.compile(r"mobi|iphone|ipod|android|blackberry|opera mini|iemobile|windows phone", re.I)
_SMART_TV = re.compile(r"smart-?tv|hbbtv|appletv|googletv|roku|tizen.*tv|webos.*tv", re.I)
_DESKTOP = re.compile(r"windows nt|macintosh|mac os x|x11|linux x86_64|cros", re.I)


def visitor_token_new() -> str:
    """Return a fresh random visitor id (kept only in the visitor's signed cookie)."""
    return secrets.token_urlsafe(VISITOR_TOKEN_BYTES)


def visitor_token_valid(token: object) -> bool:
    return isinstance(token, str) and bool(VISITOR_TOKEN_PATTERN.match(token))


def visitor_hash(token: str, *, key: str) -> str:
    """Return the keyed hash stored for a visitor: without the key, it cannot be tied back to a cookie."""
    return hmac.new(key.encode(), token.encode(), hashlib.sha256).hexdigest()


def _header(headers: Mapping[str, str], name: str) -> str:
    value = headers.get(name)
    if value is None:  # plain dicts in tests; Django's request.headers is case-insensitive itself
        lowered = name.lower()
        value = next((v for k, v in headers.items() if k.lower() == lowered), "")
    return str(value or "")


def country_from_headers(headers: Mapping[str, str]) -> str:
    """Return the viewer's country from ``CloudFront-Viewer-Country`` (two letters), else ``ZZ``."""
    value = _header(headers, "CloudFront-Viewer-Country").strip().upper()
    return value if len(value) == 2 and value.isascii() and value.isalpha() else UNKNOWN_COUNTRY


def device_from_user_agent(user_agent: str) -> str:
    """Guess the device from a User-Agent: a small heuristic, only for when CloudFront did not say."""
    if not user_agent.strip():
        return "unknown"
    if _BOT.search(user_agent):
        return "bot"
    if _SMART_TV.search(user_agent):
        return "smarttv"
    if _TABLET.search(user_agent):
        return "tablet"
    if _MOBILE.search(user_agent):
        return "mobile"
    if _DESKTOP.search(user_agent):
        return "desktop"
    return "unknown"


def device_from_headers(headers: Mapping[str, str]) -> str:
    """Return the device type from CloudFront's ``CloudFront-Is-*-Viewer`` headers, else the User-Agent."""
    for name, device in CLOUDFRONT_DEVICE_HEADERS:
        if _header(headers, name).strip().lower() == "true":
            return device
    return device_from_user_agent(_header(headers, "User-Agent"))
