"""Build the Lambda package with ``zappa package`` offline, and check that Lambda can run it.

Zappa packs the *active* virtualenv, and the development one holds moto, DuckDB, pyarrow, the CDK,
Playwright and the rest. So the package is built from a separate virtualenv (``.venv-package``) that
holds only requirements/production.txt, installed from manylinux wheels no newer than Lambda's
Amazon Linux 2023 (glibc 2.34), plus Zappa itself (its handler runs on Lambda).

The pycs Zappa copies into the zip are checked against their sources' timestamps, which the zip does
not keep (Zappa stamps every entry 1980-01-01), so Python finds them all stale and, /var/task being
read-only, compiles every module it imports from source on every cold start. The build replaces them
with pycs that need no timestamp, and adds botocore's data for our clients, pre-parsed
(cloud/botocore_data.py).

Checks: zipped <= 50 MB and unzipped <= 250 MB (Lambda's limits for a direct upload), no local-only
package inside, no shared library needing a glibc newer than 2.34, and the handler, imported from the
unpacked package by an interpreter that sees nothing else, answering API Gateway events. It also times
the cold start (fresh interpreter to the home page) with the packaged bytecode and from source.

    python -m tools.lambda_package            # build dist/blog-production.zip and check it
"""

from __future__ import annotations

import argparse
import compileall
import hashlib
import json
import os
import py_compile
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PACKAGE_VENV = ROOT / ".venv-package"
DIST = ROOT / "dist"
SETTINGS_FILE = ROOT / "zappa_settings.json"
PRODUCTION_REQUIREMENTS = ROOT / "requirements" / "production.txt"
LOCAL_REQUIREMENTS = ROOT / "requirements" / "local.txt"

MAX_ZIPPED = 50 * 1024 * 1024  # Lambda: a zip uploaded directly (Zappa uploads through S3, same limit here)
MAX_UNZIPPED = 250 * 1024 * 1024  # Lambda: the unzipped function and its layers
LAMBDA_GLIBC = (2, 34)  # Amazon Linux 2023, the python3.12 runtime
LAMBDA_PYTHON = (3, 12)  # bytecode is only valid for the minor version that compiled it

# Wheels pip may pick for the package: manylinux tags Lambda's glibc 2.34 can load.
MANYLINUX_PLATFORMS = tuple(
    f"{tag}_x86_64"
    for tag in (
        "manylinux_2_34",
        "manylinux_2_28",
        "manylinux_2_27",
        "manylinux_2_26",
        "manylinux_2_24",
        "manylinux_2_17",
        "manylinux2014",
        "manylinux_2_12",
        "manylinux2010",
        "manylinux_2_5",
        "manylinux1",
    )
)

# Top-level names that must never reach Lambda: local-only packages and project folders.
FORBIDDEN_TOP_LEVEL = frozenset(
    {
        "moto",
        "duckdb",
        "pyarrow",
        "aws_cdk",
        "cdk_nag",
        "jsii",
        "playwright",
        "pytest",
        "_pytest",
        "pytest_django",
        "mypy",
        "ruff",
        "django-stubs",
        "pandas",
        "numpy",
        "tests",
        "bench",
        "infra",
        "tools",
        "docs",
        "node_modules",
        ".venv",
        ".local",
        ".git",
    }
)


class PackageError(RuntimeError):
    """The package could not be built or failed a check."""


@dataclass
class Report:
    """What the checks found."""

    zip_path: Path
    zipped_bytes: int = 0
    unzipped_bytes: int = 0
    files: int = 0
    forbidden: list[str] = field(default_factory=list)
    glibc_too_new: dict[str, str] = field(default_factory=dict)
    newest_glibc: str = ""
    shared_libraries: int = 0
    problems: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        mib = 1024 * 1024
        return [
            f"package:        {self.zip_path}",
            f"zipped:         {self.zipped_bytes / mib:7.1f} MiB (limit {MAX_ZIPPED / mib:.0f} MiB, "
            f"{self.zipped_bytes / MAX_ZIPPED:.0%})",
            f"unzipped:       {self.unzipped_bytes / mib:7.1f} MiB (limit {MAX_UNZIPPED / mib:.0f} MiB, "
            f"{self.unzipped_bytes / MAX_UNZIPPED:.0%}), {self.files} files",
            f"shared libs:    {self.shared_libraries}, newest glibc needed {self.newest_glibc or 'none'} "
            f"(Lambda has {LAMBDA_GLIBC[0]}.{LAMBDA_GLIBC[1]})",
            f"forbidden:      {', '.join(self.forbidden) or 'none'}",
        ]


