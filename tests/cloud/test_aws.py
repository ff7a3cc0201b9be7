"""cloud.aws: the loader that skips botocore's scan of every service must load the same models."""

from __future__ import annotations

from unittest import mock

import pytest
from botocore.exceptions import UnknownServiceError
from botocore.loaders import Loader

from cloud import aws

SERVICES = ("dynamodb", "dynamodbstreams", "s3", "sqs", "firehose", "glue", "athena", "cognito-idp", "ssm")
MODEL_TYPES = ("service-2", "endpoint-rule-set-1", "paginators-1")


@pytest.mark.parametrize("service", SERVICES)
@pytest.mark.parametrize("model_type", MODEL_TYPES)
def test_service_loader_loads_what_botocore_loads(service: str, model_type: str) -> None:
    assert aws.ServiceLoader().load_service_model(service, model_type) == Loader().load_service_model(
        service, model_type
    )


def test_service_loader_merges_sdk_extras_as_botocore_does() -> None:
    # s3's service model comes with an sdk-extras file that botocore merges into it.
    ours = aws.ServiceLoader().load_service_model("s3", "service-2")
    assert ours != Loader().load_data("s3/2006-03-01/service-2")
    assert ours == Loader().load_service_model("s3", "service-2")


def test_service_loader_honours_an_explicit_api_version() -> None:
    args = ("dynamodb", "endpoint-rule-set-1", "2011-12-05")  # dynamodb's older API version
    ours = aws.ServiceLoader().load_service_model(*args)
    assert ours == Loader().load_service_model(*args)
    assert ours != Loader().load_service_model("dynamodb", "endpoint-rule-set-1")


def test_service_loader_does_not_scan_every_service_for_a_known_one() -> None:
    with mock.patch.object(Loader, "list_available_services", side_effect=AssertionError("scanned")):
        model = aws.ServiceLoader().load_service_model("dynamodb", "service-2")
    assert model["metadata"]["serviceId"] == "DynamoDB"


def test_service_loader_leaves_unknown_services_to_botocores_error() -> None:
    with pytest.raises(UnknownServiceError, match="dynamodb"):  # botocore lists the known names
        aws.ServiceLoader().load_service_model("no-such-service", "service-2")
