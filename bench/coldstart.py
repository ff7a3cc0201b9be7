"""Cold start: a fresh process to the first response through Zappa's handler.

The blog starts from its Lambda entry point (zappa_settings.json ``lambda_handler``, which hands
pages to Zappa's handler), as on Lambda. Compared, in the same run, with a bare Django project with
one view behind Zappa's handler itself (goal: <= 1.2x, issue 10), and with the same project whose
view builds a plain boto3 client and Queries the 20 items of the home page: what any
DynamoDB-backed page pays, which the bare project does not. The machine's noise is large (the same
import of Zappa's handler varies by a third), so the ratio is given three ways: of the medians, of
the fastest runs, and the median of the pairs. (The blog's entry point imports Zappa's handler
at the first call, so the split between import and first call differs; the totals compare.)
Then a cProfile of the first call and ``-X importtime`` show where the blog's extra time goes; the
imports are those the bare project does not make, since both pay for Zappa's handler (boto3,
werkzeug) and Django's own import of its ORM (django.http.response -> django.core.serializers ->
django.db.models -> difflib).

Both run with DEBUG off, as on Lambda (the blog's local default is on: its templates would then be
compiled with debug information), and as the Lambda package ships them (tools/package_build.py): a
first, unmeasured start of each writes the project's bytecode, where a developer's environment may
not (``PYTHONDONTWRITEBYTECODE``), and botocore's pre-parsed data (cloud/botocore_data.py). The clock
stops at the response, not at the interpreter's exit.
"""

from __future__ import annotations

import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import NamedTuple

from bench.blog_stack import articles_published, blog_stack
from bench.stats import median_ms

ROOT = Path(__file__).resolve().parents[1]
RUNS = 21
GOAL = 1.2  # issue 10: the blog's cold start at most 1.2x the bare project's
# The module Lambda imports for the blog (zappa_settings.json "lambda_handler"), and Zappa's own.
BLOG_ENTRY = json.loads((ROOT / "zappa_settings.json").read_text())["production"]["lambda_handler"]
ZAPPA_ENTRY = "zappa.handler.lambda_handler"


class Project(NamedTuple):
    settings: str  # the Django settings module
    urlconf: str  # the URLconf a start of it must load
    entry: str  # the Lambda handler, as a dotted path


PROJECTS = {
    "blog": Project("config.settings", "config.urls", BLOG_ENTRY),
    "bare": Project("bench.bare_django.settings", "bench.bare_django.urls", ZAPPA_ENTRY),
    "bare+db": Project("bench.bare_django.dynamodb_settings", "bench.bare_django.dynamodb_urls", ZAPPA_ENTRY),
    "bare+gc": Project(
        "bench.bare_django.settings", "bench.bare_django.urls", "bench.bare_django.lambda_gc.lambda_handler"
    ),
}

CHILD = """
import json, sys, time
started = time.perf_counter()
sys.path[:0] = [{settings_dir!r}, {root!r}]
from {entry_module} import {entry_name} as lambda_handler
imported = time.perf_counter()
from cloud.local.lambda_runtime import api_gateway_event, lambda_context
profiler = None
if {profile!r}:
    import cProfile
    profiler = cProfile.Profile()
    profiler.enable()
response = lambda_handler(api_gateway_event("GET", "/", headers={{"Host": "testserver"}}), lambda_context())
done, answered_at = time.perf_counter(), time.time()
timing = {{"import_handler": imported - started, "first_call": done - imported, "answered_at": answered_at}}
if profiler:
    import pstats
    profiler.disable()
    stats = pstats.Stats(profiler).stats
    timing["profile"] = {{f"{{path}}:{{name}}": entry[3] for (path, _, name), entry in stats.items()}}
import django.conf
timing["urlconf"] = django.conf.settings.ROOT_URLCONF
print(json.dumps({{"status": response["statusCode"], **timing}}))
"""

# Where the first call's time goes, read from a cProfile of it: (label, file suffix, function).
FIRST_CALL_PARTS = (
    ("Django set-up: settings, apps, middleware", "django/core/wsgi.py", "get_wsgi_application"),
    ("URLconf and every app's views imported", "django/urls/resolvers.py", "urlconf_module"),
    ("first boto3 client (DynamoDB)", "cloud/aws.py", "_client"),
    ("DynamoDB Query, emulator round trip", "botocore/client.py", "_make_api_call"),
    ("templates loaded, compiled and rendered", "django/template/loader.py", "render_to_string"),
)


