"""The second cold-start baseline: the bare project whose one view reads the home page's items."""

from bench.bare_django.settings import *  # noqa: F403

ROOT_URLCONF = "bench.bare_django.dynamodb_urls"