# --- Building ---------------------------------------------------------------------------------


def zappa_requirement() -> str:
    """Return the pinned ``zappa==x.y.z`` line of requirements/local.txt (one pin for both venvs)."""
    for line in LOCAL_REQUIREMENTS.read_text().splitlines():
        if line.strip().lower().startswith("zappa=="):
            return line.strip()
    raise PackageError("requirements/local.txt pins no zappa version")


def _venv_fingerprint() -> str:
    text = PRODUCTION_REQUIREMENTS.read_text() + zappa_requirement() + " ".join(MANYLINUX_PLATFORMS)
    return hashlib.sha256(text.encode()).hexdigest()


def _run(command: list[str], *, env: dict[str, str] | None = None, cwd: Path = ROOT) -> str:
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise PackageError(
            f"{' '.join(command[:4])} ... failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
        )
    return result.stdout


def ensure_package_venv(venv: Path = PACKAGE_VENV) -> Path:
    """Create (or reuse, if the requirements did not change) the clean packaging virtualenv."""
    stamp = venv / ".fingerprint"
    fingerprint = _venv_fingerprint()
    if stamp.exists() and stamp.read_text() == fingerprint:
        return venv
    shutil.rmtree(venv, ignore_errors=True)
    _run([sys.executable, "-m", "venv", str(venv)])
    site_packages = (
        venv / "lib" / f"python{sys.version_info.major}.{sys.version_info.minor}" / "site-packages"
    )
    platforms = [arg for platform in MANYLINUX_PLATFORMS for arg in ("--platform", platform)]
    # The production set, as Lambda-compatible binary wheels only (never built from source here).
    _run(
        [
            str(venv / "bin" / "pip"),
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "--only-binary=:all:",
            "--implementation=cp",
            "--python-version=3.12",
            *platforms,
            "--target",
            str(site_packages),
            "-r",
            str(PRODUCTION_REQUIREMENTS),
        ]
    )
    # Zappa (the packager, and its handler runs on Lambda); the production pins stay as installed.
    _run(
        [
            str(venv / "bin" / "pip"),
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "-c",
            str(PRODUCTION_REQUIREMENTS),
            zappa_requirement(),
        ]
    )
    stamp.write_text(fingerprint)
    return venv


def build_environment(venv: Path) -> dict[str, str]:
    """Return a process environment in which ``venv`` is the active virtualenv and AWS is unreachable."""
    keep = ("PATH", "HOME", "LANG", "TMPDIR", "PIP_CONFIG_FILE", "PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL")
    env = {k: v for k, v in os.environ.items() if k in keep}
    env.update(
        {
            "VIRTUAL_ENV": str(venv),
            "PATH": f"{venv / 'bin'}:{os.environ.get('PATH', '')}",
            "AWS_ACCESS_KEY_ID": "packaging-offline",
            "AWS_SECRET_ACCESS_KEY": "packaging-offline",
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_REGION": "us-east-1",
            "DJANGO_ENV": "production",
            "DJANGO_SECRET_KEY": "collectstatic-only-not-a-secret",
        }
    )
    return env


def build(stage: str = "production", *, output: Path | None = None) -> Path:
    """Build the Lambda package for ``stage`` with ``zappa package``; return the zip's path."""
    venv = ensure_package_venv()
    env = build_environment(venv)
    # Production serves static files with WhiteNoise's manifest storage: the manifest must be packaged.
    _run([str(venv / "bin" / "python"), "manage.py", "collectstatic", "--noinput", "--clear"], env=env)
    output = output or DIST / f"blog-{stage}.zip"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.unlink(missing_ok=True)
    _run([str(venv / "bin" / "zappa"), "package", stage, "-o", str(output)], env=env)
    if not output.exists():
        raise PackageError(f"zappa package wrote no {output}")
    prepare_for_read_only(output)
    return output


