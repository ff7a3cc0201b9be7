"""Point everything at a private emulator before Django reads its settings.

pyproject.toml names no settings module on purpose: pytest-django would import the settings
before this file runs. It finds ``DJANGO_SETTINGS_MODULE`` in the environment set here instead.

One moto server per test session on a free port; the resources are bootstrapped once. Tests keep
out of each other's way by using fresh ids rather than resetting the emulator.
"""

import os

from cloud.local import emulator

TEST_PORT = emulator.free_port()
os.environ.update(
    {
        "AWS_ENDPOINT_URL": f"http://127.0.0.1:{TEST_PORT}",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_REGION": "us-east-1",
        "AWS_DEFAULT_REGION": "us-east-1",
        "RESOURCE_PREFIX": "blog-test",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_ENV": "local",
    }
)
for name in ("AWS_PROFILE", "DJANGO_DEBUG"):
    os.environ.pop(name, None)

import django  # noqa: E402 - only now that the environment is set

django.setup()
