"""Fewer garbage collections while a process starts.

A cold start builds a few hundred thousand objects that live as long as the process (modules,
classes, URL patterns, compiled templates, boto3's service models), and Python's collector walks them
again and again as they pile up. Until the first response it runs a hundred times less often; then
what start-up built is frozen out of collections for good (``gc.freeze``) and the usual thresholds
come back. ``python -m bench coldstart`` measures the cold start.
"""

from __future__ import annotations

import gc
from typing import Any

from django.core.signals import request_finished

STARTUP_FACTOR = 100


def collect_rarely_until_first_response() -> None:
    """Raise the collector's first threshold until the first response has been sent."""
    usual = gc.get_threshold()
    gc.set_threshold(usual[0] * STARTUP_FACTOR, *usual[1:])

    def first_response(**kwargs: Any) -> None:
        request_finished.disconnect(first_response)
        gc.freeze()
        gc.set_threshold(*usual)

    request_finished.connect(first_response, weak=False)
