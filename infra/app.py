"""``cdk synth`` / ``cdk deploy`` entry point (infra/cdk.json runs ``python app.py`` in infra/).

Context: ``-c stage=production`` (a stage of zappa_settings.json), ``-c site_origin=https://blog.example.com``
(CORS for browser uploads), ``-c alarm_email=ops@example.com`` (optional alarm subscription).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

# `cdk` runs this file from infra/ (cdk.json); the app imports the project's packages.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from aws_cdk import App

from infra.config import stage_config
from infra.stacks import build_app

CDK_JSON = Path(__file__).resolve().parent / "cdk.json"


def new_app(**context: Any) -> App:
    """Return an App with cdk.json's context (feature flags) as ``cdk`` would give it, plus ``context``."""
    return App(context={**json.loads(CDK_JSON.read_text())["context"], **context})


def main() -> None:
    app = new_app()
    config = stage_config(
        str(app.node.try_get_context("stage") or "production"),
        site_origin=str(app.node.try_get_context("site_origin") or "*"),
        alarm_email=app.node.try_get_context("alarm_email") or None,
    )
    build_app(app, config, account=os.environ.get("CDK_DEFAULT_ACCOUNT"))
    app.synth()


if __name__ == "__main__":
    main()
