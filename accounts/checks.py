"""System checks: refuse to run in production without a user pool to sign in against."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks

REQUIRED_IN_PRODUCTION = ("COGNITO_USER_POOL_ID", "COGNITO_CLIENT_ID")


@checks.register(checks.Tags.security, deploy=False)
def cognito_settings_check(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """Error when the Cognito ids are missing in production (sign-in would fail on every request)."""
    if not getattr(settings, "PRODUCTION", False):
        return []
    return [
        checks.Error(
            f"{name} is not set.",
            hint=f"Set the {name} environment variable (infra/ outputs it) in zappa_settings.json.",
            id=f"accounts.E00{index}",
        )
        for index, name in enumerate(REQUIRED_IN_PRODUCTION, start=1)
        if not getattr(settings, name, "")
    ]
