"""How many likes one client can add in a minute, with a fresh cookie for every like.

The attack from issue 12: a new session (no visitor cookie) per like, so the per-visitor limit never
applies. Each round loads the article page (for its page token) and likes, through Django's views
and the emulator, round-robin over ``ARTICLES`` articles, from one address. The baseline, measured
in the same run, is the same loop with the per-address limits lifted (what today's code allowed).

``BENCH_LIKE_CLIENT_SECONDS`` (default 60) sets how long the limited run lasts.
"""

from __future__ import annotations

import logging
import os
import time

from bench.blog_stack import articles_published, blog_stack

ARTICLES = 30
BASELINE_SECONDS = 10.0


def _attack(
    article_ids: list[str], slugs: dict[str, str], *, seconds: float, address: str
) -> tuple[int, int]:
    """Like as fast as possible for ``seconds``; return (attempts, likes accepted)."""
    from django.test import Client

    attempts = accepted = 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        article_id = article_ids[attempts % len(article_ids)]
        client = Client(REMOTE_ADDR=address)
        html = client.get(f"/articles/{slugs[article_id]}/").content.decode()
        token = html.split('name="page_token" value="', 1)[1].split('"', 1)[0]
        response = client.post(f"/api/articles/{article_id}/like", HTTP_X_PAGE_TOKEN=token)
        attempts += 1
        accepted += response.status_code == 200
    return attempts, accepted


def main() -> None:
    seconds = float(os.environ.get("BENCH_LIKE_CLIENT_SECONDS", "60"))
    with blog_stack(prefix="bench-like-client"):
        for name in ("django.request", "blog.services"):  # a line per refused like or new article
            logging.getLogger(name).setLevel(logging.ERROR)
        from django.test import override_settings

        from blog import selectors, services

        article_ids = articles_published(ARTICLES)
        slugs = {article_id: selectors.article_get(article_id=article_id).slug for article_id in article_ids}
        with override_settings(BLOG_LIKE_ADDRESS_LIMIT=10**9, BLOG_LIKE_ADDRESS_ARTICLE_LIMIT=10**9):
            base_attempts, base_accepted = _attack(
                article_ids, slugs, seconds=BASELINE_SECONDS, address="203.0.113.1"
            )
        attempts, accepted = _attack(article_ids, slugs, seconds=seconds, address="203.0.113.2")
        total = sum(selectors.article_like_count(article_id=article_id) for article_id in article_ids)
    base_per_minute = base_accepted * 60 / BASELINE_SECONDS
    per_minute = accepted * 60 / seconds
    print(f"one address, a fresh cookie per like, {ARTICLES} articles round-robin")
    print(
        f"  without the address limits (baseline): {base_accepted} of {base_attempts} likes accepted"
        f" in {BASELINE_SECONDS:.0f} s = {base_per_minute:.0f} likes/min"
    )
    print(f"  with them: {accepted} of {attempts} accepted in {seconds:.0f} s = {per_minute:.0f} likes/min")
    print("  (fixed windows: a 60 s span that crosses a minute boundary can see two windows' worth)")
    print(
        f"  limits: {services.LIKE_ADDRESS_LIMIT}/min per address,"
        f" {services.LIKE_ADDRESS_ARTICLE_LIMIT}/h per address and article"
    )
    print(f"  ratio: {base_per_minute / max(per_minute, 1):.0f}x fewer likes per minute")
    print(f"  counts in the table: {total} (= {base_accepted} + {accepted})")


if __name__ == "__main__":
    main()
