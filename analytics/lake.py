"""The lake's object layout: which ``dt`` partition an object belongs to, and its events.

Two layouts hold the same events:

- production: Firehose with the prefix ``events/dt=!{timestamp:yyyy-MM-dd}/`` and Parquet, e.g.
  ``events/dt=2026-11-23/blog-production-events-1-2026-11-23-08-57-17-<uuid>.parquet``;
- local: the emulator ignores prefix expressions and uses Firehose's default time prefix, writing
  each ``PutRecordBatch`` as one object of concatenated JSON lines, e.g.
  ``events/2026/11/23/08/blog-local-events-1-2026-11-23-08-57-17-<uuid>``.

In both, the day is the UTC day Firehose received the records. Locally, ``make run`` restores the
emulator by replaying the recorded requests, PutRecordBatch included; the replay serves each one at
its recorded time, so an object comes back under the day and hour it was first written
(cloud/local/moto_recording.py).
"""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from typing import Any

from cloud.resources import LAKE_ERRORS_PREFIX, LAKE_EVENTS_PREFIX

# Production's Firehose prefixes (infra/lake.py uses them): Hive-style dt= partitions by the UTC day
# Firehose received the records, and failed records apart under errors/<type>/dt=.../.
FIREHOSE_EVENTS_PREFIX = f"{LAKE_EVENTS_PREFIX}dt=!{{timestamp:yyyy-MM-dd}}/"
FIREHOSE_ERRORS_PREFIX = f"{LAKE_ERRORS_PREFIX}!{{firehose:error-output-type}}/dt=!{{timestamp:yyyy-MM-dd}}/"


def partition_location_template(bucket: str) -> str:
    """Return where Athena's partition projection finds a ``dt`` partition's objects."""
    return f"s3://{bucket}/{LAKE_EVENTS_PREFIX}dt=${{dt}}/"


_HIVE = re.compile(r"(?:^|/)dt=(\d{4})-(\d{2})-(\d{2})/")
_TIME_PREFIX = re.compile(r"(?:^|/)(\d{4})/(\d{2})/(\d{2})/(\d{2})/[^/]+$")


def partition_from_key(key: str) -> str:
    """Return the ``dt`` partition value (``yyyy-MM-dd``) of a lake object key in either layout.

    Raise ``ValueError`` for a key in neither layout.
    """
    match = _HIVE.search(key) or _TIME_PREFIX.search(key)
    if match is None:
        raise ValueError(
            f"not a lake object key (events/dt=yyyy-MM-dd/... or events/yyyy/MM/dd/HH/...): {key!r}"
        )
    year, month, day = (int(part) for part in match.groups()[:3])
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        raise ValueError(f"no such date in lake object key: {key!r}") from None


def events_from_object(body: bytes) -> list[dict[str, Any]]:
    """Return the events in a local (JSON lines) lake object; blank lines are skipped."""
    return [json.loads(line) for line in body.splitlines() if line.strip()]


def day_prefixes(day: date, *, prefix: str = LAKE_EVENTS_PREFIX) -> tuple[str, str]:
    """Return ``day``'s key prefix in production's layout (``dt=yyyy-MM-dd/``) and in the emulator's."""
    return f"{prefix}dt={day:%Y-%m-%d}/", f"{prefix}{day:%Y/%m/%d}/"


def key_ranges(prefix: str, first: date | None, last: date) -> list[tuple[str | None, str | None]]:
    """Return (StartAfter, stop-at) key bounds that cover the days ``first``..``last`` in both layouts.

    Firehose's keys sort by day in either layout (``<prefix>yyyy/MM/dd/HH/...`` locally,
    ``<prefix>dt=yyyy-MM-dd/...`` in AWS), so a date range is one key range per layout and a
    listing skips the other days. ``first`` None: from the lake's first day.
    """
    after = last + timedelta(days=1)
    return [
        (f"{prefix}{first:%Y/%m/%d}" if first else None, f"{prefix}{after:%Y/%m/%d}"),
        (f"{prefix}dt={first:%Y-%m-%d}" if first else f"{prefix}dt=", f"{prefix}dt={after:%Y-%m-%d}"),
    ]
