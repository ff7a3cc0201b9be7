"""The SQL console's limits on the DuckDB engine: a 100-billion-row range beside a parallel ``select 1``.

Baseline: ``select 1`` alone. Then the same while a console query counts ``range(100_000_000_000)``
on another thread: ``select 1`` must answer about as fast (the engine no longer runs one query at a
time), and the long query must be stopped at its time limit (``QUERY_TIME_LIMIT_SECONDS``).
"""

from __future__ import annotations

import threading
import time
from typing import Any

from bench.blog_stack import blog_stack
from bench.stats import median_ms

LONG = "SELECT count(*) AS n FROM range(100000000000)"
PROBES = 20


def main() -> None:
    with blog_stack(prefix="bench-console"):
        from analytics import services
        from analytics.engines.base import QUERY_TIME_LIMIT_SECONDS

        def probe() -> float:
            started = time.perf_counter()
            run = services.console_run_start(sql="select 1")
            assert run.status == "succeeded", run.error
            return time.perf_counter() - started

        probe()
        alone = [probe() for _ in range(PROBES)]
        long_run: dict[str, object] = {}

        def long_query() -> None:
            started = time.perf_counter()
            run = services.console_run_start(sql=LONG)
            long_run.update(run=run, seconds=time.perf_counter() - started)

        thread = threading.Thread(target=long_query)
        thread.start()
        time.sleep(1.0)  # the range is counting
        beside = [probe() for _ in range(PROBES)]
        still_running = thread.is_alive()
        thread.join()
        run: Any = long_run["run"]
        print(
            f"select 1 alone:                      median {median_ms(alone):7.2f} ms, "
            f"max {max(alone) * 1000:7.2f} ms"
        )
        print(
            f"select 1 beside the 100e9-row range: median {median_ms(beside):7.2f} ms, "
            f"max {max(beside) * 1000:7.2f} ms  ({median_ms(beside) / median_ms(alone):.1f}x alone)"
        )
        print(f"  the range was still running after the probes: {still_running}")
        print(
            f"long query: {run.status} after {long_run['seconds']:.1f} s "
            f"(time limit {QUERY_TIME_LIMIT_SECONDS:g} s): {run.error}"
        )
