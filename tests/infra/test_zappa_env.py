"""infra.zappa_env: CDK outputs -> zappa_settings.json (pure; no AWS)."""

from __future__ import annotations

import json

import pytest

from infra.config import ZAPPA_SETTINGS
from infra.zappa_env import settings_with_outputs

OUTPUTS = {
    "CognitoUserPoolId": "us-east-1_AbCdEf123",
    "CognitoClientId": "4abcdefghijklmnopqrstu",
    "MediaDomain": "d111111abcdef8.cloudfront.net",
    "UploadQueueArn": "arn:aws:sqs:us-east-1:210987654321:blog-production-uploads",
}


def test_outputs_fill_the_stage_and_leave_the_rest_alone() -> None:
    settings = json.loads(ZAPPA_SETTINGS.read_text())
    updated = settings_with_outputs(
        settings, stage="production", account="210987654321", outputs=OUTPUTS, site="https://blog.example.com"
    )
    production = updated["production"]
    assert production["s3_bucket"] == "blog-production-deploys-210987654321"
    assert production["events"][0]["event_source"]["arn"] == OUTPUTS["UploadQueueArn"]
    assert production["events"][0]["event_source"]["batch_size"] == 1
    assert production["aws_environment_variables"] == {
        "COGNITO_USER_POOL_ID": "us-east-1_AbCdEf123",
        "COGNITO_CLIENT_ID": "4abcdefghijklmnopqrstu",
        "DJANGO_ALLOWED_HOSTS": "blog.example.com",
        "DJANGO_CSRF_TRUSTED_ORIGINS": "https://blog.example.com",
        "MEDIA_DOMAIN": "d111111abcdef8.cloudfront.net",
    }
    assert updated["dev"] == settings["dev"]
    assert settings["production"]["s3_bucket"] != production["s3_bucket"]  # the input is not modified


@pytest.mark.parametrize(
    ("account", "outputs", "site", "message"),
    [
        ("12345", OUTPUTS, "https://blog.example.com", "12 digits"),
        ("210987654321", OUTPUTS, "http://blog.example.com", "https origin"),
        ("210987654321", OUTPUTS, "https://blog.example.com/path", "https origin"),
        ("210987654321", {"CognitoUserPoolId": "x"}, "https://blog.example.com", "lack"),
        ("111111111111", OUTPUTS, "https://blog.example.com", "not blog-production-uploads in account"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(
    account: str, outputs: dict[str, str], site: str, message: str
) -> None:
    settings = json.loads(ZAPPA_SETTINGS.read_text())
    with pytest.raises(ValueError, match=message):
        settings_with_outputs(settings, stage="production", account=account, outputs=outputs, site=site)
