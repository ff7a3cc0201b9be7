"""The local AWS emulator: moto in server mode, with state that survives a restart.

moto keeps everything in memory. Its recorder appends every request it serves to a file and can
replay that file into a fresh server. Reads (the stream runner polls all day) would make the file
grow without end and slow the replay, so before each replay the file is compacted to the requests
that change state. The compaction keeps every whole entry and sets aside what is not (a line torn
by a kill): a damaged tail never stops a start (cloud/local/moto_recording.py makes the writes safe).
"""

from __future__ import annotations

import base64
import json
import os
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from cloud.local import moto_recording

DEFAULT_PORT = 4566
ROOT = Path(__file__).resolve().parents[2]

# Ids that moto would otherwise draw at random must survive a replay.
EMULATOR_ENV = {
    "MOTO_COGNITO_IDP_USER_POOL_ID_STRATEGY": "HASH",
    "MOTO_COGNITO_IDP_USER_POOL_CLIENT_ID_STRATEGY": "HASH",
}

_READ_ONLY_TARGET_VERBS = ("Get", "Describe", "List", "Query", "Scan", "BatchGet", "Receive")
_READ_ONLY_TARGETS = ("InitiateAuth", "RespondToAuthChallenge")  # sign-ins change nothing we keep


def is_state_changing(entry: dict) -> bool:
    """Say whether a recorded request changes the emulator's state (and so must be replayed)."""
    method = entry.get("method", "GET").upper()
    if method in ("GET", "HEAD", "OPTIONS"):
        return False
    headers = {k.lower(): v for k, v in (entry.get("headers") or {}).items()}
    target = headers.get("x-amz-target", "")
    if target:
        operation = target.rsplit(".", 1)[-1]
        return not (operation.startswith(_READ_ONLY_TARGET_VERBS) or operation in _READ_ONLY_TARGETS)
    return True


@dataclass(frozen=True)
class RecordingRepair:
    """What a start found in the recording: entries kept, and what was dropped (and kept aside where)."""

    kept: int
    dropped_lines: int
    dropped_to: Path | None


def _entries_of_line(line: str) -> list[dict] | None:
    """Return the whole entries on one line, or None if any part of it is not a whole entry.

    moto before cloud/local/moto_recording.py could write two entries on one line (``{...}{...}``):
    both are whole, so both are kept.
    """
    decoder = json.JSONDecoder()
    entries: list[dict] = []
    position = 0
    text = line.strip()
    try:
        while position < len(text):
            entry, end = decoder.raw_decode(text, position)
            if not isinstance(entry, dict) or "method" not in entry or "url" not in entry:
                return None
            entries.append(entry)
            position = end
            while position < len(text) and text[position].isspace():
                position += 1
    except json.JSONDecodeError:
        return None
    return entries


def read_recording(path: Path) -> tuple[list[dict], list[str]]:
    """Return the recording's whole entries and the lines that are not (a torn tail, garbage)."""
    entries: list[dict] = []
    damaged: list[str] = []
    with path.open("rb") as file:
        for raw in file:
            line = raw.decode("utf-8", errors="replace")
            if not line.strip():
                continue
            found = _entries_of_line(line)
            if found is None:
                damaged.append(line.rstrip("\n"))
            else:
                entries.extend(found)
    return entries, damaged


def compact_recording(path: Path) -> RecordingRepair:
    """Keep only the whole, state-changing entries of the recording; set the damaged lines aside.

    The file is replaced atomically (a kill during the compaction leaves the old file), and lines
    that are not whole entries go to ``<name>.dropped-<time>`` next to it rather than being lost.
    """
    if not path.exists():
        return RecordingRepair(kept=0, dropped_lines=0, dropped_to=None)
    entries, damaged = read_recording(path)
    kept = [entry for entry in entries if is_state_changing(entry)]
    dropped_to = None
    if damaged:
        dropped_to = path.with_name(f"{path.name}.dropped-{time.strftime('%Y%m%dT%H%M%S')}")
        dropped_to.write_text("".join(f"{line}\n" for line in damaged))
    temporary = path.with_name(f"{path.name}.compacting")
    with temporary.open("w") as file:
        file.writelines(f"{json.dumps(entry)}\n" for entry in kept)
        file.flush()
        os.fsync(file.fileno())
    os.replace(temporary, path)
    return RecordingRepair(kept=len(kept), dropped_lines=len(damaged), dropped_to=dropped_to)


_LOCAL_HOSTS = ("127.0.0.1", "localhost")


