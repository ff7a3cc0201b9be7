"""Turn one beacon request into zero or one ``page_viewed`` event: pure, no AWS, no Django.

The page's script (static/js/beacon.js) sends the path, the referrer and the UTM parameters after
the page has loaded, so counting works the same when a CDN serves the page from its cache and costs
the page's rendering nothing. The request itself says the rest (CloudFront's country and device
headers, the User-Agent).

Who the visitor is, as Plausible counts it (plausible.io/data-policy): ``sha256(daily salt + site
+ IP + User-Agent)``. The IP and the User-Agent are read, hashed and forgotten; the salt is random,
changes every UTC day and is deleted the day after (analytics/repository.py), so yesterday's hashes
can no longer be recomputed from an address and cannot be joined with today's. No cookie is read or
set. The same person is one visitor per day and site; on two days, two.

Not counted: bots (by User-Agent), prefetches and prerenders (``Sec-Purpose``/``Purpose`` headers;
the script also waits for a prerendered page to be shown), and anything that is not a page path.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from analytics.schema import COLUMN_NAMES
from blog.visitors import country_from_headers, device_from_headers

Event = dict[str, Any]

MAX_BODY_BYTES = 2048  # a path, a referrer and three UTM values; anything larger is not our script
MAX_PATH_CHARS = 512  # longer paths are not pages of this site
MAX_UTM_CHARS = 100  # campaign names are short; a long value is noise or abuse
MAX_HOST_CHARS = 253  # DNS's limit for a host name
VISITOR_HASH_CHARS = 32  # 128 bits of the sha256: collisions are negligible at a blog's traffic

_PATH = re.compile(r"/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*")
_HOST = re.compile(r"[a-z0-9.-]+(?::\d{1,5})?")
_PREFETCH = re.compile(r"prefetch|prerender", re.I)
# What a page path may not be: the API, the admin's own pages, static files.
_NOT_PAGES = ("/api/", "/static/", "/collect", "/analytics/")


class InvalidBeacon(ValueError):
    """The beacon's body is not what our script sends."""


@dataclass(frozen=True)
class Beacon:
    path: str
    referrer_host: str | None
    utm_source: str | None
    utm_medium: str | None
    utm_campaign: str | None


def _header(headers: Mapping[str, str], name: str) -> str:
    value = headers.get(name)
    if value is None:
        lowered = name.lower()
        value = next((v for k, v in headers.items() if k.lower() == lowered), "")
    return str(value or "")


def beacon_parse(body: bytes, *, site_host: str) -> Beacon:
    """Return the beacon in ``body`` (JSON: ``p`` path, ``r`` referrer, ``u`` UTM parameters).

    Raise ``InvalidBeacon`` for anything else. A referrer on ``site_host`` itself is internal
    navigation and gives no referrer host.
    """
    if len(body) > MAX_BODY_BYTES:
        raise InvalidBeacon(f"the body is over {MAX_BODY_BYTES} bytes")
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise InvalidBeacon("the body is not JSON") from None
    if not isinstance(data, dict):
        raise InvalidBeacon("the body is not a JSON object")
    path = data.get("p")
    if not isinstance(path, str) or len(path) > MAX_PATH_CHARS or not _PATH.fullmatch(path):
        raise InvalidBeacon("p must be the page's path")
    if path.startswith(_NOT_PAGES) or path in ("/collect",):
        raise InvalidBeacon("p is not a page of the site")
    referrer = data.get("r")
    utm = data.get("u") or {}
    if not isinstance(referrer, str | None) or not isinstance(utm, dict):
        raise InvalidBeacon("r must be a string and u an object")
    return Beacon(
        path=path,
        referrer_host=referrer_host(referrer or "", site_host=site_host),
        utm_source=_utm(utm.get("source")),
        utm_medium=_utm(utm.get("medium")),
        utm_campaign=_utm(utm.get("campaign")),
    )


def _utm(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    cleaned = " ".join(value.split())[:MAX_UTM_CHARS].lower()
    return cleaned or None


def referrer_host(referrer: str, *, site_host: str) -> str | None:
    """Return the host of an external referrer URL (``www.`` dropped), or None."""
    try:
        parts = urlsplit(referrer.strip())
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    host = parts.hostname.lower()
    if host.startswith("www."):
        host = host[4:]
    own = site_host.lower().split(":")[0].removeprefix("www.")
    if host == own or len(host) > MAX_HOST_CHARS or not _HOST.fullmatch(host):
        return None
    return host


def is_counted(headers: Mapping[str, str]) -> bool:
    """Return False for bots and prefetches/prerenders (not a person looking at the page)."""
    for name in ("Sec-Purpose", "Purpose", "X-Purpose", "X-Moz"):
        if _PREFETCH.search(_header(headers, name)):
            return False
    return device_from_headers(headers) != "bot"


def visitor_hash_daily(*, salt: str, site: str, ip: str, user_agent: str) -> str:
    """Return Plausible's visitor hash: sha256(daily salt + site + IP + User-Agent), truncated."""
    digest = hashlib.sha256(f"{salt}\x00{site}\x00{ip}\x00{user_agent}".encode()).hexdigest()
    return digest[:VISITOR_HASH_CHARS]


def client_ip(headers: Mapping[str, str], *, remote_addr: str) -> str:
    """Return the viewer's address: CloudFront's ``CloudFront-Viewer-Address`` (ip:port), else the peer.

    ``X-Forwarded-For`` is not read: a client can write its first entry itself.
    """
    viewer = _header(headers, "CloudFront-Viewer-Address").strip()
    if viewer:
        host, _, port = viewer.rpartition(":")
        return host if host and port.isdigit() else viewer
    return remote_addr


def page_view_event(
    *,
    beacon: Beacon,
    headers: Mapping[str, str],
    visitor: str,
    event_id: str,
    occurred_at: datetime,
    article_id: str | None = None,
    article_title: str | None = None,
    article_slug: str | None = None,
) -> Event:
    """Return the ``page_viewed`` event (every column of the events table, None where unused)."""
    event: Event = dict.fromkeys(COLUMN_NAMES)
    event.update(
        event_id=event_id,
        event_type="page_viewed",
        occurred_at=f"{occurred_at:%Y-%m-%dT%H:%M:%S}.{occurred_at.microsecond // 1000:03d}Z",
        article_id=article_id,
        article_slug=article_slug,
        article_title=article_title,
        country=country_from_headers(headers),
        device=device_from_headers(headers),
        path=beacon.path,
        referrer_host=beacon.referrer_host,
        utm_source=beacon.utm_source,
        utm_medium=beacon.utm_medium,
        utm_campaign=beacon.utm_campaign,
        visitor_hash=visitor,
    )
    return event
