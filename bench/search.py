"""Search: query time over 10,000 articles, against reading every article; publish -> findable.

- Corpus: 10,000 synthetic articles (a Zipf-like vocabulary of 4,000 words, 80 body words, 5
  title words and 2 tags each), scored by ``search.index.term_scores``.
- Queries: ``search.selectors.article_search`` for a rare term, a common term and three terms,
  median and p95, with the postings served from memory exactly as DynamoDB's Query returns them
  (``MemoryPostings``: the emulator is far too slow to hold 600,000 postings). The baseline is
  what "no Scan per query" avoids: reading every article and matching it, timed in the same run.
- Emulator: publish through the real service with the local stream runner feeding the stream
  handler (as Lambda's event-source mapping does), then search until the article is found.

``BENCH_SEARCH_ARTICLES`` changes the corpus size (default 10,000).
"""

from __future__ import annotations

import functools
import os
import random
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

from bench.blog_stack import blog_stack
from bench.stats import median_ms, timings

ARTICLES = int(os.environ.get("BENCH_SEARCH_ARTICLES", "10000"))
VOCABULARY = 4000
WORDS_PER_BODY = 80
EMULATOR_ARTICLES = 10  # the emulator writes ~150 items/s here: enough for the publish -> findable figure


def _word(rank: int) -> str:
    return f"w{rank:04d}x"  # letters around the number keep it one term


def _corpus(count: int, *, rng: random.Random) -> list[tuple[str, str, list[str]]]:
    weights = [1 / (rank + 1) for rank in range(VOCABULARY)]  # Zipf: a few words are everywhere
    population = list(range(VOCABULARY))
    corpus = []
    for _ in range(count):
        title = " ".join(_word(r) for r in rng.choices(population, weights, k=5))
        body = " ".join(_word(r) for r in rng.choices(population, weights, k=WORDS_PER_BODY))
        tags = [_word(r) for r in rng.choices(population, weights, k=2)]
        corpus.append((title, body, tags))
    return corpus


def _p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))] * 1000


class MemoryPostings:
    """The postings a Query returns (one term's, best first, ``Limit`` of them), from memory.

    The emulator writes ~150 items/s and answers a Query in seconds on this machine, so it cannot
    hold 10,000 articles' postings (over 600,000 items) for a timing; this stands in for
    DynamoDB's Query to time the search code itself over the full corpus. The emulator part
    below times the real path on a small table.
    """

    def __init__(self) -> None:
        self.by_term: dict[str, list[dict[str, str | int]]] = {}

    def add(self, document: Any, scores: dict[str, int]) -> None:
        for term, score in scores.items():
            self.by_term.setdefault(term, []).append(
                {
                    "article_id": document.article_id,
                    "slug": document.slug,
                    "title": document.title,
                    "excerpt": document.excerpt,
                    "author_id": document.author_id,
                    "author_name": document.author_name,
                    "published_at": document.published_at,
                    "score": score,
                }
            )

    def finish(self) -> None:
        for postings in self.by_term.values():
            postings.sort(key=lambda p: -int(p["score"]))

    def postings(self, term: str, *, limit: int, now: int) -> list[dict[str, str | int]]:
        return [dict(p) for p in self.by_term.get(term, [])[:limit]]


def _documents(count: int) -> list[Any]:
    from search.index import Document

    rng = random.Random(7)
    expires = int(time.time()) + 30 * 86400
    return [
        Document(
            article_id=uuid.uuid4().hex,
            slug=f"bench-{n}",
            title=title,
            excerpt=body[:200],
            body=body,
            tags=tuple(tags),
            author_id="bench",
            author_name="Bench",
            published_at=f"2026-01-01T00:00:{n % 60:02d}.000000Z",
            expires_at=expires,
        )
        for n, (title, body, tags) in enumerate(_corpus(count, rng=rng))
    ]


