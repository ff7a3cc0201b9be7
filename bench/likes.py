"""Likes under concurrency: 8 threads x 250 likes over 100 visitors and 5 articles, against the emulator.

Each like goes through the real service (rate limit, article read, one DynamoDB transaction). The
final like counts must equal the distinct (visitor, article) pairs exactly.

Stock moto deep-copied every table a transaction touched, so each like cost more than the last and
this run grew the emulator past 17 GB; the local server now undoes a cancelled transaction's own
writes instead (cloud/local/moto_transactions.py), and the full run takes well under a minute.
"""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from unittest import mock

from bench.blog_stack import articles_published, blog_stack

THREADS = 8
LIKES_PER_THREAD = 250
VISITORS = 100
ARTICLES = 5


def main() -> None:
    with blog_stack(prefix="bench-likes"):
        from blog import services
        from blog.domain import AlreadyLiked, Reader
        from blog.selectors import article_get

        articles = articles_published(ARTICLES)
        plan = [
            [(f"visitor-{rng.randrange(VISITORS)}", rng.choice(articles)) for _ in range(LIKES_PER_THREAD)]
            for rng in (random.Random(seed) for seed in range(THREADS))
        ]
        distinct_pairs = {pair for pairs in plan for pair in pairs}
        expected = Counter(article for _, article in distinct_pairs)
        outcomes: Counter[str] = Counter()
        lock = threading.Lock()

        def worker(pairs: list[tuple[str, str]]) -> None:
            for visitor, article_id in pairs:
                try:
                    services.article_like(article_id=article_id, reader=Reader(visitor_hash=visitor))
                    outcome = "liked"
                except AlreadyLiked:
                    outcome = "already liked"
                with lock:
                    outcomes[outcome] += 1

        # The per-visitor rate limit is not what is measured here: lift it for the run.
        with mock.patch.object(services, "LIKE_LIMIT", 10**9):
            threads = [threading.Thread(target=worker, args=(pairs,)) for pairs in plan]
            started = time.perf_counter()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            elapsed = time.perf_counter() - started

        counts = {a: article_get(article_id=a).like_count for a in articles}
        exact = all(counts[a] == expected[a] for a in articles)
        attempts = THREADS * LIKES_PER_THREAD
        print(f"attempts: {attempts} in {elapsed:.2f} s = {attempts / elapsed:.0f} like requests/s")
        print(f"outcomes: {dict(outcomes)}; distinct (visitor, article) pairs: {sum(expected.values())}")
        for a in articles:
            print(f"  article {a[:8]}: count {counts[a]}, expected {expected[a]}")
        print(f"final counts exact: {'YES' if exact else 'NO'}")
        if not exact:
            raise SystemExit("like counts drifted")
