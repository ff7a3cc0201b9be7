"""``make bench``: run every benchmark, or those named (``python -m bench home likes``)."""

from __future__ import annotations

import importlib
import sys
import time

BENCHMARKS = (
    "home",
    "coldstart",
    "package",
    "likes",
    "like_client",
    "renditions",
    "stream",
    "reports",
    "pageviews",
    "console",
    "search",
)


def main(names: list[str]) -> int:
    unknown = set(names) - set(BENCHMARKS)
    if unknown:
        print(f"unknown benchmark(s): {', '.join(sorted(unknown))}; choose from {', '.join(BENCHMARKS)}")
        return 2
    for name in names or BENCHMARKS:
        print(f"\n=== bench.{name} ===", flush=True)
        started = time.perf_counter()
        importlib.import_module(f"bench.{name}").main()
        print(f"(bench.{name} took {time.perf_counter() - started:.1f} s)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
