from __future__ import annotations

from accounts.checks import cognito_settings_check


def test_production_needs_the_cognito_ids(settings) -> None:
    settings.PRODUCTION = True
    settings.COGNITO_USER_POOL_ID = ""
    settings.COGNITO_CLIENT_ID = ""
    assert [message.id for message in cognito_settings_check()] == ["accounts.E001", "accounts.E002"]
    settings.COGNITO_USER_POOL_ID = "eu-west-1_abc"
    assert [message.id for message in cognito_settings_check()] == ["accounts.E002"]
    settings.COGNITO_CLIENT_ID = "client"
    assert cognito_settings_check() == []


def test_local_runs_without_them(settings) -> None:
    settings.PRODUCTION = False
    settings.COGNITO_USER_POOL_ID = ""
    assert cognito_settings_check() == []


def test_the_check_is_registered() -> None:
    from django.core import checks

    assert cognito_settings_check in checks.registry.registry.get_checks()
