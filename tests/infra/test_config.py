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
