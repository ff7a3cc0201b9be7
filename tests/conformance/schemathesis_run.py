"""``make api-conformance``: schemathesis against /api/openapi.json on a throwaway local stack.

Starts an emulator with every resource and the demo content, serves the blog on a free port, signs
in as the demo admin (admins are authors too, so every operation is reachable) and runs
schemathesis with every check and a bounded number of examples per operation. Exits with
schemathesis's status: 0 when it found no failure.

    python -m tests.conformance.schemathesis_run [--max-examples N] [--seed N] [extra schemathesis options]
"""

from __future__ import annotations

import argparse
import logging
import os
import subprocess
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MAX_EXAMPLES = 12  # per operation and phase: a few minutes in all on two cores
SEED = 20261202  # the same cases each run, so a new failure is the code's, not the dice's


def _serve() -> tuple[str, object]:
    from socketserver import ThreadingMixIn
    from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

    from django.core.wsgi import get_wsgi_application

    class ThreadingServer(ThreadingMixIn, WSGIServer):
        daemon_threads = True

    class QuietHandler(WSGIRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

    server = make_server("127.0.0.1", 0, get_wsgi_application(), ThreadingServer, QuietHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}", server


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-examples", type=int, default=MAX_EXAMPLES)
    parser.add_argument("--seed", type=int, default=SEED)
    args, extra = parser.parse_known_args(argv)

    from cloud.local.stack import ephemeral_stack

    os.environ.update({"DJANGO_SETTINGS_MODULE": "config.settings", "DJANGO_DEBUG": "0"})
    with ephemeral_stack(prefix="blog-conformance") as stack:
        import django

        django.setup()
        from blog.demo import seed_demo_articles
        from cloud import aws
        from cloud.local.bootstrap import DEMO_ADMIN_PASSWORD

        seed_demo_articles()
        token = aws.client("cognito-idp").initiate_auth(
            ClientId=stack.user_pool_client_id,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": "admin", "PASSWORD": DEMO_ADMIN_PASSWORD},
        )["AuthenticationResult"]["AccessToken"]
        url, server = _serve()
        logging.getLogger("django").setLevel(logging.ERROR)  # refusals are the point here, not news
        command = [
            str(Path(sys.executable).with_name("schemathesis")),
            f"--config-file={Path(__file__).with_name('schemathesis.toml')}",
            "run",
            f"{url}/api/openapi.json",
            "--checks=all",
            f"--max-examples={args.max_examples}",
            f"--seed={args.seed}",
            "--generation-database=none",
            "--workers=2",
            "--no-color",
            f"--header=Authorization: Bearer {token}",
            *extra,
        ]
        try:
            return subprocess.call(command, cwd=ROOT)
        finally:
            server.shutdown()  # type: ignore[attr-defined]


if __name__ == "__main__":
    sys.exit(main())
