"""What an article puts into the search index: a score per term. Pure.

Title words count five times, tags three, body words once (each body word at most ten times, so
repetition does not buy a rank), over a gentle length normalisation so a long article does not win
every query. Only the best ``MAX_TERMS_PER_ARTICLE`` terms are kept: each is one item written.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

from search.text import terms

TITLE_WEIGHT, TAG_WEIGHT, BODY_WEIGHT = 5, 3, 1
BODY_TF_CAP = 10  # repeating a word more often does not make an article more about it
MAX_TERMS_PER_ARTICLE = 300  # one posting item per term: bounds the write cost of a long article
SCORE_SCALE = 1000  # scores are stored as integers in the sort key


@dataclass(frozen=True)
class Document:
    """The searchable fields of an article, and what a result shows without reading the article."""

    article_id: str
    slug: str
    title: str
    excerpt: str
    body: str
    tags: tuple[str, ...]
    author_id: str
    author_name: str
    published_at: str  # ISO UTC, fixed width
    expires_at: int
    visible_from: int = 0  # epoch seconds: a scheduled article is found from then on


def term_scores(document: Document) -> dict[str, int]:
    """Return the article's terms with their integer scores (higher is more relevant)."""
    title = Counter(terms(document.title))
    tags = Counter(terms(" ".join(document.tags)))
    body_terms = terms(document.body)
    body = Counter(body_terms)
    norm = 1 + math.log1p(len(body_terms) / 100)
    scores: dict[str, int] = {}
    for term in set(title) | set(tags) | set(body):
        raw = (
            TITLE_WEIGHT * title[term] + TAG_WEIGHT * tags[term] + BODY_WEIGHT * min(body[term], BODY_TF_CAP)
        )
        scores[term] = max(1, round(SCORE_SCALE * raw / norm))
    best = sorted(scores.items(), key=lambda item: (-item[1], item[0]))[:MAX_TERMS_PER_ARTICLE]
    return dict(best)
