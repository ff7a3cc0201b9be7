"""Check the built Lambda package without running it: sizes, contents, shared libraries.

Zipped <= 50 MB and unzipped <= 250 MB (Lambda's limits for a direct upload), zipped within our
30 MB budget, no local-only package inside, no shared library needing a glibc newer than Amazon
Linux 2023's 2.34.
"""

from __future__ import annotations

import re
import shutil
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from tools.package_build import PackageError, _run

MAX_ZIPPED = 50 * 1024 * 1024  # Lambda: a zip uploaded directly (Zappa uploads through S3, same limit here)
MAX_UNZIPPED = 250 * 1024 * 1024  # Lambda: the unzipped function and its layers
ZIPPED_BUDGET = 30 * 1000 * 1000  # ours (issue 10): headroom under the limit; 29.0 MB when set
LAMBDA_GLIBC = (2, 34)  # Amazon Linux 2023, the python3.12 runtime

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
        "checks",
        "schemathesis",
        "hypothesis",
        "pyvips",
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
            f"zipped:         {self.zipped_bytes / mib:7.1f} MiB = {self.zipped_bytes / 1e6:.1f} MB "
            f"(limit {MAX_ZIPPED / mib:.0f} MiB, {self.zipped_bytes / MAX_ZIPPED:.0%}; "
            f"budget {ZIPPED_BUDGET / 1e6:.0f} MB)",
            f"unzipped:       {self.unzipped_bytes / mib:7.1f} MiB (limit {MAX_UNZIPPED / mib:.0f} MiB, "
            f"{self.unzipped_bytes / MAX_UNZIPPED:.0%}), {self.files} files",
            f"shared libs:    {self.shared_libraries}, newest glibc needed {self.newest_glibc or 'none'} "
            f"(Lambda has {LAMBDA_GLIBC[0]}.{LAMBDA_GLIBC[1]})",
            f"forbidden:      {', '.join(self.forbidden) or 'none'}",
        ]


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
    if report.zipped_bytes > ZIPPED_BUDGET:
        report.problems.append(
            f"zipped package is {report.zipped_bytes / 1e6:.1f} MB, over our {ZIPPED_BUDGET / 1e6:.0f} MB "
            "budget: see what grew (docs/deploy.md, what the package leaves out)"
        )
    if report.unzipped_bytes > MAX_UNZIPPED:
        report.problems.append(f"unzipped package is {report.unzipped_bytes} bytes, over {MAX_UNZIPPED}")
    if report.forbidden:
        report.problems.append(f"local-only content in the package: {', '.join(report.forbidden)}")
    for library, version in report.glibc_too_new.items():
        report.problems.append(
            f"{library} needs glibc {version}; Lambda has {LAMBDA_GLIBC[0]}.{LAMBDA_GLIBC[1]}"
        )
    return report
