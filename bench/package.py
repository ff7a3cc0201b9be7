"""The Lambda package's cold start: a fresh interpreter to the home page, as Lambda would start it.

The package (``dist/blog-production.zip``, built by ``make package`` if missing) is unpacked and its
handler imported by an interpreter that sees only the package (tools/package_run.py), against a
private emulator. Measured in the same run, interleaved so the machine's noise hits both alike: with
the packaged bytecode, and from source (the pycs hidden, as Zappa's zip would run as it comes).
"""

from __future__ import annotations

import statistics
import tempfile
from pathlib import Path

from tools import package_build
from tools.package_run import SMOKE_HOST, emulated_function, run_events

COLD_START_RUNS = 5


def cold_starts(unpacked: Path, *, env: dict[str, str], runs: int = COLD_START_RUNS) -> dict[str, float]:
    """Return the median seconds from a fresh interpreter to the home page, with and without bytecode."""
    from cloud.local.lambda_runtime import api_gateway_event

    event = api_gateway_event("GET", "/", headers={"Host": SMOKE_HOST})
    seconds: dict[str, list[float]] = {"bytecode": [], "source": []}
    for _ in range(runs):  # interleaved, so machine noise hits both alike
        for name in seconds:
            run = run_events(unpacked, [event], env=env, bytecode=name == "bytecode")
            seconds[name].append(run["first_answer_seconds"])
    return {name: statistics.median(values) for name, values in seconds.items()}


def main() -> None:
    zip_path = package_build.DIST / "blog-production.zip"
    if not zip_path.exists():
        package_build.build("production", output=zip_path)
    with tempfile.TemporaryDirectory(prefix="lambda-task-") as folder:
        unpacked = package_build.unpack(zip_path, Path(folder) / "task")
        with emulated_function("production") as env:
            cold = cold_starts(unpacked, env=env)
    print(f"package:       {zip_path} ({zip_path.stat().st_size / 1024 / 1024:.1f} MiB zipped)")
    print(
        f"cold start:    {cold['bytecode'] * 1000:.0f} ms with the packaged bytecode, "
        f"{cold['source'] * 1000:.0f} ms from source ({cold['source'] / cold['bytecode']:.2f}x); "
        f"fresh interpreter to the home page, median of {COLD_START_RUNS}"
    )


if __name__ == "__main__":
    main()
