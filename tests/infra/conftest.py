"""Synthesize the CDK app once per session (jsii + node make a synth take ~15 s)."""

from __future__ import annotations

import os
from dataclasses import dataclass

import pytest

os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "1")
os.environ.setdefault("JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION", "1")

pytest.importorskip("aws_cdk", reason="requirements/infra.txt is not installed (make install does it)")

from aws_cdk import Stack
from aws_cdk.assertions import Annotations, Template

from cloud.resources import ResourceNames
from infra.app import new_app
from infra.config import REGION, StageConfig, deployed_names, stage_config
from infra.stacks import BlogStack, build_app

ACCOUNT = "123456789012"
# A stage with every option cdk.json allows (tests of the default stage synthesize it separately).
STAGE_CONTEXT = {
    "domain": "blog.example.com",
    "hosted_zone_id": "Z0123456789ABCDEFGHIJ",
    "hosted_zone_name": "example.com",
    "alarm_email": "ops@example.com",
    "ses_from_email": "no-reply@example.com",
}


@dataclass(frozen=True)
class Synthesized:
    config: StageConfig
    names: ResourceNames  # as deployed: buckets unique to the account and region
    blog_stack: BlogStack
    wiring_stack: Stack
    blog: Template
    wiring: Template
    blog_annotations: Annotations
    wiring_annotations: Annotations


@pytest.fixture(scope="session")
def synthesized() -> Synthesized:
    config = stage_config("production", {"stages": {"production": STAGE_CONTEXT}})
    app = new_app()
    blog, wiring = build_app(app, config, account=ACCOUNT)
    return Synthesized(
        config=config,
        names=deployed_names(config.names, account=ACCOUNT, region=REGION),
        blog_stack=blog,
        wiring_stack=wiring,
        blog=Template.from_stack(blog),
        wiring=Template.from_stack(wiring),
        blog_annotations=Annotations.from_stack(blog),
        wiring_annotations=Annotations.from_stack(wiring),
    )
