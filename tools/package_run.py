"""Run the unpacked Lambda package the way Lambda's python3.12 runtime would, against the emulator.

The handler is imported from the unpacked package by an interpreter that sees nothing else, and
answers API Gateway events (through the custom domain and the execute-api host), a stream batch and
Zappa's ``manage`` command. The cold start's timing is a benchmark: ``python -m bench package``.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tools.package_build import ROOT, PackageError

SETTINGS_FILE = ROOT / "zappa_settings.json"


# Runs in a fresh interpreter that sees only the standard library and the unpacked package, the way
# Lambda's python3.12 runtime sees /var/task. Prints one JSON object with each answer and the peak RSS.
_RUNNER = r"""
import importlib, json, resource, sys, time, types, uuid
task, handler_path, events_file = sys.argv[1:4]
sys.path.insert(0, task)
module_name, _, function_name = handler_path.rpartition(".")
handler = getattr(importlib.import_module(module_name), function_name)
answers, answered_at = [], []
for event in json.load(open(events_file)):
    context = types.SimpleNamespace(
        aws_request_id=str(uuid.uuid4()), function_name="blog-production", memory_limit_in_mb=1024,
        get_remaining_time_in_millis=lambda: 29000,
        invoked_function_arn="arn:aws:lambda:us-east-1:123456789012:function:blog-production",
    )
    try:
        answers.append({"result": handler(event, context)})
    except Exception as error:
        answers.append({"error": type(error).__name__, "message": str(error)[:500]})
    answered_at.append(time.time())
