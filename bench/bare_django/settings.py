"""The cold-start baseline: a bare Django project with one view, served by the same Zappa handler."""

SECRET_KEY = "bench-only"  # noqa: S105 - never deployed
DEBUG = False
ALLOWED_HOSTS = ["*"]
ROOT_URLCONF = "bench.bare_django.urls"
INSTALLED_APPS: list[str] = []
MIDDLEWARE: list[str] = []
DATABASES: dict[str, dict[str, str]] = {}
USE_TZ = True