def replay_recording(url: str, path: Path) -> int:
    """Send the recording's requests to the emulator at ``url``, in order; return how many.

    Done here rather than by moto's own replay so that each request carries its recorded time
    (cloud/local/moto_recording.py) and goes to this server whatever port recorded it.
    """
    import requests

    target = urllib.parse.urlsplit(url)
    count = 0
    with requests.Session() as session, path.open() as file:
        for line in file:
            entry = json.loads(line)
            body: str | bytes = entry.get("body") or ""
            if entry.get("body_encoded"):
                body = base64.b64decode(body)
            recorded = urllib.parse.urlsplit(entry["url"])
            # Host follows this server (the port may differ); the body is whole, not chunked.
            local = recorded.hostname in _LOCAL_HOSTS
            skipped = ("transfer-encoding", "host") if local else ("transfer-encoding",)
            headers = {k: v for k, v in (entry.get("headers") or {}).items() if k.lower() not in skipped}
            if local:
                headers["Host"] = target.netloc
            if "recorded_at" in entry:
                headers[moto_recording.RECORDED_AT_HEADER] = str(entry["recorded_at"])
            session.request(
                entry["method"],
                urllib.parse.urlunsplit((target.scheme, target.netloc, recorded.path, recorded.query, "")),
                headers=headers,
                data=body,
                timeout=600,
            )
            count += 1
    return count


def wait_until_ready(url: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(f"{url}/moto-api/", timeout=2):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise RuntimeError(f"the emulator did not answer at {url} within {timeout:.0f} s") from None
            time.sleep(0.1)


class PortInUse(RuntimeError):
    """Something already listens on a port the local stack needs."""


def port_in_use(port: int) -> bool:
    """Say whether something accepts connections on 127.0.0.1:``port``."""
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def ensure_port_free(port: int, *, what: str, variable: str) -> None:
    """Raise ``PortInUse`` naming ``port`` if another process listens on it."""
    if port_in_use(port):
        raise PortInUse(
            f"Port {port} ({what}) is already in use by another process; refusing to start, so as not to"
            f" use or write into that process's state. Stop it, or pick another port: {variable}=<port>."
        )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start(
    port: int, *, recording: Path | None = None, log: Path | None = None, iam_audit: Path | None = None
) -> subprocess.Popen:
    """Start moto's server on 127.0.0.1:``port``; replay and keep recording ``recording`` if given.

    With ``iam_audit``, IAM is judged as AWS would (cloud/local/moto_iam.py) once enforcement is
    turned on (``enforce_iam``), and each decision is logged there.

    Raise ``PortInUse`` if something already listens there: requests would go to it, not to us.
    """
    ensure_port_free(port, what="the AWS emulator", variable="LOCAL_AWS_PORT")
    env = {**os.environ, **EMULATOR_ENV, "PYTHONPATH": str(ROOT)}
    if recording is not None:
        env["MOTO_RECORDER_FILEPATH"] = str(recording)
    out = open(log, "ab") if log else subprocess.DEVNULL  # noqa: SIM115 - lives as long as the server
    audit = ["--iam-audit", str(iam_audit)] if iam_audit else []
    process = subprocess.Popen(
        [sys.executable, "-m", "cloud.local.moto_server", "-H", "127.0.0.1", "-p", str(port), *audit],
        env=env,
        stdout=out,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_ready(url)
        if recording is not None:
            repair = compact_recording(recording)
            if repair.dropped_lines:
                print(
                    f"The emulator's recording {recording} had {repair.dropped_lines} damaged line(s)"
                    f" (a torn last write, or lines mixed by an older recorder): kept {repair.kept}"
                    f" whole request(s), set the damaged lines aside in {repair.dropped_to}.",
                    file=sys.stderr,
                    flush=True,
                )
            if repair.kept:
                replay_recording(url, recording)
            _post(f"{url}/moto-api/recorder/start-recording")
    except BaseException:
        process.terminate()
        raise
    return process


def enforce_iam(url: str, *, after: float = 0) -> None:
    """Judge every request after the next ``after`` ones by IAM (``float("inf")``: judge none again)."""
    _post(f"{url}/moto-api/reset-auth", data=str(after).encode())


def _post(url: str, data: bytes | None = None) -> None:
    # Not form-encoded: moto reads the raw body, which werkzeug leaves empty for a form.
    request = urllib.request.Request(url, data=data, method="POST", headers={"Content-Type": "text/plain"})
    with urllib.request.urlopen(request, timeout=600):
        pass
