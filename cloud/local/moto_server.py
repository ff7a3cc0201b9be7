"""moto's server, with DynamoDB requests served one at a time.

moto serves each request on its own thread and does not lock a DynamoDB transaction's condition
checks and writes together: measured here, 8 threads liking concurrently let duplicate likes through
and lost counter updates. Real DynamoDB transactions are serializable, so the local stack serializes
DynamoDB requests (other services, such as SQS long polls, stay concurrent). It also replaces moto's
TransactWriteItems rollback, which copied whole tables per transaction (cloud/local/moto_transactions.py),
its slow projection and response encoding of items (cloud/local/moto_speed.py),
and its recorder's writes and Firehose's clock (cloud/local/moto_recording.py).
"""

from __future__ import annotations

import argparse
import os
import signal
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
from werkzeug.serving import run_simple

from cloud.local import moto_iam, moto_recording, moto_speed, moto_transactions

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class SerializedDynamoDB:
    """WSGI middleware: one DynamoDB request at a time, as DynamoDB's own isolation would have it."""

    def __init__(self, app: WsgiApp) -> None:
        self.app = app
        self.lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if not environ.get("HTTP_X_AMZ_TARGET", "").startswith("DynamoDB_"):
            return self.app(environ, start_response)
        with self.lock:
            return list(self.app(environ, start_response))


def main() -> None:
    # Exit at once: request threads (SQS long polls) would otherwise keep the process alive. Every
    # recorded request is already on disk.
    signal.signal(signal.SIGTERM, lambda signum, frame: os._exit(0))
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-H", "--host", default="127.0.0.1")
    parser.add_argument("-p", "--port", type=int, default=4566)
    parser.add_argument(
        "--iam-audit",
        type=Path,
        help="judge IAM as AWS does once enforced; log each decision here (cloud/local/moto_iam.py)",
    )
    args = parser.parse_args()
    if args.iam_audit:
        moto_iam.install(args.iam_audit)
    moto_transactions.install()
    moto_speed.install()
    moto_recording.install()
    os.environ.setdefault("MOTO_PORT", str(args.port))
    app = DomainDispatcherApplication(create_backend_app)
    run_simple(
        args.host,
        args.port,
        moto_recording.ReplayClock(SerializedDynamoDB(app)),
        threaded=True,
        request_handler=MotoRequestHandler,
    )


if __name__ == "__main__":
    main()
