"""Build the Lambda package with ``zappa package`` offline, ready for Lambda's read-only /var/task.

Zappa packs the *active* virtualenv, and the development one holds moto, DuckDB, pyarrow, the CDK,
Playwright and the rest. So the package is built from a separate virtualenv (``.venv-package``) that
holds only requirements/production.txt, installed from manylinux wheels no newer than Lambda's
Amazon Linux 2023 (glibc 2.34), plus Zappa itself (its handler runs on Lambda).

The pycs Zappa copies into the zip are checked against their sources' timestamps, which the zip does
not keep (Zappa stamps every entry 1980-01-01), so Python finds them all stale and, /var/task being
read-only, compiles every module it imports from source on every cold start. The build replaces them
with pycs that need no timestamp, adds botocore's data for our clients, pre-parsed
(cloud/botocore_data.py), drops botocore's data for every other service, and deletes what
production never loads (tools/package_trim.py, each rule with its reason).
"""

from __future__ import annotations

import compileall
import hashlib
import os
import py_compile
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from cloud.botocore_data import PACKAGED_SERVICES
from tools.package_trim import trim_unused

ROOT = Path(__file__).resolve().parent.parent
PACKAGE_VENV = ROOT / ".venv-package"
DIST = ROOT / "dist"
PRODUCTION_REQUIREMENTS = ROOT / "requirements" / "production.txt"
LOCAL_REQUIREMENTS = ROOT / "requirements" / "local.txt"
LAMBDA_PYTHON = (3, 12)  # bytecode is only valid for the minor version that compiled it
ZIP_LEVEL = 9  # deflate's best: about 1% smaller than its default, and Lambda unzips as fast


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


class PackageError(RuntimeError):
    """The package could not be built or failed a check."""


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


def trim_botocore_data(task: Path, keep: tuple[str, ...] = PACKAGED_SERVICES) -> list[str]:
    """Delete botocore's data for every service not in ``keep``; return the services deleted.

    botocore ships the models of ~440 services (about 16 MB of the zip); the function builds clients
    for a handful (tests/deploy checks each one still loads from the package). The top-level files
    (endpoints, partitions, retry and default configurations) stay.
    """
    data = task / "botocore" / "data"
    dropped = sorted(path.name for path in data.iterdir() if path.is_dir() and path.name not in keep)
    missing = [service for service in keep if not (data / service).is_dir()]
    if missing:
        raise PackageError(f"botocore in the package has no data for {', '.join(missing)}")
    for name in dropped:
        shutil.rmtree(data / name)
    return dropped


def prepare_for_read_only(zip_path: Path) -> int:
    """Rewrite the zip trimmed, with unchecked-hash bytecode, botocore's data pre-parsed and trimmed.

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
        stale_rules = [rule for rule, size in trim_unused(task).items() if size == 0]
        if stale_rules:
            raise PackageError(f"tools/package_trim.py rules that match nothing any more: {stale_rules}")
        # quiet=2: a few packages ship files that are not Python 3 (templates, test data); they stay sources.
        compileall.compile_dir(
            task, quiet=2, workers=0, invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH
        )
        # In an interpreter that sees only the package, so the package's botocore is the one read.
        code = "import sys; sys.path.insert(0, sys.argv[1]); import cloud.botocore_data as b; b.preparse()"
        _run([sys.executable, "-I", "-S", "-B", "-c", code, str(task)], env=build_environment(PACKAGE_VENV))
        trim_botocore_data(task)
        files = sorted(path for path in task.rglob("*") if path.is_file())
        with zipfile.ZipFile(zip_path, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in files:
                info = zipfile.ZipInfo(str(path.relative_to(task)))
                info.create_system = 3  # Unix, so the mode below is honoured (as Zappa writes it)
                info.external_attr = 0o755 << 16
                archive.writestr(info, path.read_bytes(), zipfile.ZIP_DEFLATED, ZIP_LEVEL)
    return sum(path.suffix == ".pyc" for path in files)


def unpack(zip_path: Path, target: Path) -> Path:
    shutil.rmtree(target, ignore_errors=True)
    with zipfile.ZipFile(zip_path) as archive:
        archive.extractall(target)
    return target
