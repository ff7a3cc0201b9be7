"""The emulator's recording, made safe, and its clock (installed by cloud/local/moto_server.py).

moto's recorder appends each request to the recording in two unlocked writes (the entry, then its
newline) from whichever thread serves the request: concurrent uploads interleaved their lines
(``{...}{...}`` then two newlines) and the next start could not read the file. Here each entry is
one line written by one ``write`` under a lock, to a file opened for appending, so lines never mix;
a kill can still tear the last line, which the start repairs (cloud/local/emulator.py).

Each entry also carries ``recorded_at`` (epoch seconds). The replay sends it back in the
``X-Local-Recorded-At`` header and the emulator's clock reads it while it serves that request, so a
replayed Firehose ``PutRecordBatch`` writes its lake object under the day and hour it first did,
not the restart's (moto names Firehose objects by the current time).

``LOCAL_AWS_CLOCK_OFFSET_SECONDS`` shifts the emulator's clock (tests only: "recorded days ago").
"""

from __future__ import annotations

import datetime
import io
import json
import os
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

RECORDED_AT_HEADER = "X-Local-Recorded-At"
CLOCK_OFFSET_ENV = "LOCAL_AWS_CLOCK_OFFSET_SECONDS"

_write_lock = threading.Lock()
_replaying = threading.local()  # the recorded time of the replayed request this thread serves

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def clock_now() -> float:
    """Return the emulator's time: the recorded time during a replayed request, else now (shifted)."""
    recorded_at: float | None = getattr(_replaying, "at", None)
    if recorded_at is not None:
        return recorded_at
    return time.time() + float(os.environ.get(CLOCK_OFFSET_ENV, "0") or 0)


def _utcnow() -> datetime.datetime:
    """moto's ``utcnow`` (a naive UTC datetime), read from the emulator's clock."""
    return datetime.datetime.fromtimestamp(clock_now(), datetime.UTC).replace(tzinfo=None)


def append_line(path: str, line: str) -> None:
    """Append ``line`` and its newline in one write, under a lock, so concurrent entries never mix."""
    data = (line + "\n").encode()
    with _write_lock:
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            view = memoryview(data)
            while view:  # a regular file takes it whole; loop in case it ever does not
                view = view[os.write(fd, view) :]
        finally:
            os.close(fd)


def _record_request(self: Any, request: Any, body: bytes | None = None) -> None:
    """moto's ``Recorder._record_request``, writing one whole line at a time, with ``recorded_at``."""
    if not self._user_enabled or request.raw_path.startswith("/moto-api/recorder/"):
        return
    entry: dict[str, Any] = {
        "headers": dict(request.headers),
        "method": request.method,
        "url": request.raw_url,  # raw_url, as moto: percent-encoded characters survive the replay
        "recorded_at": round(clock_now(), 3),
    }
    if body is None:
        request_body = None
        try:
            request_body = request.environ["wsgi.input"].read(int(request.headers["Content-Length"]))
            body_str, body_encoded = self._encode_body(body=request_body)
        except (AttributeError, KeyError):
            body_str, body_encoded = "", False
        finally:
            if request_body is not None:
                if isinstance(request_body, str):
                    request_body = request_body.encode("utf-8")
                request.environ["wsgi.input"] = io.BytesIO(request_body)
    else:
        body_str, body_encoded = self._encode_body(body)
    entry.update({"body": body_str, "body_encoded": body_encoded})
    append_line(self._location, json.dumps(entry))


class ReplayClock:
    """WSGI middleware: serve a replayed request at the time it was first recorded."""

    def __init__(self, app: WsgiApp) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        recorded_at = environ.pop("HTTP_" + RECORDED_AT_HEADER.upper().replace("-", "_"), None)
        if recorded_at is None:
            return self.app(environ, start_response)
        _replaying.at = float(recorded_at)
        try:
            return list(self.app(environ, start_response))
        finally:
            _replaying.at = None


def install() -> None:
    """Replace moto's recorder write and Firehose's clock (idempotent)."""
    import moto.firehose.models
    from moto.moto_api._internal.recorder.models import Recorder

    Recorder._record_request = _record_request  # type: ignore[method-assign]
    moto.firehose.models.utcnow = _utcnow
