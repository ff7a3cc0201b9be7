"""One settings module, driven by environment variables with safe local defaults.

``DJANGO_ENV=production`` (set by zappa_settings.json) turns on every HTTPS hardening that
``manage.py check --deploy`` asks for; anything else is a developer's machine.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from cloud.resources import ResourceNames
from common.library_logs import library_loggers

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    return default if value is None else value.strip().lower() in ("1", "true", "yes", "on")


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def secret_keys(value: str) -> tuple[str, list[str]]:
    """Return the signing key and the keys it replaced: one per line, newest first.

    The replaced keys still verify sessions and visitor cookies, so a rotation signs no one out
    (docs/operations.md, "Rotating secrets").
    """
    keys = [line.strip() for line in value.splitlines() if line.strip()]
    return (keys[0] if keys else ""), keys[1:]


PRODUCTION = os.environ.get("DJANGO_ENV", "local") == "production"


SECRET_KEY, SECRET_KEY_FALLBACKS = secret_keys(
    os.environ.get("DJANGO_SECRET_KEY", "" if PRODUCTION else "local-only-insecure-key-do-not-deploy")
)
DEBUG = env_bool("DJANGO_DEBUG", not PRODUCTION)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.staticfiles",
    "django.contrib.messages",
    "django.contrib.sitemaps",
    "common",
    "accounts",
    "blog",
    "uploads",
    "analytics",
]

MIDDLEWARE = [
    "common.logging.RequestIdMiddleware",
    # Pages are compressed here, not by API Gateway: API Gateway leaves a body with a Content-Encoding
    # alone, and Django's gzip pads each response with random bytes against BREACH (docs/architecture.md).
    "django.middleware.gzip.GZipMiddleware",
    "common.api.JsonErrorsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "common.security.ContentSecurityPolicyMiddleware",
    "config.static.LazyWhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "accounts.middleware.IdentityMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.identity",
                "blog.context_processors.site",
            ],
        },
    },
]

# No relational database: Lambda has no durable disk and the content lives in DynamoDB.
DATABASES: dict[str, dict[str, str]] = {}
SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 60 * 60 * 24 * 14
MESSAGE_STORAGE = "django.contrib.messages.storage.cookie.CookieStorage"

# The latest-articles cache lives in process memory, as the seed's Lambda did.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "blog"}}

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

# Bodies over 1 MB are refused (413) before a view reads them.
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]

# --- AWS --------------------------------------------------------------------------------------
AWS_RESOURCES = ResourceNames.from_environment()
AWS_ENDPOINT_URL = os.environ.get("AWS_ENDPOINT_URL") or None
AWS_REGION = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"

# Images are kept in S3 through django-storages. The emulator answers path-style URLs.
STORAGES: dict[str, dict[str, Any]] = {
    "default": {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_RESOURCES.media_bucket,
            "endpoint_url": AWS_ENDPOINT_URL,
            "region_name": AWS_REGION,
            "addressing_style": "path" if AWS_ENDPOINT_URL else "auto",
            "custom_domain": os.environ.get("MEDIA_DOMAIN") or None,
            "querystring_auth": False,
            "file_overwrite": True,
            "default_acl": None,
        },
    },
    "staticfiles": {
        # Hashed names (cached for a year) and precompressed copies; needs collectstatic, so only in
        # production and where asked (checks/site.py judges the pages as production serves them).
        # Either way under the request's script prefix (config/storage.py).
        "BACKEND": "config.storage.PrefixedManifestStaticFilesStorage"
        if PRODUCTION or env_bool("STATIC_MANIFEST", False)
        else "config.storage.PrefixedStaticFilesStorage",
    },
}


def _media_origins() -> list[str]:
    """Return the origins browsers load renditions from and POST uploads to (for the CSP)."""
    from urllib.parse import urlsplit

    origins = []
    if AWS_ENDPOINT_URL:
        parts = urlsplit(AWS_ENDPOINT_URL)
        origins.append(f"{parts.scheme}://{parts.netloc}")
    else:
        bucket = AWS_RESOURCES.media_bucket
        origins += [f"https://{bucket}.s3.amazonaws.com", f"https://{bucket}.s3.{AWS_REGION}.amazonaws.com"]
    if os.environ.get("MEDIA_DOMAIN"):
        origins.append(f"https://{os.environ['MEDIA_DOMAIN']}")
    return origins


CSP_MEDIA_ORIGINS = env_list("CSP_MEDIA_ORIGINS", ",".join(_media_origins()))

# Cognito. moto issues tokens whose ``iss`` is the real AWS URL while its JWKS is served by the
# emulator, so the issuer and the JWKS URL are configured separately (both derived when unset).
COGNITO_USER_POOL_ID = os.environ.get("COGNITO_USER_POOL_ID", "")
COGNITO_CLIENT_ID = os.environ.get("COGNITO_CLIENT_ID", "")
COGNITO_ISSUER = os.environ.get("COGNITO_ISSUER", "")
COGNITO_JWKS_URL = os.environ.get("COGNITO_JWKS_URL", "")

# Visitors (likes) are identified by a random id in a signed cookie, stored only as a keyed hash.
VISITOR_COOKIE = "visitor"
VISITOR_HASH_KEY = os.environ.get("VISITOR_HASH_KEY", SECRET_KEY)

LATEST_CACHE_SECONDS = 120

# The site's name and one-line description: page titles, the header, meta descriptions, feeds.
BLOG_NAME = os.environ.get("BLOG_NAME", "Serverless Notes")
BLOG_DESCRIPTION = os.environ.get(
    "BLOG_DESCRIPTION", "Articles on building and running a blog on AWS Lambda, DynamoDB and friends."
)
ARTICLE_DEFAULT_TTL_DAYS = 30

# Analytics: "duckdb" reads the lake locally through the Glue catalog; "athena" in production.
ANALYTICS_ENGINE = os.environ.get("ANALYTICS_ENGINE", "athena" if PRODUCTION else "duckdb")
ATHENA_WORKGROUP = os.environ.get("ATHENA_WORKGROUP", AWS_RESOURCES.athena_workgroup)

# --- HTTPS hardening (production) -------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_COOKIE_HTTPONLY = False  # the article editor's fetch() reads it
# One CSRF check for pages and API alike (the middleware); on /api/ its refusal is the JSON error.
CSRF_FAILURE_VIEW = "config.views.csrf_failure"
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "common.logging.JsonFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.server": {"level": "WARNING"}, **library_loggers()},
}
