"""A known event set for the reports, in March 2001 so no other test's events share its days.

The reports are run for 2001-03-10 .. 2001-03-16 (7 days; the previous period is 03-03 .. 03-09).
Objects are laid out as the emulator's Firehose writes them (``events/YYYY/MM/DD/HH/...``, JSON
lines), with duplicates (same ``event_id``) in other objects, as at-least-once delivery makes them.
"""

from __future__ import annotations

import json
from typing import Any

from analytics.schema import COLUMN_NAMES

START, END = "2001-03-10", "2001-03-16"

ARTICLES = {
    "art-1": ("Alpha", "u1", "Uma"),
    "art-2": ("Beta", "u2", "Vic"),
    "art-3": ("Gamma", "u1", "Uma"),
    "art-4": ("Delta", "u3", "Wes"),
    "art-5": ("Epsilon", "u2", "Vic"),
    "art-9": ("Old", "u3", "Wes"),
}


def _event(event_id: str, event_type: str, occurred_at: str, article_id: str, **extra: Any) -> dict[str, Any]:
    title, author_id, author_name = ARTICLES[article_id]
    event = dict.fromkeys(COLUMN_NAMES)
    event.update(
        event_id=event_id,
        event_type=event_type,
        occurred_at=occurred_at,
        article_id=article_id,
        article_title=title,
        author_id=author_id,
        author_name=author_name,
    )
    event.update(extra)
    return event


def published(event_id: str, at: str, article_id: str) -> dict[str, Any]:
    return _event(event_id, "article_published", at, article_id, published_at=at, like_count=0)


def liked(event_id: str, at: str, article_id: str, country: str, device: str) -> dict[str, Any]:
    return _event(event_id, "article_liked", at, article_id, country=country, device=device)


def expired(event_id: str, at: str, article_id: str, likes: int) -> dict[str, Any]:
    return _event(
        event_id,
        "article_expired",
        at,
        article_id,
        actor="ttl",
        like_count=likes,
        published_at="2001-01-01T00:00:00.000Z",
    )


def viewed(
    event_id: str,
    at: str,
    path: str,
    *,
    visitor: str,
    country: str,
    device: str,
    article_id: str | None = None,
    referrer: str | None = None,
    utm: tuple[str, str, str] | None = None,
) -> dict[str, Any]:
    event = dict.fromkeys(COLUMN_NAMES)
    source, medium, campaign = utm or (None, None, None)
    event.update(
        event_id=event_id,
        event_type="page_viewed",
        occurred_at=at,
        path=path,
        article_id=article_id,
        article_title=ARTICLES[article_id][0] if article_id else None,
        visitor_hash=visitor,
        country=country,
        device=device,
        referrer_host=referrer,
        utm_source=source,
        utm_medium=medium,
        utm_campaign=campaign,
    )
    return event