def prepare_for_read_only(zip_path: Path) -> int:
    """Rewrite the zip with unchecked-hash bytecode for every module and botocore's data pre-parsed.

    Returns how many pycs the zip holds. Unchecked-hash pycs (PEP 552) are used whatever the sources'
    timestamps; the package is immutable, so there is nothing for Python to check. Measured on the
    unpacked zip (importing Django, boto3, Pillow and Zappa's handler with ``-B``): 1.10 s with
    Zappa's pycs, all stale, against 0.35 s.
    """
    if sys.version_info[:2] != LAMBDA_PYTHON:
        raise PackageError(f"bytecode for python{'.'.join(map(str, LAMBDA_PYTHON))} needs that interpreter")
    with tempfile.TemporaryDirectory(prefix="lambda-read-only-") as folder:
        task = unpack(zip_path, Path(folder) / "task")
        for stale in task.rglob("*.pyc"):
            stale.unlink()
        # quiet=2: a few packages ship files that are not Python 3 (templates, test data); they stay sources.
        compileall.compile_dir(
            task, quiet=2, workers=0, invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH
        )
        # In an interpreter that sees only the package, so the package's botocore is the one read.
        code = "import sys; sys.path.insert(0, sys.argv[1]); import cloud.botocore_data as b; b.preparse()"
        _run([sys.executable, "-I", "-S", "-B", "-c", code, str(task)], env=build_environment(PACKAGE_VENV))
        files = sorted(path for path in task.rglob("*") if path.is_file())
        with zipfile.ZipFile(zip_path, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in files:
                info = zipfile.ZipInfo(str(path.relative_to(task)))
                info.create_system = 3  # Unix, so the mode below is honoured (as Zappa writes it)
                info.external_attr = 0o755 << 16
                archive.writestr(info, path.read_bytes(), zipfile.ZIP_DEFLATED)
    return sum(path.suffix == ".pyc" for path in files)


# --- Checking ---------------------------------------------------------------------------------

_GLIBC = re.compile(r"GLIBC_(\d+)\.(\d+)(?:\.(\d+))?")


def glibc_versions_needed(objdump_private_headers: str) -> set[tuple[int, ...]]:
    """Return the GLIBC_x.y versions listed under "Version References" in ``objdump -p`` output."""
    needed: set[tuple[int, ...]] = set()
    in_references = False
    for line in objdump_private_headers.splitlines():
        if line.startswith("Version References"):
            in_references = True
            continue
        if in_references and line and not line[0].isspace():
            in_references = False
        if in_references:
            for match in _GLIBC.finditer(line):
                needed.add(tuple(int(part) for part in match.groups() if part is not None))
    return needed


def is_elf(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(4) == b"\x7fELF"


def glibc_report(unpacked: Path) -> tuple[int, dict[str, str], str]:
    """Return (shared libraries seen, those needing a glibc newer than Lambda's, newest glibc needed)."""
    objdump = shutil.which("objdump")
    if objdump is None:
        raise PackageError("objdump not found: install binutils (apt-get install binutils)")
    too_new: dict[str, str] = {}
    newest: tuple[int, ...] = ()
    count = 0
    for path in sorted(unpacked.rglob("*")):
        if (
            not path.is_file()
            or path.is_symlink()
            or not (".so" in path.name or path.suffix == "")
            or not is_elf(path)
        ):
            continue
        count += 1
        versions = glibc_versions_needed(_run([objdump, "-p", str(path)]))
        if not versions:
            continue
        top = max(versions)
        newest = max(newest, top)
        if top[:2] > LAMBDA_GLIBC:
            too_new[str(path.relative_to(unpacked))] = ".".join(map(str, top))
    return count, too_new, ".".join(map(str, newest))


def forbidden_entries(names: list[str]) -> list[str]:
    """Return the forbidden top-level packages or folders among zip entry ``names``."""
    found = set()
    for name in names:
        top = name.split("/", 1)[0]
        bare = re.split(r"-\d", top.removesuffix(".dist-info"), maxsplit=1)[0].replace("-", "_").lower()
        if top in FORBIDDEN_TOP_LEVEL or bare in FORBIDDEN_TOP_LEVEL:
            found.add(top)
    return sorted(found)


def unpack(zip_path: Path, target: Path) -> Path:
    shutil.rmtree(target, ignore_errors=True)
    with zipfile.ZipFile(zip_path) as archive:
        archive.extractall(target)
    return target


def inspect(zip_path: Path, unpacked: Path) -> Report:
    """Measure and check the package (everything except running it)."""
    report = Report(zip_path=zip_path, zipped_bytes=zip_path.stat().st_size)
    with zipfile.ZipFile(zip_path) as archive:
        infos = archive.infolist()
        packaged_settings = archive.read("zappa_settings.py").decode()
    report.unzipped_bytes = sum(info.file_size for info in infos)
    report.files = len(infos)
    report.forbidden = forbidden_entries([info.filename for info in infos])
    if "WEBSOCKET_HANDLER_MODULE" in packaged_settings:
        # Zappa found a file importing zappa.websocket in the project (an unpacked package?).
        report.problems.append("zappa_settings.py names a WEBSOCKET_HANDLER_MODULE: a stray handler.py copy?")
    report.shared_libraries, report.glibc_too_new, report.newest_glibc = glibc_report(unpacked)
    if report.zipped_bytes > MAX_ZIPPED:
        report.problems.append(f"zipped package is {report.zipped_bytes} bytes, over {MAX_ZIPPED}")
    if report.unzipped_bytes > MAX_UNZIPPED:
        report.problems.append(f"unzipped package is {report.unzipped_bytes} bytes, over {MAX_UNZIPPED}")
    if report.forbidden:
        report.problems.append(f"local-only content in the package: {', '.join(report.forbidden)}")
    for library, version in report.glibc_too_new.items():
        report.problems.append(
            f"{library} needs glibc {version}; Lambda has {LAMBDA_GLIBC[0]}.{LAMBDA_GLIBC[1]}"
        )
    return report


# --- Running the unpacked package -------------------------------------------------------------

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


COLD_START_RUNS = 5


def cold_starts(unpacked: Path, *, env: dict[str, str], runs: int = COLD_START_RUNS) -> dict[str, float]:
    """Return the median seconds from a fresh interpreter to the home page, with and without bytecode."""
    from cloud.local.lambda_runtime import api_gateway_event

    event = api_gateway_event("GET", "/", headers={"Host": SMOKE_HOST})
    seconds: dict[str, list[float]] = {"bytecode": [], "source": []}
    for _ in range(runs):  # interleaved, so machine noise hits both alike
        for name in seconds:
            run = run_events(unpacked, [event], env=env, bytecode=name == "bytecode")
            seconds[name].append(run["first_answer_seconds"])
    return {name: statistics.median(values) for name, values in seconds.items()}


def run_against_emulator(unpacked: Path, stage: str = "production") -> tuple[list[str], list[str]]:
    """Start a private emulator, run the smoke events through the package; return (lines, problems)."""
    from cloud import aws
    from cloud.local import emulator

    port = emulator.free_port()
    saved = dict(os.environ)
    os.environ.update(
        {
            "AWS_ENDPOINT_URL": f"http://127.0.0.1:{port}",
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_REGION": "us-east-1",
            "AWS_DEFAULT_REGION": "us-east-1",
        }
    )
    aws.reset()
    process = emulator.start(port)
    try:
        env = emulated_function_environment(stage)
        labelled = smoke_events()
        run = run_events(unpacked, [event for _, event in labelled], env=env)
        cold = cold_starts(unpacked, env=env)
    finally:
        process.terminate()
        process.wait(timeout=10)
        os.environ.clear()
        os.environ.update(saved)
        aws.reset()
    outcomes = [
        smoke_outcome(label, answer) for (label, _), answer in zip(labelled, run["answers"], strict=True)
    ]
    lines = [f"handler:        {'; '.join(text for text, _ in outcomes)}"]
    lines.append(f"peak RSS:       {run['max_rss_kib'] / 1024:.0f} MiB (imports, a page, the deploy checks)")
    lines.append(
        f"cold start:     {cold['bytecode'] * 1000:.0f} ms with the packaged bytecode, "
        f"{cold['source'] * 1000:.0f} ms from source ({cold['source'] / cold['bytecode']:.2f}x); "
        f"fresh interpreter to the home page, median of {COLD_START_RUNS}"
    )
    problems = [f"packaged handler: {text}" for text, passed in outcomes if not passed]
    if run["modules_from_outside"]:
        problems.append(f"modules imported from outside the package: {run['modules_from_outside'][:5]}")
    return lines, problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--stage", default="production")
    parser.add_argument("--skip-build", action="store_true", help="check dist/blog-<stage>.zip as it is")
    parser.add_argument("--skip-run", action="store_true", help="do not run the handler against an emulator")
    args = parser.parse_args(argv)
    zip_path = DIST / f"blog-{args.stage}.zip"
    if not args.skip_build:
        build(args.stage, output=zip_path)
    # Unpacked outside the project: Zappa scans the project's .py files when it packages (websockets).
    with tempfile.TemporaryDirectory(prefix="lambda-task-") as folder:
        unpacked = unpack(zip_path, Path(folder) / "task")
        report = inspect(zip_path, unpacked)
        lines, problems = report.lines(), list(report.problems)
        if not args.skip_run:
            run_lines, run_problems = run_against_emulator(unpacked, args.stage)
            lines += run_lines
            problems += run_problems
    print("\n".join(lines))
    for problem in problems:
        print(f"PROBLEM: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
