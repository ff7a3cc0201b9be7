"""Copy what ``cdk deploy`` created into zappa_settings.json (the step between CDK and Zappa).

    .venv/bin/python -m infra.zappa_env --stage production --account 123456789012 \\
        --outputs infra/outputs.json [--api-host abc123.execute-api.us-east-1.amazonaws.com]

Sets the stage's account-specific values (the upload queue's ARN, Zappa's deployment bucket, the
custom domain and its certificate when cdk.json gives the stage a ``domain``) and the function's
``aws_environment_variables`` (Cognito ids, bucket names, allowed hosts, media domain). The hosts
Django accepts are the custom domain and, once ``zappa deploy`` has made it, the API's execute-api
host (``tools.deploy`` passes it): either way of reaching the blog works. Secrets are not written
here: the function reads them from SSM Parameter Store (see docs/deploy.md).
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path
from typing import Any

from infra.config import REGION, ZAPPA_SETTINGS, StageConfig, cdk_context, stage_config, unique_bucket_name

_ACCOUNT = re.compile(r"\d{12}")
_API_HOST = re.compile(r"[a-z0-9]{10}\.execute-api\.[a-z0-9-]+\.amazonaws\.com")
UPLOAD_HANDLER = "uploads.handler.handle"
REQUIRED_OUTPUTS = (
    "CognitoUserPoolId",
    "CognitoClientId",
    "MediaDomain",
    "UploadQueueArn",
    "MediaBucketName",
    "LakeBucketName",
    "AthenaResultsBucketName",
)


def deploy_bucket(config: StageConfig, account: str) -> str:
    """Return Zappa's deployment bucket for the stage (unique per account and region, like the others)."""
    return unique_bucket_name(f"{config.prefix}-deploys", account=account, region=REGION)


def settings_with_outputs(
    settings: dict[str, Any],
    *,
    stage: str,
    account: str,
    outputs: dict[str, str],
    api_host: str | None = None,
    config: StageConfig | None = None,
) -> dict[str, Any]:
    """Return a copy of ``settings`` whose ``stage`` carries the deployed values."""
    config = config or stage_config(stage, cdk_context())
    if not _ACCOUNT.fullmatch(account):
        raise ValueError(f"an AWS account id is 12 digits, not {account!r}")
    if api_host is not None and not _API_HOST.fullmatch(api_host):
        raise ValueError(
            f"an API Gateway host looks like <id>.execute-api.<region>.amazonaws.com, not {api_host!r}"
        )
    missing = [key for key in REQUIRED_OUTPUTS if key not in outputs]
    if config.domain and "CertificateArn" not in outputs:
        missing.append("CertificateArn")
    if missing:
        raise ValueError(
            f"the CDK outputs lack {', '.join(missing)}: deploy the {config.data_stack} stack first"
        )
    queue_arn = outputs["UploadQueueArn"]
    if not queue_arn.endswith(f":{account}:{config.names.upload_queue}"):
        raise ValueError(f"{queue_arn} is not {config.names.upload_queue} in account {account}")

    result = json.loads(json.dumps(settings))
    stage_settings = result[stage]
    stage_settings["s3_bucket"] = deploy_bucket(config, account)
    stage_settings["events"] = [
        {**event, "event_source": {**event["event_source"], "arn": queue_arn}}
        if event.get("function") == UPLOAD_HANDLER
        else event
        for event in stage_settings.get("events", settings[settings[stage].get("extends", stage)]["events"])
    ]
    hosts = [host for host in (config.domain, api_host) if host]
    if config.domain:
        stage_settings["domain"] = config.domain
        stage_settings["certificate_arn"] = outputs["CertificateArn"]
        stage_settings["route53_enabled"] = bool(config.hosted_zone_id)
    stage_settings["aws_environment_variables"] = {
        **stage_settings.get("aws_environment_variables", {}),
        "COGNITO_USER_POOL_ID": outputs["CognitoUserPoolId"],
        "COGNITO_CLIENT_ID": outputs["CognitoClientId"],
        "MEDIA_BUCKET_NAME": outputs["MediaBucketName"],
        "LAKE_BUCKET_NAME": outputs["LakeBucketName"],
        "ATHENA_RESULTS_BUCKET_NAME": outputs["AthenaResultsBucketName"],
        # Empty until the first ``zappa deploy`` made the API (no domain): Django then answers 400.
        "DJANGO_ALLOWED_HOSTS": ",".join(hosts),
        "DJANGO_CSRF_TRUSTED_ORIGINS": ",".join(f"https://{host}" for host in hosts),
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
    parser.add_argument("--api-host", help="the API's execute-api host (after the first zappa deploy)")
    args = parser.parse_args(argv)
    config = stage_config(args.stage, cdk_context())
    outputs = json.loads(args.outputs.read_text()).get(config.data_stack, {})
    settings = json.loads(ZAPPA_SETTINGS.read_text())
    updated = settings_with_outputs(
        settings,
        stage=args.stage,
        account=args.account,
        outputs=outputs,
        api_host=args.api_host,
        config=config,
    )
    if updated == settings:
        print(f"zappa_settings.json: stage {args.stage} unchanged")
        return 0
    ZAPPA_SETTINGS.write_text(json.dumps(updated, indent=4) + "\n")
    hosts = updated[args.stage]["aws_environment_variables"]["DJANGO_ALLOWED_HOSTS"] or "no host yet"
    print(f"zappa_settings.json: stage {args.stage} now points at account {args.account} ({hosts})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
