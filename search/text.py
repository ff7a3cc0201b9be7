"""Words for the search index: the same normalisation for articles and queries. Pure.

Lower-case ASCII (accents folded), letters and digits, common English words left out, and a
light plural folding (``articles`` and ``article`` are one term). No stemmer beyond that: a
reader's query for ``running`` should not find ``run`` any more than a title would show it.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable

TERM_MIN_CHARS, TERM_MAX_CHARS = 2, 30  # single letters match everything; longer is a hash or a URL
WORD = re.compile(r"[A-Za-z0-9\u00C0-\u024F]+")
STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "but",
        "by",
        "for",
        "from",
        "has",
        "have",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "our",
        "so",
        "that",
        "the",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "to",
        "was",
        "we",
        "were",
        "what",
        "when",
        "which",
        "who",
        "will",
        "with",
        "you",
        "your",
    ]
)


def _fold(word: str) -> str:
    return unicodedata.normalize("NFKD", word).encode("ascii", "ignore").decode().lower()


def term_of(word: str) -> str | None:
    """Return the index term for one word, or None when it is not worth indexing."""
    term = _fold(word)
    if not TERM_MIN_CHARS <= len(term) <= TERM_MAX_CHARS or term in STOPWORDS:
        return None
    if len(term) > 4 and term.endswith("ies"):
        term = term[:-3] + "y"
    elif len(term) > 4 and term.endswith(("ses", "xes", "zes", "ches", "shes")):
        term = term[:-2]
    elif len(term) > 3 and term.endswith("s") and not term.endswith(("ss", "us", "is")):
        term = term[:-1]
    return term


def terms(text: str) -> list[str]:
    """Return the index terms of ``text``, in order, repeats kept."""
    found = (term_of(word) for word in WORD.findall(text))
    return [term for term in found if term]


def highlight(text: str, query_terms: Iterable[str]) -> str:
    """Return ``text`` as escaped HTML with the words matching ``query_terms`` in ``<mark>``."""
    wanted = set(query_terms)
    parts: list[str] = []
    last = 0
    for match in WORD.finditer(text):
        if term_of(match.group()) in wanted:
            parts.append(html.escape(text[last : match.start()]))
            parts.append(f"<mark>{html.escape(match.group())}</mark>")
            last = match.end()
    parts.append(html.escape(text[last:]))
    return "".join(parts)
