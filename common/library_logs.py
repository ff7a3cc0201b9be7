"""Library chatter at WARNING unless asked for: one definition for Django's logging, runners and benches.

botocore alone logs "Found endpoint for s3 via: environment_global." at INFO for every client a
library builds with ``AWS_ENDPOINT_URL`` set (django-storages does, per storage), and ``make run``
and the benches log at INFO. ``LIBRARY_LOG_LEVEL=INFO`` (or ``DEBUG``) brings the lines back.
"""

from __future__ import annotations

import logging
import os

LIBRARY_LOGGERS = ("botocore", "boto3", "s3transfer", "urllib3", "pyathena", "sqlglot", "PIL")


def library_log_level() -> str:
    """Return the level for third-party loggers: ``LIBRARY_LOG_LEVEL``, WARNING by default."""
    return (os.environ.get("LIBRARY_LOG_LEVEL") or "WARNING").upper()


def library_loggers() -> dict[str, dict[str, str]]:
    """Return the ``LOGGING["loggers"]`` entries that set every library logger's level."""
    return {name: {"level": library_log_level()} for name in LIBRARY_LOGGERS}


def quiet_libraries() -> None:
    """Set every library logger's level (for processes that configure logging without Django)."""
    for name, config in library_loggers().items():
        logging.getLogger(name).setLevel(config["level"])
