"""``cdk synth`` / ``cdk deploy`` entry point (infra/cdk.json runs ``python app.py`` in infra/).

Context: ``-c stage=production`` (a stage of zappa_settings.json). Everything else about a stage is in
cdk.json's ``stages.<stage>`` (domain, hosted zone, alarm e-mail, SES sender), so every ``cdk``
command, whichever stack it deploys, synthesizes the same stacks: no stack is ever redeployed with
default context.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

# `cdk` runs this file from infra/ (cdk.json); the app imports the project's packages.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from aws_cdk import App

from infra.config import cdk_context, stage_config
from infra.stacks import build_app


def new_app(**context: Any) -> App:
    """Return an App with cdk.json's context (feature flags) as ``cdk`` would give it, plus ``context``."""
    return App(context={**cdk_context(), **context})


def main() -> None:
    app = new_app()
    config = stage_config(
        str(app.node.try_get_context("stage") or "production"),
        {"stages": app.node.try_get_context("stages") or {}},
    )
    build_app(app, config, account=os.environ.get("CDK_DEFAULT_ACCOUNT"))
    app.synth()


if __name__ == "__main__":
    main()
