"""infra.config reads each stage from zappa_settings.json, so infra/ and Zappa agree on names."""

from __future__ import annotations

import pytest

from cloud.resources import ResourceNames
from infra.config import stage_config, zappa_stage


@pytest.mark.parametrize("stage", ["production", "dev"])
def test_each_stage_derives_its_names_from_its_resource_prefix(stage: str) -> None:
    config = stage_config(stage)
    zappa = zappa_stage(stage)
    assert config.prefix == f"blog-{stage}"
    assert config.names == ResourceNames.for_prefix(config.prefix)
    assert config.function_name == f"{zappa['project_name']}-{stage}"  # Zappa's function name
    assert config.lambda_role_name == zappa["role_name"] == f"blog-{stage}-lambda"
    assert config.secret_parameter.startswith(f"/{config.prefix}/")
    assert zappa["runtime"] == "python3.12"
    assert zappa["events"][0]["event_source"]["arn"].endswith(f":{config.names.upload_queue}")


def test_dev_inherits_production_and_overrides_what_differs() -> None:
    production, dev = zappa_stage("production"), zappa_stage("dev")
    assert dev["exclude"] == production["exclude"]
    assert dev["lambda_handler"] == production["lambda_handler"] == "cloud.lambda_handlers.lambda_handler"
    assert dev["keep_warm"] is False
    assert "extends" not in dev


def test_an_unknown_stage_is_refused() -> None:
    with pytest.raises(ValueError, match="no stage 'staging'"):
        stage_config("staging")


def test_stage_settings_come_from_cdk_json_and_unknown_keys_are_refused() -> None:
    from infra.config import cdk_context

    context = cdk_context()
    assert set(context["stages"]) == {"production", "dev"}  # every Zappa stage has its settings
    default = stage_config("production", context)
    assert default.domain is None  # committed without a domain: the execute-api host serves
    assert default.site_origins == ["https://*.execute-api.us-east-1.amazonaws.com"]
    custom = stage_config("production", {"stages": {"production": {"domain": "blog.example.com"}}})
    assert custom.site_origins == ["https://blog.example.com"]
    with pytest.raises(ValueError, match="unknown keys: site_origin"):
        stage_config("production", {"stages": {"production": {"site_origin": "*"}}})


def test_bucket_names_are_unique_per_account_and_region_and_fit_s3s_limit() -> None:
    from infra.config import deployed_names, unique_bucket_name

    names = deployed_names(stage_config("production").names, account="123456789012", region="us-east-1")
    assert names.media_bucket == "blog-production-media-123456789012-us-east-1"
    assert names.athena_results_bucket == "blog-production-athena-results-123456789012-us-east-1"
    assert names.table == "blog-production-table"  # only buckets share one global namespace
    with pytest.raises(ValueError, match="longer than S3's 63"):
        unique_bucket_name("x" * 40, account="123456789012", region="ap-southeast-2")


@pytest.mark.parametrize("stage", ["production", "dev"])
def test_no_cdk_stack_is_named_like_the_stack_zappa_makes_for_its_api(stage: str) -> None:
    # zappa deploy creates, or updates, a CloudFormation stack named after the function (its API):
    # a CDK stack of that name would be overwritten by Zappa's template (found by the rehearsal).
    config = stage_config(stage)
    zappas_stack = config.function_name
    assert zappas_stack not in (config.data_stack, config.wiring_stack)
    assert (config.data_stack, config.wiring_stack) == (f"blog-{stage}-data", f"blog-{stage}-wiring")
