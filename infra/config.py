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
CDK_JSON = ROOT / "infra" / "cdk.json"


def cdk_context() -> dict[str, Any]:
    """Return cdk.json's context: what ``cdk`` gives the app (feature flags, per-stage settings)."""
    context: dict[str, Any] = json.loads(CDK_JSON.read_text())["context"]
    return context


# S3 bucket names are global across every AWS account: a generic name like ``blog-production-media``
# is almost surely taken. Each bucket infra/ creates carries the account and region; the app reads the
# names from its environment (``MEDIA_BUCKET_NAME`` ..., written by infra.zappa_env from the outputs).
BUCKET_FIELDS = ("media_bucket", "lake_bucket", "athena_results_bucket")
MAX_BUCKET_NAME = 63  # S3's limit


def unique_bucket_name(name: str, *, account: str, region: str) -> str:
    """Return ``name`` made unique to one account and region (``<name>-<account>-<region>``)."""
    unique = f"{name}-{account}-{region}"
    if "${Token[" not in unique and len(unique) > MAX_BUCKET_NAME:
        raise ValueError(f"bucket name {unique!r} is longer than S3's {MAX_BUCKET_NAME} characters")
    return unique


def deployed_names(names: ResourceNames, *, account: str, region: str) -> ResourceNames:
    """Return ``names`` with every bucket made unique to ``account`` and ``region``."""
    return names._replace(
        **{
            field: unique_bucket_name(getattr(names, field), account=account, region=region)
            for field in BUCKET_FIELDS
        },
    )


def zappa_stage(stage: str, settings: dict[str, Any] | None = None) -> dict[str, Any]:
    """Return the stage's Zappa settings with ``extends`` resolved (shallowly, as Zappa does)."""
    settings = settings or json.loads(ZAPPA_SETTINGS.read_text())
    if stage not in settings:
        raise ValueError(f"zappa_settings.json has no stage {stage!r}")
    config = dict(settings[stage])
    parent = config.pop("extends", None)
    return {**zappa_stage(parent, settings), **config} if parent else config


REGION = "us-east-1"  # zappa_settings.json aws_region; the cost model's prices
STAGE_CONTEXT_KEYS = frozenset(
    {"domain", "hosted_zone_id", "hosted_zone_name", "alarm_email", "ses_from_email"}
)


@dataclass(frozen=True)
class StageConfig:
    stage: str
    prefix: str
    names: ResourceNames
    function_name: str  # Zappa names the function <project_name>-<stage>
    lambda_role_name: str
    lambda_timeout_seconds: int
    secret_parameter: str
    domain: str | None  # the blog's custom domain; None: API Gateway's execute-api host only
    hosted_zone_id: str | None  # Route 53 zone of ``domain``: the certificate validates itself
    hosted_zone_name: str | None
    alarm_email: str | None
    ses_from_email: str | None  # Cognito's e-mail through SES (a verified identity); None: Cognito's own

    @property
    def data_stack(self) -> str:
        """Return the data stack's name: never the function's name, which Zappa gives its API stack.

        ``zappa deploy`` creates (or *updates*) a CloudFormation stack named after the function
        (``blog-production``): a CDK stack of that name would be overwritten by Zappa's API template.
        """
        return f"{self.prefix}-data"

    @property
    def wiring_stack(self) -> str:
        return f"{self.prefix}-wiring"

    @property
    def secret_parameter_prefix(self) -> str:
        return self.secret_parameter.rsplit("/", 1)[0]

    @property
    def site_origins(self) -> list[str]:
        """Return the origins browsers upload from (the media bucket's CORS rule).

        Without a custom domain the execute-api host is known only after ``zappa deploy``; S3's CORS
        allows one ``*`` in an origin, and CORS only decides which pages may read the answers: the
        presigned POST's signature still decides who may upload.
        """
        return (
            [f"https://{self.domain}"] if self.domain else [f"https://*.execute-api.{REGION}.amazonaws.com"]
        )


def stage_context(stage: str, context: dict[str, Any] | None) -> dict[str, Any]:
    """Return the stage's settings from cdk.json's ``stages`` context, refusing unknown keys."""
    stages = (context or {}).get("stages", {})
    settings = dict(stages.get(stage, {}))
    unknown = set(settings) - STAGE_CONTEXT_KEYS
    if unknown:
        raise ValueError(f"cdk.json stages.{stage} has unknown keys: {', '.join(sorted(unknown))}")
    return settings


def stage_config(stage: str, context: dict[str, Any] | None = None) -> StageConfig:
    """Return what infra/ needs for ``stage``: zappa_settings.json plus cdk.json's ``stages.<stage>``."""
    zappa = zappa_stage(stage)
    settings = stage_context(stage, context)
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
        domain=settings.get("domain") or None,
        hosted_zone_id=settings.get("hosted_zone_id") or None,
        hosted_zone_name=settings.get("hosted_zone_name") or None,
        alarm_email=settings.get("alarm_email") or None,
        ses_from_email=settings.get("ses_from_email") or None,
    )
