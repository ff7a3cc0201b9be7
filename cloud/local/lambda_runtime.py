"""Call Zappa's own Lambda handler in this process, as Lambda would.

Zappa's handler reads a generated ``zappa_settings`` module (``zappa package`` writes it into the
zip). ``load_zappa_handler`` generates the same module from zappa_settings.json with Zappa's own
code, so tests and benchmarks exercise exactly the code that runs on Lambda.
"""

from __future__ import annotations

import base64
import json
import sys
import tempfile
import uuid
from collections.abc import Callable, Mapping
from pathlib import Path
from types import SimpleNamespace
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def zappa_settings_source(stage: str, *, keep_environment: bool) -> str:
    """Return the ``zappa_settings.py`` Zappa would package for ``stage``.

    With ``keep_environment`` the stage's environment variables are left out, so a process already
    pointed at the emulator stays pointed at it.
    """
    from zappa.cli import ZappaCLI

    cli = ZappaCLI()
    cli.api_stage = stage
    cli.load_settings(str(ROOT / "zappa_settings.json"))
    if keep_environment:
        cli.environment_variables = {}
        cli.aws_environment_variables = {}
    return cli.get_zappa_settings_string()


def load_zappa_handler(stage: str = "production", *, keep_environment: bool = True) -> Callable[..., Any]:
    """Write the generated settings module to a temporary folder and return Zappa's ``lambda_handler``."""
    folder = Path(tempfile.mkdtemp(prefix="zappa-settings-"))
    (folder / "zappa_settings.py").write_text(zappa_settings_source(stage, keep_environment=keep_environment))
    sys.path.insert(0, str(folder))
    from zappa.handler import lambda_handler

    return lambda_handler


def lambda_context(function_name: str = "blog-production") -> SimpleNamespace:
    return SimpleNamespace(
        aws_request_id=str(uuid.uuid4()),
        function_name=function_name,
        memory_limit_in_mb=1024,
        get_remaining_time_in_millis=lambda: 29_000,
        invoked_function_arn=f"arn:aws:lambda:us-east-1:123456789012:function:{function_name}",
    )


def api_gateway_event(
    method: str,
    path: str,
    *,
    query: Mapping[str, str] | None = None,
    headers: Mapping[str, str] | None = None,
    body: bytes | str | dict | None = None,
) -> dict[str, Any]:
    """Return an API Gateway REST (v1) proxy event, the shape Zappa's handler receives."""
    all_headers = {"Host": "blog.example.com", "X-Forwarded-Proto": "https", "X-Forwarded-Port": "443"}
    all_headers.update(headers or {})
    if isinstance(body, dict):
        body = json.dumps(body)
        all_headers.setdefault("Content-Type", "application/json")
    is_binary = isinstance(body, bytes)
    return {
        "resource": "/{proxy+}",
        "path": path,
        "httpMethod": method,
        "headers": all_headers,
        "multiValueHeaders": {k: [v] for k, v in all_headers.items()},
        "queryStringParameters": dict(query) if query else None,
        "multiValueQueryStringParameters": {k: [v] for k, v in query.items()} if query else None,
        "pathParameters": {"proxy": path.lstrip("/")},
        "stageVariables": None,
        "requestContext": {
            "resourcePath": "/{proxy+}",
            "httpMethod": method,
            "path": f"/production{path}",
            "stage": "production",
            "requestId": str(uuid.uuid4()),
            "identity": {"sourceIp": "203.0.113.7", "userAgent": all_headers.get("User-Agent", "")},
        },
        "body": base64.b64encode(body).decode() if isinstance(body, bytes) else body,
        "isBase64Encoded": is_binary,
    }


def response_body(response: Mapping[str, Any]) -> bytes:
    body = response.get("body") or ""
    return base64.b64decode(body) if response.get("isBase64Encoded") else body.encode()
