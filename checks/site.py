"""Third-party checks of the public pages: axe-core, the Nu HTML checker and Lighthouse.

``make site-checks`` (installs them: npm packages in checks/, Java and Chromium from Debian) runs
``python -m checks.site --lighthouse``; ``make test`` runs the fast two (axe at 1280 and 390 px,
Nu on every page) through tests/blog/test_site_checks.py. Against a private emulator stack with
the demo content and a blog served by ``manage.py runserver``.

Goals (issue 14): axe 0 violations, Nu 0 errors; Lighthouse (mobile) 100 accessibility, best
practices and SEO, performance >= 95 on the home, an article and a tag page.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / "checks" / "node_modules"
AXE_JS = NODE_MODULES / "axe-core" / "axe.min.js"
VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
LIGHTHOUSE = NODE_MODULES / ".bin" / "lighthouse"
CHROMIUM = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
WIDTHS = (1280, 390)  # a desktop and a phone
LIGHTHOUSE_PAGES = ("home", "article", "tag")


@dataclass
class Report:
    axe: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # "page@width" -> violations
    nu: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # page -> errors
    lighthouse: dict[str, dict[str, int]] = field(default_factory=dict)  # page -> category -> score


def installed() -> list[str]:
    """Return what is missing to run the checks (empty when everything is there)."""
    missing = [str(p) for p in (AXE_JS, VNU_JAR) if not p.exists()]
    if not Path(CHROMIUM).exists():
        missing.append(CHROMIUM)
    if shutil.which("java") is None:
        missing.append("java")
    return missing


def _free_port() -> int:
    from cloud.local import emulator

    return emulator.free_port()


@contextmanager
def served_blog(*, own_stack: bool = True) -> Iterator[dict[str, str]]:
    """Serve the blog with the demo content; yield the pages to check by name.

    ``own_stack``: start a private emulator stack first (``python -m checks.site``); the tests
    pass False and serve from the session's emulator, which the environment already points at.
    """
    if not own_stack:
        yield from _serve(index=False)
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    from cloud.local.stack import ephemeral_stack

    with ephemeral_stack(prefix="site-checks"):
        django.setup()
        yield from _serve(index=True)


def _stream_drain() -> None:
    """Hand the table's stream to the stream handler, as ``make run``'s runner does, until it is
    read to the end (the search index then finds the demo articles)."""
    import tempfile

    from cloud.local.stream_runner import StreamRunner

    with tempfile.TemporaryDirectory() as scratch:
        StreamRunner(checkpoint_path=Path(scratch) / "checkpoint.json", batching_window=0).drain()


def _serve(*, index: bool) -> Iterator[dict[str, str]]:
    """Seed the demo content (and with ``index``, index it: a private stack has no stream runner)
    and serve the blog."""
    from blog.demo import seed_demo_articles

    seed_demo_articles()
    if index:
        _stream_drain()
    port = _free_port()
    # Served as in production: DEBUG off, pages gzipped by Django, static files collected and served
    # by WhiteNoise (precompressed, hashed names, cached for a year), which is what Lighthouse judges.
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_DEBUG": "false",
        "STATIC_MANIFEST": "true",
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity=0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    server = subprocess.Popen(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=2)  # noqa: S310
                break
            except OSError:
                time.sleep(0.1)
        yield {
            "home": f"{base}/",
            "article": f"{base}/articles/anatomy-of-a-request-on-a-serverless-blog/",
            "article-code": f"{base}/articles/writing-in-markdown/",
            "author": f"{base}/authors/author/",
            "tag": f"{base}/tags/serverless/",
            "search": f"{base}/search/?q=lambda",
            "not-found": f"{base}/articles/no-such-article/",
            "sign-in": f"{base}/accounts/sign-in/",
        }
    finally:
        server.terminate()
        server.wait(timeout=10)


Scheme = Literal["light", "dark"]
PASSES: tuple[tuple[int, Scheme], ...] = tuple(
    (width, scheme) for width in WIDTHS for scheme in ("light", "dark")
)


def axe_check(
    pages: dict[str, str], report: Report, *, passes: tuple[tuple[int, Scheme], ...] = PASSES
) -> None:
    """Run axe-core (its default rules: WCAG 2.x A/AA and best practices) per width and colour scheme."""
    # Playwright's sync API refuses to run inside a running asyncio loop (pytest-playwright's
    # browser tests leave one in the test process): run it on a thread of its own.
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(_axe_run, pages, report, passes).result()


def _axe_run(pages: dict[str, str], report: Report, passes: tuple[tuple[int, Scheme], ...]) -> None:
    from playwright.sync_api import sync_playwright

    script = AXE_JS.read_text()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        try:
            for width, scheme in passes:
                # The page's CSP allows only its own scripts: the checker's is injected around it.
                context = browser.new_context(
                    viewport={"width": width, "height": 900}, color_scheme=scheme, bypass_csp=True
                )
                page = context.new_page()
                for name, url in pages.items():
                    page.goto(url)
                    page.add_script_tag(content=script)
                    result = page.evaluate("async () => await axe.run(document)")
                    report.axe[f"{name}@{width}/{scheme}"] = [
                        {
                            "id": v["id"],
                            "impact": v["impact"],
                            "help": v["help"],
                            "nodes": [n["target"] for n in v["nodes"]][:5],
                        }
                        for v in result["violations"]
                    ]
                context.close()
        finally:
            browser.close()


def nu_check(pages: dict[str, str], report: Report, *, workdir: Path) -> None:
    """Run the Nu HTML checker over every page's HTML (saved as served)."""
    files = {}
    for name, url in pages.items():
        try:
            body = urllib.request.urlopen(url, timeout=30).read()  # noqa: S310
        except urllib.error.HTTPError as error:  # the 404 page is a page too
            body = error.read()
        path = workdir / f"{name}.html"
        path.write_bytes(body)
        files[str(path)] = name
    answer = subprocess.run(  # noqa: S603 - the installed checker on files we wrote
        [shutil.which("java") or "java", "-jar", str(VNU_JAR), "--format", "json", "--stdout", *files],
        capture_output=True,
        text=True,
        check=False,
    )
    messages = json.loads(answer.stdout or "{}").get("messages", [])
    for name in files.values():
        report.nu[name] = []
    for message in messages:
        if message.get("type") == "error":
            name = files.get(message.get("url", "").removeprefix("file:"), "?")
            report.nu.setdefault(name, []).append(
                {
                    "message": message.get("message"),
                    "line": message.get("lastLine"),
                    "extract": message.get("extract"),
                }
            )