QUERIES = {
    "rare term": _word(3900),
    "common term": _word(0),
    "three terms": f"{_word(5)} {_word(50)} {_word(500)}",
}


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from search.index import term_scores
    from search.selectors import article_search
    from search.text import terms

    documents = _documents(ARTICLES)
    memory = MemoryPostings()
    started = time.perf_counter()
    for document in documents:
        memory.add(document, term_scores(document))
    memory.finish()
    postings = sum(len(p) for p in memory.by_term.values())
    print(
        f"corpus: {ARTICLES:,} articles, {postings:,} postings ({postings / ARTICLES:.0f} per article, "
        f"scored in {time.perf_counter() - started:.1f} s)"
    )
    print("search code over the full corpus (postings from memory, as a Query returns them):")
    figures = {}
    for label, query in QUERIES.items():
        samples = timings(
            functools.partial(article_search, query=query, repository=memory), repeat=50, warmup=3
        )
        found = article_search(query=query, repository=memory)
        figures[label] = median_ms(samples)
        print(
            f"  {label:12} {query!r:24} median {median_ms(samples):6.2f} ms, p95 {_p95(samples):6.2f} ms, "
            f"{found.total} candidates read, {len(found.results)} on page 1"
        )

    def scan_in_memory() -> int:
        wanted = set(terms(QUERIES["rare term"]))
        return sum(1 for d in documents if wanted & set(terms(f"{d.title} {d.body} {' '.join(d.tags)}")))

    scan = median_ms(timings(scan_in_memory, repeat=3, warmup=0))
    print(
        f"  baseline: reading every article per query (what a Scan does), in memory: median {scan:.0f} ms "
        f"({scan / figures['rare term']:.0f}x the indexed rare-term search), before any Scan I/O"
    )
    _emulator_part()


def _emulator_part() -> None:
    """The real path on the emulator: indexing from the stream, Query timings, publish -> findable."""
    with blog_stack(prefix="bench-search"):
        from accounts.identity import Identity
        from blog import services
        from cloud.local.stream_runner import StreamRunner
        from cloud.resources import GROUP_AUTHORS
        from search.selectors import article_search

        author = Identity(
            user_id="bench", username="bench", display_name="Bench", groups=frozenset({GROUP_AUTHORS})
        )
        runner = StreamRunner(starting_position="LATEST", checkpoint_path=_tmp_checkpoint())
        runner.refresh()
        stop = threading.Event()

        def poll() -> None:
            while not stop.is_set():
                if runner.poll_once() == 0:
                    stop.wait(0.05)

        thread = threading.Thread(target=poll, daemon=True)
        thread.start()
        delays = []
        try:
            for n in range(EMULATOR_ARTICLES):
                word = f"fresh{uuid.uuid4().hex[:8]}"
                published = time.perf_counter()
                article = services.article_publish(
                    author=author, title=f"Fresh {word} {n}", body=f"About {word} and the blog, part {n}."
                )
                while not any(r.article_id == article.id for r in article_search(query=word).results):
                    if time.perf_counter() - published > 120:
                        raise RuntimeError("not findable after 120 s")
                    time.sleep(0.02)
                delays.append(time.perf_counter() - published)
            samples = timings(lambda: article_search(query="blog"), repeat=10, warmup=1)
        finally:
            stop.set()
            thread.join(timeout=10)
        print(f"emulator ({EMULATOR_ARTICLES} articles, stream runner polling every 50 ms when idle):")
        print(
            f"  publish -> findable: median {median_ms(delays):.0f} ms, max {max(delays) * 1000:.0f} ms "
            f"(publish transaction + stream read + index writes + one search)"
        )
        print(f"  search 'blog' (one Query): median {median_ms(samples):.1f} ms, p95 {_p95(samples):.1f} ms")


def _tmp_checkpoint() -> Path:
    return Path(tempfile.mkdtemp(prefix="bench-search-")) / "checkpoint.json"
