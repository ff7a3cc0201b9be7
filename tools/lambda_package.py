"""``make package``: build the Lambda package offline, check it, and run it against the emulator.

    python -m tools.lambda_package            # build dist/blog-production.zip and check it

The jobs live in their own modules: tools/package_build.py (the clean virtualenv, ``zappa package``,
bytecode and botocore's data for a read-only /var/task), tools/package_checks.py (sizes, contents,
glibc), tools/package_run.py (the packaged handler against the emulator). The cold start is a
benchmark: ``python -m bench package``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from tools import package_build, package_checks, package_run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--stage", default="production")
    parser.add_argument("--skip-build", action="store_true", help="check dist/blog-<stage>.zip as it is")
    parser.add_argument("--skip-run", action="store_true", help="do not run the handler against an emulator")
    args = parser.parse_args(argv)
    zip_path = package_build.DIST / f"blog-{args.stage}.zip"
    if not args.skip_build:
        package_build.build(args.stage, output=zip_path)
    # Unpacked outside the project: Zappa scans the project's .py files when it packages (websockets).
    with tempfile.TemporaryDirectory(prefix="lambda-task-") as folder:
        unpacked = package_build.unpack(zip_path, Path(folder) / "task")
        report = package_checks.inspect(zip_path, unpacked)
        lines, problems = report.lines(), list(report.problems)
        if not args.skip_run:
            run_lines, run_problems = package_run.run_against_emulator(unpacked, args.stage)
            lines += run_lines
            problems += run_problems
    print("\n".join(lines))
    for problem in problems:
        print(f"PROBLEM: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
