"""Point everything at a private emulator before Django reads its settings.

One moto server per test session on a free port; the resources are bootstrapped once. Tests keep
out of each other's way by using fresh ids rather than resetting the emulator.
"""

import os
import sys

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

# pytest-django imports the settings (pyproject's DJANGO_SETTINGS_MODULE) before this file runs, so
# values derived from the environment above (media bucket, endpoint, CSP media origins) would be the
# shell's. Load them again now that the environment is set.
if "config.settings" in sys.modules:
    import importlib

    from django.conf import settings
    from django.utils.functional import empty

    importlib.reload(sys.modules["config.settings"])
    settings._wrapped = empty
