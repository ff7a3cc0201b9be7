"""``{% pipeline_health_get as health %}``: the health panel's data, for templates/analytics/_health.html.

A tag, so the panel is self-contained wherever the analytics page includes it; a view that already
has the figures passes ``health`` in its context instead.
"""

from __future__ import annotations

from django import template
from django.core.cache import cache

from analytics.health import PipelineHealth, pipeline_health

register = template.Library()

CACHE_SECONDS = 30  # the figures move in minutes; a report re-run need not query SQS, CloudWatch and S3 again


@register.simple_tag
def pipeline_health_get() -> PipelineHealth:
    health = cache.get("analytics:pipeline-health")
    if not isinstance(health, PipelineHealth):
        health = pipeline_health()
        cache.set("analytics:pipeline-health", health, CACHE_SECONDS)
    return health