def settings_dir(django_settings: str) -> str:
    from cloud.local.lambda_runtime import zappa_settings_source

    source = zappa_settings_source("production", keep_environment=True)
    source = re.sub(r"DJANGO_SETTINGS='[^']*'", f"DJANGO_SETTINGS='{django_settings}'", source)
    folder = tempfile.mkdtemp(prefix="coldstart-")
    Path(folder, "zappa_settings.py").write_text(source)
    return folder


def cold_start(
    folder: str, entry: str, *, extra_args: tuple[str, ...] = (), profile: bool = False, root: Path = ROOT
) -> tuple[float, dict, str]:
    """Start a fresh interpreter on the code in ``root`` and send the home page's event to ``entry``;
    return seconds to the first response, its timings and its stderr."""
    entry_module, _, entry_name = entry.rpartition(".")
    code = CHILD.format(
        settings_dir=folder, root=str(root), profile=profile, entry_module=entry_module, entry_name=entry_name
    )
    # Zappa's handler names the settings module; an inherited one would win over it.
    env = {
        k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "PYTHONDONTWRITEBYTECODE")
    }
    env["DJANGO_DEBUG"] = "false"  # as on Lambda: templates compiled without debug information
    started = time.time()
    done = subprocess.run(
        [sys.executable, *extra_args, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=root,
        env=env,
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    if result["status"] != 200:
        raise SystemExit(f"cold start answered {result['status']}: {done.stderr[-2000:]}")
    return result["answered_at"] - started, result, done.stderr


def first_call_breakdown(profile: dict[str, float]) -> list[tuple[str, float]]:
    """Return the cumulative seconds of each of FIRST_CALL_PARTS in a profiled first call."""
    parts = []
    for label, path, function in FIRST_CALL_PARTS:
        seconds = [total for key, total in profile.items() if key.endswith(f"{path}:{function}")]
        parts.append((label, sum(seconds)))
    return parts


def imported_modules(stderr: str) -> dict[str, float]:
    """Return each module ``-X importtime`` lists, with its self time in seconds."""
    modules = {}
    for line in stderr.splitlines():
        match = re.match(r"import time:\s+(\d+) \|\s+\d+ \|\s+(\S.*)$", line)
        if match:
            modules[match.group(2).strip()] = int(match.group(1)) / 1e6
    return modules


def import_breakdown(
    stderr: str, *, leave_out: frozenset[str] = frozenset(), top: int = 12
) -> list[tuple[str, float]]:
    """Sum ``-X importtime`` self-times by top-level package, leaving out the modules ``leave_out``."""
    totals: dict[str, float] = defaultdict(float)
    for module, seconds in imported_modules(stderr).items():
        if module not in leave_out:
            totals[module.split(".")[0]] += seconds
    return sorted(totals.items(), key=lambda item: -item[1])[:top]


def interleaved(starts: dict[str, tuple[Path, str, str]]) -> dict[str, list[tuple[float, dict]]]:
    """Start each (code root, settings folder, entry) once unmeasured (it writes the bytecode and
    botocore's pre-parsed data), then RUNS times in turn, so the machine's noise hits them alike;
    return each one's (seconds to the first response, timings)."""
    for root, folder, entry in starts.values():
        cold_start(folder, entry, root=root)
    runs: dict[str, list[tuple[float, dict]]] = {name: [] for name in starts}
    for _ in range(RUNS):
        for name, (root, folder, entry) in starts.items():
            elapsed, result, _ = cold_start(folder, entry, root=root)
            runs[name].append((elapsed, result))
    return runs


def main() -> None:
    with blog_stack(prefix="bench-cold"):
        articles_published(20)  # a full home page
        projects = {name: settings_dir(project.settings) for name, project in PROJECTS.items()}
        runs = interleaved({name: (ROOT, folder, PROJECTS[name].entry) for name, folder in projects.items()})
        samples = {name: [elapsed for elapsed, _ in starts] for name, starts in runs.items()}
        phases = {name: [result for _, result in starts] for name, starts in runs.items()}
        urlconfs = {name: {p["urlconf"] for p in results} for name, results in phases.items()}
        if urlconfs != {name: {project.urlconf} for name, project in PROJECTS.items()}:
            raise SystemExit(f"the cold starts did not load the projects they should: {urlconfs}")
        medians = {name: median_ms(values) for name, values in samples.items()}
        print(f"fresh process -> first home-page response through Zappa's handler, median of {RUNS}:")
        for name in projects:
            handler_ms = median_ms([p["import_handler"] for p in phases[name]])
            first_ms = median_ms([p["first_call"] for p in phases[name]])
            print(
                f"  {name:<7} {medians[name]:7.0f} ms  (import {PROJECTS[name].entry} {handler_ms:.0f} ms, "
                f"first call incl. Django setup {first_ms:.0f} ms, rest is interpreter start)"
            )
        print(f"  ratio blog / bare Django: {medians['blog'] / medians['bare']:.2f}x (goal <= {GOAL}x)")
        print(
            f"  ratio blog / bare Django with one boto3 DynamoDB Query: "
            f"{medians['blog'] / medians['bare+db']:.2f}x (what any DynamoDB-backed page pays)"
        )
        print(
            f"  ratio blog / bare Django collecting garbage as the blog does: "
            f"{medians['blog'] / medians['bare+gc']:.2f}x (what the blog's own work costs)"
        )
        fastest = {name: min(values) for name, values in samples.items()}  # noise only ever adds time
        print(f"  fastest of {RUNS}: blog / bare {fastest['blog'] / fastest['bare']:.2f}x")
        # Each blog start is paired with the bare start next to it: the spread shows the machine's noise.
        pairs = sorted(ours / base for ours, base in zip(samples["blog"], samples["bare"], strict=True))
        spread = f"from {pairs[0]:.2f}x to {pairs[-1]:.2f}x"
        print(f"  pair by pair: median {statistics.median(pairs):.2f}x, {spread}")
        blog, bare = projects["blog"], projects["bare"]
        _, profiled, _ = cold_start(blog, BLOG_ENTRY, profile=True)
        profiled_ms = profiled["first_call"] * 1000
        print(f"where the blog's first call goes (one run under cProfile: {profiled_ms:.0f} ms):")
        for label, seconds in first_call_breakdown(profiled["profile"]):
            print(f"  {label:<44} {seconds * 1000:7.1f} ms")
        _, _, stderr = cold_start(blog, BLOG_ENTRY, extra_args=("-X", "importtime"))
        _, _, bare_stderr = cold_start(bare, ZAPPA_ENTRY, extra_args=("-X", "importtime"))
        shared = frozenset(imported_modules(bare_stderr))
        blog_only = import_breakdown(stderr, leave_out=shared)
        total_ms = sum(imported_modules(stderr).values()) * 1000
        print(
            f"the blog's imports the bare project does not make (self time by top-level package; "
            f"{sum(s for _, s in import_breakdown(stderr, leave_out=shared, top=10_000)) * 1000:.0f} ms "
            f"of {total_ms:.0f} ms, under -X importtime):"
        )
        for package, seconds in blog_only:
            print(f"  {package:<28} {seconds * 1000:7.1f} ms")


def against(revision: str) -> None:
    """Time the blog's cold start on this tree and on ``revision`` (a git worktree), interleaved with
    the bare project's, against one emulator: what a change did, with the machine's noise shared.

    The articles are published, and the emulator run, by this tree's code: compare revisions whose
    table is the same.
    """
    with tempfile.TemporaryDirectory(prefix="coldstart-rev-") as other, blog_stack(prefix="bench-cold-ab"):
        git = ["git", "-C", str(ROOT), "worktree"]
        subprocess.run([*git, "add", "--detach", other, revision], check=True, capture_output=True)
        try:
            articles_published(20)
            blog, bare = settings_dir(PROJECTS["blog"].settings), settings_dir(PROJECTS["bare"].settings)
            starts = {
                revision: (Path(other), blog, BLOG_ENTRY),
                "this tree": (ROOT, blog, BLOG_ENTRY),
                "bare": (ROOT, bare, ZAPPA_ENTRY),
            }
            samples = {name: [elapsed for elapsed, _ in runs] for name, runs in interleaved(starts).items()}
        finally:
            subprocess.run([*git, "remove", "--force", other], check=True, capture_output=True)
    base = median_ms(samples["bare"])
    print(f"cold start, median (fastest) of {RUNS}, and the medians' ratio to the bare project's:")
    for name, values in samples.items():
        median = median_ms(values)
        print(f"  {name:<12} {median:6.0f} ms ({min(values) * 1000:4.0f} ms)  {median / base:.3f}x")


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(
        description="The cold start; with --against, this tree against a revision."
    )
    parser.add_argument("--against", metavar="REVISION", help="a git revision to compare this tree with")
    arguments = parser.parse_args()
    if arguments.against:
        against(arguments.against)
    else:
        main()
