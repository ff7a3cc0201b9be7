"""Page views: page render time with and without the view capture, and the cost of /collect itself.

The capture is one deferred script tag (templates/analytics/_beacon.html, included by base.html);
the count happens in a separate request the browser sends after the page is shown, so a page
served from a CDN cache is counted too. "Without" renders the same pages with that include empty.
Rounds alternate between the two so drift on a shared machine falls on both. Goal: <= 1.05x.
"""

from __future__ import annotations

import logging
import os
import statistics
import tempfile
from pathlib import Path
from typing import Any

from bench.blog_stack import articles_published, blog_stack
from bench.stats import median_ms, timings

ROUNDS = 10
REPEAT = 40  # requests per page per round
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"


def main() -> None:
    os.environ["DJANGO_DEBUG"] = "false"  # as on Lambda: the cached template loader is on
    with blog_stack(prefix="bench-views"), tempfile.TemporaryDirectory() as empty:
        from django.conf import settings
        from django.test.utils import override_settings

        from blog.selectors import article_get
        from cloud.local.lambda_runtime import api_gateway_event, lambda_context, load_zappa_handler

        logging.getLogger("zappa").setLevel(logging.WARNING)  # no access-log line per request
        (Path(empty) / "analytics").mkdir()
        (Path(empty) / "analytics" / "_beacon.html").write_text("")
        ids = articles_published(25, body=lambda i: f"# Heading\n\nBody {i} " * 20)
        slug = article_get(article_id=ids[0]).slug
        handler = load_zappa_handler("production")
        pages = {
            "home": api_gateway_event("GET", "/", headers={"Host": "testserver"}),
            "article": api_gateway_event("GET", f"/articles/{slug}/", headers={"Host": "testserver"}),
        }
        engine: dict[str, Any] = dict(settings.TEMPLATES[0])
        without_capture = [{**engine, "DIRS": [empty, *engine["DIRS"]]}]

        def request(event: dict[str, object], *, beacon: bool | None = None) -> str:
            response = handler(event, lambda_context())
            assert response["statusCode"] == 200, response["statusCode"]
            body = str(response["body"])
            if beacon is not None:
                assert ("beacon.js" in body) is beacon
            return body

        results: dict[tuple[str, bool], list[float]] = {}
        for _ in range(ROUNDS):
            for capture in (True, False):
                with override_settings(**({} if capture else {"TEMPLATES": without_capture})):
                    for name, event in pages.items():
                        request(event, beacon=capture)
                        samples = timings(lambda e=event: request(e), repeat=REPEAT, warmup=2)  # type: ignore[misc]
                        results.setdefault((name, capture), []).append(median_ms(samples))

        collect = api_gateway_event(
            "POST",
            "/collect",
            headers={"Host": "testserver", "User-Agent": BROWSER, "Content-Type": "text/plain"},
            body=f'{{"p": "/articles/{slug}/", "r": "https://news.example.com/"}}',
        )

        def beacon() -> None:
            response = handler(collect, lambda_context())
            assert response["statusCode"] == 204, response

        collect_ms = median_ms(timings(beacon, repeat=200, warmup=5))

        print(f"page render through zappa.handler.lambda_handler: median of {ROUNDS} alternating rounds")
        print(f"of {REPEAT}-request medians, with the capture (beacon tag) and without (include emptied)")
        for name in pages:
            with_ms = statistics.median(results[(name, True)])
            without_ms = statistics.median(results[(name, False)])
            print(
                f"  {name:8s} with: {with_ms:7.2f} ms  without: {without_ms:7.2f} ms  "
                f"ratio {with_ms / without_ms:.3f}x (goal <= 1.05x)"
            )
        print(f"  POST /collect (the browser's separate request, after the page): median {collect_ms:.2f} ms")
        print("  (one Firehose PutRecordBatch to the emulator; the salt is read once per process per day)")
