"""Fewer garbage collections while a Lambda container starts.

A cold start builds a few hundred thousand objects that live as long as the process (modules,
classes, URL patterns, compiled templates, boto3's service models), and Python's collector walks them
again and again as they pile up. The Lambda entry point (cloud/lambda_handlers.py) calls
``collect_rarely`` before anything else is imported, Zappa's handler, boto3 and Django included, so
the collector runs a hundred times less often for the whole start. After the first invocation,
``collect_as_usual`` freezes what start-up built out of later collections for good (``gc.freeze``)
and brings the usual thresholds back, whatever the invocation was (a page, a stream batch, an upload).

Measured in cold starts of the home page (``python -m bench coldstart``): 57 collections and ~40 ms
in the collector when this ran only once Django's settings were read (after Zappa's and Django's
imports); see docs/architecture.md ("Cold start") for the figures since.
"""

from __future__ import annotations

import gc

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
