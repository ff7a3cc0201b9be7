"""The home page through Zappa's handler, in process: cached vs uncached median.

Goal: cached >= 10x faster.
"""

from __future__ import annotations

import os

from bench.blog_stack import articles_published, blog_stack
from bench.stats import median_ms, timings

ARTICLES = 45  # more than two pages


def main() -> None:
    os.environ["DJANGO_DEBUG"] = "false"  # as on Lambda: the cached template loader is on
    with blog_stack(prefix="bench-home"):
        from django.core.cache import cache

        from cloud.local.lambda_runtime import api_gateway_event, lambda_context, load_zappa_handler

        articles_published(ARTICLES, body=lambda i: f"# Heading\n\nBody {i} " * 20)
        handler = load_zappa_handler("production")
        event = api_gateway_event("GET", "/", headers={"Host": "testserver"})

        def home() -> None:
            response = handler(event, lambda_context())
            assert response["statusCode"] == 200, response["statusCode"]

        def home_uncached() -> None:
            cache.clear()
            home()

        uncached = median_ms(timings(home_uncached, repeat=40, warmup=3))
        cached = median_ms(timings(home, repeat=400, warmup=3))
        print(f"home page via zappa.handler.lambda_handler, {ARTICLES} articles (20 a page)")
        print(f"  uncached median: {uncached:.2f} ms  (one GSI Query to the emulator + render)")
        print(f"  cached median:   {cached:.2f} ms")
        print(f"  ratio: cached is {uncached / cached:.1f}x faster (goal >= 10x)")
