"""Fewer garbage collections while a Lambda container starts.

A cold start builds a few hundred thousand objects that live as long as the process (modules,
classes, URL patterns, compiled templates, boto3's service models), and Python's collector walks them
again and again as they pile up. The Lambda entry point (cloud/lambda_handlers.py) calls
``collect_rarely`` before anything else is imported, Zappa's handler, boto3 and Django included, so
the collector runs a thousand times less often (STARTUP_FACTOR) for the whole start. Its handler is
wrapped in ``ends_start_up``: after the first invocation, whatever it was (a page, a stream batch,
an upload), ``collect_as_usual`` freezes what start-up built out of later collections for good
(``gc.freeze``) and brings the usual thresholds back.

Timed with ``gc.callbacks`` in fresh processes (median of 11): a bare Django project behind Zappa's
handler spends ~14 ms collecting while Zappa's handler is imported and ~25 ms (57 collections) in
its first call; the blog, started from its entry point, ~1 ms, none of it in the first call. At a
hundredth of the usual rate, one collection (~16 ms) was still left in the first call. The rarer
collections leave 389 unreachable objects to be frozen with the rest (a one-off); the peak RSS is
the same. ``python -m bench coldstart`` has the cold start itself, docs/architecture.md the A/B.
"""

from __future__ import annotations

import functools
import gc
from collections.abc import Callable

STARTUP_FACTOR = 1000

_usual: tuple[int, ...] | None = None  # the thresholds to bring back, while collecting rarely


def collect_rarely() -> None:
    """Run the collector STARTUP_FACTOR times less often, until ``collect_as_usual`` (idempotent)."""
    global _usual
    if _usual is None:
        _usual = gc.get_threshold()
        gc.set_threshold(_usual[0] * STARTUP_FACTOR, *_usual[1:])


def collect_as_usual() -> None:
    """Freeze what start-up built out of later collections; bring the usual thresholds back (once)."""
    global _usual
    if _usual is not None:
        gc.freeze()
        gc.set_threshold(*_usual)
        _usual = None


def ends_start_up[**P, R](handler: Callable[P, R]) -> Callable[P, R]:
    """Wrap a Lambda handler so that its calls, however they end, are followed by ``collect_as_usual``:
    the first ends start-up, the others find nothing to do."""

    @functools.wraps(handler)
    def handled(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return handler(*args, **kwargs)
        finally:
            collect_as_usual()

    return handled
