"""What services the code builds boto3 clients for, read from its ``client("...")`` calls."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CLIENT_CALL = re.compile(r"""\bclient\(\s*["']([a-z0-9-]+)["']""")


def services_in(paths: Iterable[Path]) -> set[str]:
    """Return the service names the ``client("...")`` calls in ``paths`` name."""
    return {service for path in paths for service in CLIENT_CALL.findall(path.read_text())}