LIGHTHOUSE_ATTEMPTS = 2  # Lighthouse sometimes loses the trace (NO_NAVSTART) and asks to be run again


def _lighthouse(url: str, out: Path) -> dict[str, Any]:
    """Run Lighthouse once on ``url``, again if it says its run went wrong; return its report."""
    problem = ""
    for _ in range(LIGHTHOUSE_ATTEMPTS):
        out.unlink(missing_ok=True)  # never read an earlier run's report
        answer = subprocess.run(  # noqa: S603 - the installed Lighthouse on our own URLs
            [
                str(LIGHTHOUSE),
                url,
                "--quiet",
                "--output=json",
                f"--output-path={out}",
                "--only-categories=performance,accessibility,best-practices,seo",
                f"--chrome-flags=--headless=new {' '.join(CHROMIUM_FLAGS)}",
            ],
            env={**os.environ, "CHROME_PATH": CHROMIUM},
            check=False,
            capture_output=True,
            text=True,
        )
        data: dict[str, Any] = json.loads(out.read_text()) if out.exists() else {}
        if answer.returncode == 0 and not data.get("runtimeError"):
            return data
        problem = str(data.get("runtimeError") or answer.stderr[-2000:])
    raise RuntimeError(f"Lighthouse failed on {url} {LIGHTHOUSE_ATTEMPTS} times: {problem}")


def lighthouse_check(pages: dict[str, str], report: Report, *, workdir: Path) -> None:
    """Run Lighthouse (mobile, its default) on the home, an article and a tag page."""
    for name in LIGHTHOUSE_PAGES:
        data = _lighthouse(pages[name], workdir / f"lighthouse-{name}.json")
        report.lighthouse[name] = {
            key: round((category.get("score") or 0) * 100) for key, category in data["categories"].items()
        }
        failing = [
            f"{a['id']} ({a.get('score')})"
            for a in data["audits"].values()
            if a.get("score") is not None and a["score"] < 0.9 and a.get("scoreDisplayMode") == "binary"
        ]
        if failing:
            report.lighthouse[name]["failing_audits"] = failing  # type: ignore[assignment]


def run(*, lighthouse: bool, workdir: Path, lighthouse_only: bool = False) -> Report:
    report = Report()
    with served_blog() as pages:
        if not lighthouse_only:
            axe_check(pages, report)
            nu_check(pages, report, workdir=workdir)
        if lighthouse or lighthouse_only:
            lighthouse_check(pages, report, workdir=workdir)
    return report


def main(argv: list[str]) -> int:
    missing = installed()
    if missing:
        print(f"missing: {', '.join(missing)} (make site-checks installs them)")
        return 2
    workdir = ROOT / ".local" / "site-checks"
    workdir.mkdir(parents=True, exist_ok=True)
    report = run(
        lighthouse="--lighthouse" in argv, lighthouse_only="--lighthouse-only" in argv, workdir=workdir
    )
    failed = False
    print("axe-core violations (page@width/scheme):")
    for key, violations in report.axe.items():
        print(f"  {key:28} {len(violations)}" + (f"  {violations}" if violations else ""))
        failed |= bool(violations)
    print("Nu HTML checker errors:")
    for name, errors in report.nu.items():
        print(f"  {name:28} {len(errors)}" + (f"  {errors}" if errors else ""))
        failed |= bool(errors)
    if report.lighthouse:
        print("Lighthouse (mobile):")
        for name, scores in report.lighthouse.items():
            print(f"  {name:10} {scores}")
            failed |= any(
                isinstance(v, int) and v < (95 if k == "performance" else 100) for k, v in scores.items()
            )
    print(f"(reports in {workdir})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