outside = sorted(
    name for name, module in sys.modules.items()
    if getattr(module, "__file__", None) and not module.__file__.startswith((task, sys.base_prefix))
)
print(json.dumps({
    "answers": answers,
    "answered_at": answered_at,
    "max_rss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    "modules_from_outside": outside,
}, default=str))
"""


def lambda_handler_path(stage: str = "production") -> str:
    """Return the handler Lambda calls for ``stage`` (zappa_settings.json ``lambda_handler``)."""
    settings = json.loads(SETTINGS_FILE.read_text())
    return str(settings[stage].get("lambda_handler", "handler.lambda_handler"))


def run_events(
    unpacked: Path, events: list[dict[str, Any]], *, env: dict[str, str], bytecode: bool = True
) -> dict[str, Any]:
    """Call the packaged handler with ``events`` in a clean interpreter; return its answers and peak RSS.

    ``first_answer_seconds`` is the time from starting the interpreter to the first answer. Without
    ``bytecode`` the packaged pycs are hidden, as if Zappa's zip had been deployed as it comes.
    """
    events_file = unpacked.parent / f"{unpacked.name}-events.json"
    events_file.write_text(json.dumps(events))
    # -I: ignore PYTHON* variables and the user site; -S: no site-packages. Only /var/task is seen.
    # -B: write no bytecode, as in Lambda's read-only /var/task.
    hide_bytecode = ["-X", f"pycache_prefix={unpacked.parent / 'no-bytecode'}"]
    command = [
        sys.executable,
        "-I",
        "-S",
        "-B",
        *([] if bytecode else hide_bytecode),
        "-c",
        _RUNNER,
        str(unpacked),
        lambda_handler_path(),
        str(events_file),
    ]
    started = time.time()
    result = subprocess.run(  # noqa: S603 - our own interpreter and script
        command, cwd=unpacked, env=env, capture_output=True, text=True, timeout=300, check=False
    )
    if result.returncode != 0:
        raise PackageError(f"the packaged handler crashed:\n{result.stderr[-4000:]}")
    answer: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    answer["stderr"] = result.stderr
    answer["first_answer_seconds"] = answer["answered_at"][0] - started if answer["answered_at"] else None
    return answer


# --- A run against the emulator -----------------------------------------------------------------

SMOKE_HOST = "blog.example.com"  # the stage's custom domain in the emulated environment
SMOKE_API_HOST = "a1b2c3d4e5.execute-api.us-east-1.amazonaws.com"  # and the API's own host


def emulated_function_environment(stage: str = "production") -> dict[str, str]:
    """Create the stage's resources in the emulator (``AWS_ENDPOINT_URL``); return the function's environment.

    The names are the ones baked into the package (the stage's ``RESOURCE_PREFIX``); the function's
    variables are the ones ``infra.zappa_env`` writes from the stack's outputs (here the emulator's
    resources, a custom domain and an execute-api host), and the secret is in SSM.
    """
    from cloud import aws
    from cloud.local.bootstrap import LOCAL_ACCOUNT, bootstrap
    from cloud.resources import ResourceNames
    from infra.config import ZAPPA_SETTINGS, stage_config, zappa_stage
    from infra.zappa_env import settings_with_outputs

    baked = zappa_stage(stage)["environment_variables"]
    names = ResourceNames.for_prefix(baked["RESOURCE_PREFIX"])
    stack = bootstrap(names, with_demo_users=False)
    aws.client("ssm").put_parameter(
        Name=baked["DJANGO_SECRET_KEY_PARAMETER"],
        Value=secrets.token_urlsafe(50),
        Type="SecureString",
        Overwrite=True,
    )
    outputs = {
        "CognitoUserPoolId": stack.user_pool_id,
        "CognitoClientId": stack.user_pool_client_id,
        "MediaDomain": "d111111abcdef8.cloudfront.net",
        "UploadQueueArn": f"arn:aws:sqs:us-east-1:{LOCAL_ACCOUNT}:{names.upload_queue}",
        "MediaBucketName": names.media_bucket,
        "LakeBucketName": names.lake_bucket,
        "AthenaResultsBucketName": names.athena_results_bucket,
        "CertificateArn": f"arn:aws:acm:us-east-1:{LOCAL_ACCOUNT}:certificate/emulated",
    }
    config = stage_config(stage, {"stages": {stage: {"domain": SMOKE_HOST}}})
    settings = settings_with_outputs(
        json.loads(ZAPPA_SETTINGS.read_text()),
        stage=stage,
        account=LOCAL_ACCOUNT,
        outputs=outputs,
        api_host=SMOKE_API_HOST,
        config=config,
    )
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LANG": "C.UTF-8",
        "AWS_ENDPOINT_URL": os.environ["AWS_ENDPOINT_URL"],
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_REGION": "us-east-1",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_LAMBDA_FUNCTION_NAME": f"blog-{stage}",
        **settings[stage]["aws_environment_variables"],
    }


def smoke_events() -> list[tuple[str, dict[str, Any]]]:
    """Return the events ``make package`` sends the packaged handler, each with its label."""
    from cloud.local.lambda_runtime import api_gateway_event

    return [
        ("GET /healthz", api_gateway_event("GET", "/healthz", headers={"Host": SMOKE_HOST})),
        ("GET /", api_gateway_event("GET", "/", headers={"Host": SMOKE_HOST})),
        ("GET / (execute-api host)", api_gateway_event("GET", "/", headers={"Host": SMOKE_API_HOST})),
        ("manage check --deploy", {"manage": "check --deploy --fail-level WARNING"}),
    ]


def smoke_outcome(label: str, answer: dict[str, Any]) -> tuple[str, bool]:
    """Return how the packaged handler answered one smoke event, and whether that is a pass."""
    if "error" in answer:
        return f"{label}: raised {answer['error']}: {answer['message']}", False
    result = answer["result"]
    if label.startswith("manage"):
        return f"{label}: {'ok' if result == {} else result}", result == {}
    status = result.get("statusCode") if isinstance(result, dict) else None
    return f"{label}: {status}", status == 200


@contextlib.contextmanager
def emulated_function(stage: str = "production") -> Iterator[dict[str, str]]:
    """Start a private emulator with the stage's resources; yield the function's environment."""
    from cloud import aws
    from cloud.local import emulator
    from cloud.local.stack import TEST_CREDENTIALS

    port = emulator.free_port()
    saved = dict(os.environ)
    os.environ.update({**TEST_CREDENTIALS, "AWS_ENDPOINT_URL": f"http://127.0.0.1:{port}"})
    aws.reset()
    process = emulator.start(port)
    try:
        yield emulated_function_environment(stage)
    finally:
        process.terminate()
        process.wait(timeout=10)
        os.environ.clear()
        os.environ.update(saved)
        aws.reset()


def run_against_emulator(unpacked: Path, stage: str = "production") -> tuple[list[str], list[str]]:
    """Start a private emulator, run the smoke events through the package; return (lines, problems)."""
    with emulated_function(stage) as env:
        labelled = smoke_events()
        run = run_events(unpacked, [event for _, event in labelled], env=env)
    outcomes = [
        smoke_outcome(label, answer) for (label, _), answer in zip(labelled, run["answers"], strict=True)
    ]
    lines = [f"handler:        {'; '.join(text for text, _ in outcomes)}"]
    lines.append(f"peak RSS:       {run['max_rss_kib'] / 1024:.0f} MiB (imports, a page, the deploy checks)")
    problems = [f"packaged handler: {text}" for text, passed in outcomes if not passed]
    if run["modules_from_outside"]:
        problems.append(f"modules imported from outside the package: {run['modules_from_outside'][:5]}")
    return lines, problems
