"""``make run`` refuses to start on a port another process already listens on."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from cloud.local import emulator

ROOT = Path(__file__).resolve().parents[2]


class AnswersEverything(BaseHTTPRequestHandler):
    """Another process on the port that answers like an emulator would (200 to anything)."""

    def do_GET(self) -> None:
        self.send_response(200)
        self.end_headers()

    do_POST = do_GET

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def occupied_port() -> Iterator[int]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), AnswersEverything)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield int(server.server_address[1])
    finally:
        server.shutdown()
        server.server_close()


def make_run(*, port: int, aws_port: int) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PORT": str(port), "LOCAL_AWS_PORT": str(aws_port)}
    return subprocess.run(
        [sys.executable, "-m", "cloud.local.run"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_emulator_port_in_use_is_refused(occupied_port: int) -> None:
    result = make_run(port=emulator.free_port(), aws_port=occupied_port)
    assert result.returncode == 2
    assert f"Port {occupied_port} (the AWS emulator) is already in use" in result.stderr
    assert "LOCAL_AWS_PORT" in result.stderr


def test_django_port_in_use_is_refused(occupied_port: int) -> None:
    result = make_run(port=occupied_port, aws_port=emulator.free_port())
    assert result.returncode == 2
    assert f"Port {occupied_port} (the blog's Django server) is already in use" in result.stderr
    assert "Starting the AWS emulator" not in result.stdout  # nothing was started


def test_the_emulator_itself_refuses_a_port_in_use(occupied_port: int) -> None:
    with pytest.raises(emulator.PortInUse, match=f"Port {occupied_port} "):
        emulator.start(occupied_port)
