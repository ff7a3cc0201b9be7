"""What infra/ needs to know about a stage, read from the same sources the app and Zappa use.

Resource names come from ``cloud.resources.ResourceNames`` for the stage's ``RESOURCE_PREFIX``; the
function name, role name, timeout and secret parameter come from zappa_settings.json, so infra/ and
Zappa cannot disagree about them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cloud.resources import ResourceNames

ROOT = Path(__file__).resolve().parent.parent
ZAPPA_SETTINGS = ROOT / "zappa_settings.json"


def zappa_stage(stage: str, settings: dict[str, Any] | None = None) -> dict[str, Any]:
    """Return the stage's Zappa settings with ``extends`` resolved (shallowly, as Zappa does)."""
    settings = settings or json.loads(ZAPPA_SETTINGS.read_text())
    if stage not in settings:
        raise ValueError(f"zappa_settings.json has no stage {stage!r}")
    config = dict(settings[stage])
    parent = config.pop("extends", None)
    return {**zappa_stage(parent, settings), **config} if parent else config


@dataclass(frozen=True)
class StageConfig:
    stage: str
    prefix: str
    names: ResourceNames
    function_name: str  # Zappa names the function <project_name>-<stage>
    lambda_role_name: str
    lambda_timeout_seconds: int
    secret_parameter: str
    site_origin: str  # the blog's https origin, for the media bucket's CORS (browser uploads)
    alarm_email: str | None

    @property
    def secret_parameter_prefix(self) -> str:
        return self.secret_parameter.rsplit("/", 1)[0]


def stage_config(stage: str, *, site_origin: str = "*", alarm_email: str | None = None) -> StageConfig:
    zappa = zappa_stage(stage)
    environment = zappa.get("environment_variables", {})
    prefix = environment["RESOURCE_PREFIX"]
    return StageConfig(
        stage=stage,
        prefix=prefix,
        names=ResourceNames.for_prefix(prefix),
        function_name=f"{zappa['project_name']}-{stage}",
        lambda_role_name=zappa["role_name"],
        lambda_timeout_seconds=int(zappa.get("timeout_seconds", 30)),
        secret_parameter=environment["DJANGO_SECRET_KEY_PARAMETER"],
        site_origin=site_origin,
        alarm_email=alarm_email,
    )
