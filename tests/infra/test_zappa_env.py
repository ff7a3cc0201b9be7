"""infra.zappa_env: CDK outputs -> zappa_settings.json (pure; no AWS)."""

from __future__ import annotations

import json

import pytest

from infra.config import ZAPPA_SETTINGS, StageConfig, stage_config
from infra.zappa_env import settings_with_outputs

API_HOST = "a1b2c3d4e5.execute-api.us-east-1.amazonaws.com"
NO_DOMAIN = stage_config("production", {"stages": {"production": {}}})
DOMAIN = stage_config(
    "production", {"stages": {"production": {"domain": "blog.example.com", "hosted_zone_id": "Z1"}}}
)

OUTPUTS = {
    "CognitoUserPoolId": "us-east-1_AbCdEf123",
    "CognitoClientId": "4abcdefghijklmnopqrstu",
    "MediaDomain": "d111111abcdef8.cloudfront.net",
    "UploadQueueArn": "arn:aws:sqs:us-east-1:210987654321:blog-production-uploads",
    "MediaBucketName": "blog-production-media-210987654321-us-east-1",
    "LakeBucketName": "blog-production-lake-210987654321-us-east-1",
    "AthenaResultsBucketName": "blog-production-athena-results-210987654321-us-east-1",
}
CERTIFICATE = "arn:aws:acm:us-east-1:210987654321:certificate/0000"


def test_outputs_fill_the_stage_and_leave_the_rest_alone() -> None:
    settings = json.loads(ZAPPA_SETTINGS.read_text())
    updated = settings_with_outputs(
        settings,
        stage="production",
        account="210987654321",
        outputs={**OUTPUTS, "CertificateArn": CERTIFICATE},
        api_host=API_HOST,
        config=DOMAIN,
    )
    production = updated["production"]
    assert production["s3_bucket"] == "blog-production-deploys-210987654321-us-east-1"
    assert production["events"][0]["event_source"]["arn"] == OUTPUTS["UploadQueueArn"]
    assert production["events"][0]["event_source"]["batch_size"] == 1
    assert (production["domain"], production["certificate_arn"]) == ("blog.example.com", CERTIFICATE)
    assert production["route53_enabled"] is True
    assert production["aws_environment_variables"] == {
        "COGNITO_USER_POOL_ID": "us-east-1_AbCdEf123",
        "COGNITO_CLIENT_ID": "4abcdefghijklmnopqrstu",
        "MEDIA_BUCKET_NAME": OUTPUTS["MediaBucketName"],
        "LAKE_BUCKET_NAME": OUTPUTS["LakeBucketName"],
        "ATHENA_RESULTS_BUCKET_NAME": OUTPUTS["AthenaResultsBucketName"],
        "DJANGO_ALLOWED_HOSTS": f"blog.example.com,{API_HOST}",  # either way in works
        "DJANGO_CSRF_TRUSTED_ORIGINS": f"https://blog.example.com,https://{API_HOST}",
        "MEDIA_DOMAIN": "d111111abcdef8.cloudfront.net",
    }
    assert updated["dev"] == settings["dev"]
    assert settings["production"]["s3_bucket"] != production["s3_bucket"]  # the input is not modified


def test_without_a_domain_the_api_host_is_the_only_host_once_zappa_made_it() -> None:
    settings = json.loads(ZAPPA_SETTINGS.read_text())
    first = settings_with_outputs(
        settings, stage="production", account="210987654321", outputs=OUTPUTS, config=NO_DOMAIN
    )["production"]
    assert first["aws_environment_variables"]["DJANGO_ALLOWED_HOSTS"] == ""  # before the first deploy
    assert "domain" not in first
    assert "certificate_arn" not in first
    then = settings_with_outputs(
        settings,
        stage="production",
        account="210987654321",
        outputs=OUTPUTS,
        api_host=API_HOST,
        config=NO_DOMAIN,
    )["production"]
    assert then["aws_environment_variables"]["DJANGO_ALLOWED_HOSTS"] == API_HOST
    assert then["aws_environment_variables"]["DJANGO_CSRF_TRUSTED_ORIGINS"] == f"https://{API_HOST}"


@pytest.mark.parametrize(
    ("account", "outputs", "api_host", "config", "message"),
    [
        ("12345", OUTPUTS, None, NO_DOMAIN, "12 digits"),
        ("210987654321", OUTPUTS, "blog.example.com", NO_DOMAIN, "execute-api"),
        ("210987654321", OUTPUTS, "https://" + API_HOST, NO_DOMAIN, "execute-api"),
        ("210987654321", {"CognitoUserPoolId": "x"}, None, NO_DOMAIN, "lack"),
        ("210987654321", OUTPUTS, None, DOMAIN, "lack CertificateArn"),
        ("111111111111", OUTPUTS, None, NO_DOMAIN, "not blog-production-uploads in account"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(
    account: str, outputs: dict[str, str], api_host: str | None, config: StageConfig, message: str
) -> None:
    settings = json.loads(ZAPPA_SETTINGS.read_text())
    with pytest.raises(ValueError, match=message):
        settings_with_outputs(
            settings, stage="production", account=account, outputs=outputs, api_host=api_host, config=config
        )