P_A1 = published("p-a1", "2001-03-04T09:00:00.000Z", "art-1")  # previous period
P_A2 = published("p-a2", "2001-03-10T08:00:00.000Z", "art-2")
P_A3 = published("p-a3", "2001-03-12T12:00:00.000Z", "art-3")
P_A4 = published("p-a4", "2001-03-16T23:59:59.500Z", "art-4")  # reaches Firehose on 03-17
P_A5 = published("p-a5", "2001-03-17T10:00:00.000Z", "art-5")  # after the period
L1 = liked("l-1", "2001-03-10T10:00:00.000Z", "art-1", "FR", "desktop")
L2 = liked("l-2", "2001-03-11T10:00:00.000Z", "art-1", "FR", "mobile")
L3 = liked("l-3", "2001-03-11T11:00:00.000Z", "art-2", "FR", "mobile")
L4 = liked("l-4", "2001-03-12T10:00:00.000Z", "art-2", "US", "desktop")
L5 = liked("l-5", "2001-03-12T11:00:00.000Z", "art-3", "US", "tablet")
L6 = liked("l-6", "2001-03-13T10:00:00.000Z", "art-3", "DE", "mobile")
L7 = liked("l-7", "2001-03-16T23:59:59.000Z", "art-3", "FR", "desktop")  # reaches Firehose on 03-17
L8 = liked("l-8", "2001-03-14T10:00:00.000Z", "art-2", "US", "mobile")
P1 = liked("l-p1", "2001-03-05T10:00:00.000Z", "art-1", "FR", "desktop")  # previous period
P2 = liked("l-p2", "2001-03-09T10:00:00.000Z", "art-1", "US", "desktop")  # previous period
X1 = liked("l-x1", "2001-03-17T08:00:00.000Z", "art-2", "FR", "desktop")  # after the period
X2 = liked("l-x2", "2001-03-02T10:00:00.000Z", "art-1", "FR", "desktop")  # before both periods
U1 = _event("u-1", "article_unliked", "2001-03-13T12:00:00.000Z", "art-1", country="FR", device="desktop")
E1 = expired("e-1", "2001-03-14T05:00:00.000Z", "art-1", 3)
E2 = expired("e-2", "2001-03-11T05:00:00.000Z", "art-9", 7)
E3 = expired("e-3", "2001-03-02T05:00:00.000Z", "art-5", 9)  # before the period
# Page views. A visitor hash rotates daily: "a1" and "a2" are the same person on 03-10 and 03-11.
V1 = viewed("v-1", "2001-03-10T10:00:00.000Z", "/", visitor="a1", country="FR", device="desktop")
V2 = viewed(
    "v-2", "2001-03-10T10:05:00.000Z", "/articles/alpha/", visitor="a1", country="FR", device="desktop",
    article_id="art-1",
)  # fmt: skip
V3 = viewed("v-3", "2001-03-11T09:00:00.000Z", "/", visitor="a2", country="FR", device="desktop")
V4 = viewed(
    "v-4", "2001-03-10T11:00:00.000Z", "/articles/beta/", visitor="b1", country="US", device="mobile",
    article_id="art-2", referrer="news.example.com", utm=("newsletter", "email", "winter"),
)  # fmt: skip
V5 = viewed(
    "v-5", "2001-03-12T12:00:00.000Z", "/", visitor="c1", country="US", device="mobile",
    referrer="search.example.org",
)  # fmt: skip
V6 = viewed(  # an hour after V5: a new visit
    "v-6", "2001-03-12T13:00:00.000Z", "/articles/beta/", visitor="c1", country="US", device="mobile",
    article_id="art-2",
)  # fmt: skip
VP = viewed("v-p", "2001-03-05T10:00:00.000Z", "/", visitor="p1", country="FR", device="desktop")  # previous

# (day, hour) of the Firehose object -> its events. Duplicates: L3 (03-11 and 03-12), P_A3 (same
# day, two objects), E1 (03-14 twice), L7 (03-17 twice), V4 (03-10 and 03-11).
OBJECTS: dict[tuple[str, str], list[dict[str, Any]]] = {
    ("02", "10"): [X2, E3],
    ("04", "09"): [P_A1],
    ("05", "10"): [P1, VP],
    ("09", "10"): [P2],
    ("10", "08"): [P_A2, L1],
    ("10", "11"): [V1, V2, V4],
    ("11", "05"): [E2, V4],
    ("11", "09"): [V3],
    ("12", "14"): [V5, V6],
    ("11", "11"): [L2, L3],
    ("12", "10"): [L4, L5, L3],
    ("12", "12"): [P_A3],
    ("12", "13"): [P_A3],
    ("13", "10"): [L6, U1],
    ("14", "05"): [E1, L8],
    ("14", "06"): [E1],
    ("17", "00"): [P_A4, L7],
    ("17", "01"): [L7, X1],
    ("17", "10"): [P_A5],
}


def object_key(day: str, hour: str, stream: str, n: int) -> str:
    return f"events/2001/03/{day}/{hour}/{stream}-1-2001-03-{day}-{hour}-00-00-{n:08d}"


def object_body(events: list[dict[str, Any]]) -> bytes:
    return b"".join(json.dumps(e).encode() + b"\n" for e in events)
