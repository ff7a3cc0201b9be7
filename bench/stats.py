"""Small helpers shared by the benchmarks: timing and printing."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def timings(fn: Callable[[], object], *, repeat: int, warmup: int = 1) -> list[float]:
    """Return ``repeat`` wall-clock durations (seconds) of ``fn`` after ``warmup`` untimed calls."""
    for _ in range(warmup):
        fn()
    result = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        result.append(time.perf_counter() - started)
    return result


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def table(rows: list[tuple[object, ...]], header: tuple[str, ...]) -> str:
    cells = [tuple(str(c) for c in header), *[tuple(str(c) for c in row) for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)
