"""The local AWS emulator: moto in server mode, with state that survives a restart.

moto keeps everything in memory. Its recorder appends every request it serves to a file and can
replay that file into a fresh server. Reads (the stream runner polls all day) would make the file
grow without end and slow the replay, so before each replay the file is compacted to the requests
that change state.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

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


def compact_recording(path: Path) -> int:
    """Drop read-only requests from the recording in place; return how many requests remain."""
    if not path.exists():
        return 0
    kept = [
        line for line in path.read_text().splitlines() if line.strip() and is_state_changing(json.loads(line))
    ]
    path.write_text("".join(f"{line}\n" for line in kept))
    return len(kept)


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


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start(port: int, *, recording: Path | None = None, log: Path | None = None) -> subprocess.Popen:
    """Start moto's server on 127.0.0.1:``port``; replay and keep recording ``recording`` if given."""
    env = {**os.environ, **EMULATOR_ENV, "PYTHONPATH": str(ROOT)}
    if recording is not None:
        env["MOTO_RECORDER_FILEPATH"] = str(recording)
    out = open(log, "ab") if log else subprocess.DEVNULL  # noqa: SIM115 - lives as long as the server
    process = subprocess.Popen(
        [sys.executable, "-m", "cloud.local.moto_server", "-H", "127.0.0.1", "-p", str(port)],
        env=env,
        stdout=out,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_ready(url)
        if recording is not None:
            if compact_recording(recording):
                _post(f"{url}/moto-api/recorder/replay-recording")
            _post(f"{url}/moto-api/recorder/start-recording")
    except BaseException:
        process.terminate()
        raise
    return process


def _post(url: str) -> None:
    with urllib.request.urlopen(urllib.request.Request(url, method="POST"), timeout=600):
        pass
