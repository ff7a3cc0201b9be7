"""System checks: the analytics engine setting must name an engine that can run here."""

from __future__ import annotations

import importlib.util
from typing import Any

from django.conf import settings
from django.core import checks

from analytics.engines import ENGINES

# The local engine's packages stay out of the Lambda package (requirements/local.txt).
DUCKDB_PACKAGES = ("duckdb", "pyarrow")


@checks.register()
def analytics_engine_check(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """Error on an unknown engine, DuckDB without its packages, or Athena without a workgroup."""
    engine = getattr(settings, "ANALYTICS_ENGINE", "")
    if engine not in ENGINES:
        return [
            checks.Error(
                f"ANALYTICS_ENGINE is {engine!r}.",
                hint=f"Set it to one of: {', '.join(ENGINES)}.",
                id="analytics.E001",
            )
        ]
    if engine == "duckdb":
        missing = [name for name in DUCKDB_PACKAGES if importlib.util.find_spec(name) is None]
        if missing:
            return [
                checks.Error(
                    f"ANALYTICS_ENGINE is 'duckdb' but {', '.join(missing)} is not installed.",
                    hint="Use ANALYTICS_ENGINE=athena in AWS; install requirements/local.txt locally.",
                    id="analytics.E002",
                )
            ]
    if engine == "athena" and not getattr(settings, "ATHENA_WORKGROUP", ""):
        return [
            checks.Error(
                "ATHENA_WORKGROUP is empty.", hint="Set the workgroup infra/ creates.", id="analytics.E003"
            )
        ]
    return []
