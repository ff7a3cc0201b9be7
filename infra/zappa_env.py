"""Copy what ``cdk deploy`` created into zappa_settings.json (the step between CDK and Zappa).

    cd infra && ./node_modules/.bin/cdk deploy blog-production --outputs-file outputs.json
    cd .. && .venv/bin/python -m infra.zappa_env --stage production --account 123456789012 \\
        --outputs infra/outputs.json --site https://blog.example.com

Sets the stage's account-specific values (the upload queue's ARN, Zappa's deployment bucket) and the
function's ``aws_environment_variables`` (Cognito ids, allowed hosts, media domain). Secrets are not
written here: the function reads them from SSM Parameter Store (see docs/deploy.md).
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from infra.config import ZAPPA_SETTINGS, stage_config

_ACCOUNT = re.compile(r"\d{12}")


def settings_with_outputs(
    settings: dict[str, Any], *, stage: str, account: str, outputs: dict[str, str], site: str
) -> dict[str, Any]:
    """Return a copy of ``settings`` whose ``stage`` carries the deployed values."""
    if not _ACCOUNT.fullmatch(account):
        raise ValueError(f"an AWS account id is 12 digits, not {account!r}")
    parts = urlsplit(site)
    if parts.scheme != "https" or not parts.hostname or parts.path not in ("", "/"):
        raise ValueError(f"the site must be an https origin like https://blog.example.com, not {site!r}")
    missing = [
        key
        for key in ("CognitoUserPoolId", "CognitoClientId", "MediaDomain", "UploadQueueArn")
        if key not in outputs
    ]
    if missing:
        raise ValueError(f"the CDK outputs lack {', '.join(missing)}: deploy the {stage} stack first")
    config = stage_config(stage)
    queue_arn = outputs["UploadQueueArn"]
    if not queue_arn.endswith(f":{account}:{config.names.upload_queue}"):
        raise ValueError(f"{queue_arn} is not {config.names.upload_queue} in account {account}")

    result = json.loads(json.dumps(settings))
    stage_settings = result[stage]
    stage_settings["s3_bucket"] = f"{config.prefix}-deploys-{account}"
    stage_settings["events"] = [
        {**event, "event_source": {**event["event_source"], "arn": queue_arn}}
        if event.get("function") == "uploads.handler.handle"
        else event
        for event in stage_settings.get("events", settings[settings[stage].get("extends", stage)]["events"])
    ]
    origin = f"https://{parts.hostname}"
    stage_settings["aws_environment_variables"] = {
        **stage_settings.get("aws_environment_variables", {}),
        "COGNITO_USER_POOL_ID": outputs["CognitoUserPoolId"],
        "COGNITO_CLIENT_ID": outputs["CognitoClientId"],
        "DJANGO_ALLOWED_HOSTS": parts.hostname,
        "DJANGO_CSRF_TRUSTED_ORIGINS": origin,
        "MEDIA_DOMAIN": outputs["MediaDomain"],
    }
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--stage", default="production")
    parser.add_argument("--account", required=True, help="the 12-digit AWS account id")
    parser.add_argument("--outputs", type=Path, required=True, help="cdk deploy --outputs-file")
    parser.add_argument("--site", required=True, help="the blog's https origin (its custom domain)")
    args = parser.parse_args(argv)
    stack = stage_config(args.stage).prefix
    outputs = json.loads(args.outputs.read_text()).get(stack, {})
    settings = json.loads(ZAPPA_SETTINGS.read_text())
    updated = settings_with_outputs(
        settings, stage=args.stage, account=args.account, outputs=outputs, site=args.site
    )
    ZAPPA_SETTINGS.write_text(json.dumps(updated, indent=4) + "\n")
    print(f"zappa_settings.json: stage {args.stage} now points at account {args.account} and {args.site}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
