"""``{% pipeline_health_get as health %}``: the health panel's data, for templates/analytics/_health.html.

A tag, so the panel is self-contained wherever the analytics page includes it; a view that already
has the figures passes ``health`` in its context instead.
"""

from __future__ import annotations

from django import template

from analytics.health import PipelineHealth, pipeline_health

register = template.Library()


@register.simple_tag
def pipeline_health_get() -> PipelineHealth:
    return pipeline_health()
