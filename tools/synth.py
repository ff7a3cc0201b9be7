"""Write the synthesized CloudFormation templates of a stage, for the template linters (``make infra-lint``).

    python -m tools.synth OUT_DIR [--stage production]

The same synthesis as ``cdk synth`` (cdk.json's context), in-process and without the CDK CLI.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "1")
os.environ.setdefault("JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION", "1")


def templates(stage: str, *, account: str = "123456789012") -> dict[str, dict]:
    """Return each stack's template for ``stage`` (an example account: names only, nothing deployed)."""
    from infra.app import new_app
    from infra.config import cdk_context, stage_config
    from infra.stacks import build_app

    app = new_app(stage=stage)
    stacks = build_app(app, stage_config(stage, cdk_context()), account=account)
    assembly = app.synth()
    return {stack.stack_name: assembly.get_stack_by_name(stack.stack_name).template for stack in stacks}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("out", type=Path)
    parser.add_argument("--stage", default="production")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for name, template in templates(args.stage).items():
        (args.out / f"{name}.template.json").write_text(json.dumps(template, indent=1))
        print(f"{args.out / name}.template.json: {len(template['Resources'])} resources")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
