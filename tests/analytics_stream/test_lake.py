"""Object keys of either lake layout -> their dt partition."""

from __future__ import annotations

import pytest

from analytics.lake import events_from_object, partition_from_key


@pytest.mark.parametrize(
    ("key", "dt"),
    [
        ("events/dt=2026-11-23/blog-production-events-1-2026-11-23-23-59-59-abc.parquet", "2026-11-23"),
        ("events/2026/11/23/08/blog-local-events-1-2026-11-23-08-57-17-5f0c", "2026-11-23"),
        ("lake/events/2025/01/02/23/x", "2025-01-02"),
        ("dt=2024-02-29/part-0.parquet", "2024-02-29"),
    ],
)
def test_either_layout_gives_its_day(key: str, dt: str) -> None:
    assert partition_from_key(key) == dt


@pytest.mark.parametrize(
    "key",
    [
        "events/readme.txt",
        "events/2026/11/23/x",  # no hour: not Firehose's time prefix
        "events/2026/13/23/08/x",
        "errors/dt=2026-11-x/y",
        "events/2026/11/23/08/",  # a folder, not an object
        "events/2026/02/30/08/x",
    ],
)
def test_other_keys_are_refused(key: str) -> None:
    with pytest.raises(ValueError, match="lake object key"):
        partition_from_key(key)


def test_concatenated_json_lines_are_split() -> None:
    assert events_from_object(b'{"event_id":"a"}\n{"event_id":"b"}\n\n') == [
        {"event_id": "a"},
        {"event_id": "b"},
    ]
