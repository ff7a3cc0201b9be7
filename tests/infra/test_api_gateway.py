"""Zappa's own API Gateway template, built offline, against the role and the domain infra/ creates.

Zappa's REST integration calls the function with the function's role as its credentials
(zappa/core.py ``integration.Credentials = self.credentials_arn``): API Gateway must be trusted by
that role and the role must allow ``lambda:InvokeFunction`` on the function, or every page is a 500.
"""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from zappa.core import Zappa

from infra.config import REGION, zappa_stage

from .conftest import ACCOUNT, Synthesized


def zappa_api_template(*, role_arn: str, function_arn: str, function_name: str, stage: str) -> dict[str, Any]:
    """Return the CloudFormation template ``zappa deploy`` would create for the API (no AWS call)."""
    zappa = Zappa(
        aws_region=REGION,
        load_credentials=False,
        desired_role_name=role_arn.rsplit("/", 1)[1],
        desired_role_arn=role_arn,
        runtime="python3.12",
    )
    # Zappa asserts a session before building routes; nothing below sends a request.
    zappa.boto_session = boto3.Session(
        region_name=REGION, aws_access_key_id="offline", aws_secret_access_key="offline"
    )
    settings = zappa_stage(stage)
    template = zappa.create_stack_template(
        lambda_arn=function_arn,
        lambda_name=function_name,
        api_key_required=settings.get("api_key_required", False),
        iam_authorization=settings.get("iam_authorization", False),
        authorizer=settings.get("authorizer"),
        cors_options=settings.get("cors"),
        description=settings.get("apigateway_description"),
        endpoint_configuration=settings.get("endpoint_configuration"),
        stage_name=stage,
    )
    result: dict[str, Any] = json.loads(template.to_json())
    return result


def _statements_allowing(statements: list[dict[str, Any]], action: str) -> list[dict[str, Any]]:
    def actions(statement: dict[str, Any]) -> list[str]:
        value = statement["Action"]
        return value if isinstance(value, list) else [value]

    return [s for s in statements if s["Effect"] == "Allow" and action in actions(s)]


def _resolve(value: Any) -> str:
    """Resolve the pseudo parameters of an ``Fn::Join`` the way CloudFormation would, in our account."""
    if isinstance(value, str):
        return value
    if "Fn::Join" in value:
        separator, parts = value["Fn::Join"]
        return separator.join(_resolve(part) for part in parts)
    pseudo = {"AWS::Partition": "aws", "AWS::Region": REGION, "AWS::AccountId": ACCOUNT}
    return pseudo[value["Ref"]]


def test_api_gateway_can_assume_the_role_zappa_gives_its_integration_and_invoke_the_function(
    synthesized: Synthesized,
) -> None:
    config = synthesized.config
    role_arn = f"arn:aws:iam::{ACCOUNT}:role/{config.lambda_role_name}"
    function_arn = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{config.function_name}"
    template = zappa_api_template(
        role_arn=role_arn, function_arn=function_arn, function_name=config.function_name, stage=config.stage
    )
    methods = [r for r in template["Resources"].values() if r["Type"] == "AWS::ApiGateway::Method"]
    assert methods  # ANY on / and on /{proxy+}
    for method in methods:
        integration = method["Properties"]["Integration"]
        assert integration["Type"] == "AWS_PROXY"
        assert integration["Credentials"] == role_arn
        assert f"/functions/{function_arn}/invocations" in integration["Uri"]

    role = next(
        r["Properties"]
        for r in synthesized.blog.find_resources("AWS::IAM::Role").values()
        if r["Properties"].get("RoleName") == role_arn.rsplit("/", 1)[1]
    )
    trusted = {
        service
        for statement in role["AssumeRolePolicyDocument"]["Statement"]
        if statement["Effect"] == "Allow" and statement["Action"] == "sts:AssumeRole"
        for service in statement["Principal"]["Service"]
    }
    assert "apigateway.amazonaws.com" in trusted
    (policy_ref,) = role["ManagedPolicyArns"]
    policy = synthesized.blog.to_json()["Resources"][policy_ref["Ref"]]["Properties"]
    invoke = _statements_allowing(policy["PolicyDocument"]["Statement"], "lambda:InvokeFunction")
    resources = {
        _resolve(resource)
        for statement in invoke
        for resource in (
            statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
        )
    }
    assert function_arn in resources  # what the integration's Uri invokes
    assert resources <= {function_arn, f"{function_arn}:*"}  # and nothing else


@pytest.mark.parametrize("stage", ["production", "dev"])
def test_zappa_names_the_api_after_the_function_the_alarms_watch(stage: str) -> None:
    function_name = f"{zappa_stage(stage)['project_name']}-{stage}"
    template = zappa_api_template(
        role_arn=f"arn:aws:iam::{ACCOUNT}:role/r",
        function_arn=f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{function_name}",
        function_name=function_name,
        stage=stage,
    )
    (api,) = [r for r in template["Resources"].values() if r["Type"] == "AWS::ApiGateway::RestApi"]
    assert api["Properties"]["Name"] == function_name  # the ApiName dimension of the 5XX/latency alarms
