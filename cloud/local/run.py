"""``make run``: the whole product on this machine, with one command.

Starts the emulator (state kept in .local/ across restarts), creates the resources, seeds demo
content, then runs the local event-source runners and Django's server. Ctrl-C stops all of it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from cloud.local import emulator

ROOT = Path(__file__).resolve().parents[2]
STATE = ROOT / ".local"


def local_environment(aws_port: int) -> dict[str, str]:
    """Return the environment every local process shares."""
    env = dict(os.environ)
    env.update(
        {
            "AWS_ENDPOINT_URL": f"http://127.0.0.1:{aws_port}",
            "AWS_REGION": env.get("AWS_REGION", "us-east-1"),
            "AWS_DEFAULT_REGION": env.get("AWS_REGION", "us-east-1"),
            "RESOURCE_PREFIX": env.get("RESOURCE_PREFIX", "blog-local"),
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "PYTHONUNBUFFERED": "1",
        }
    )
    # The emulator accepts any credentials; never let a developer's real ones be picked up.
    env.update({"AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local"})
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN"):
        env.pop(name, None)
    return env


def prepare(env: dict[str, str]) -> dict[str, str]:
    """Create the resources and demo content; return the environment with the Cognito ids."""
    os.environ.update(env)
    import django

    django.setup()
    from blog.demo import seed_demo_articles
    from cloud.local.bootstrap import bootstrap

    stack = bootstrap()
    stack.export()
    seed_demo_articles()
    return {**env, **stack.environment()}


def banner(port: int, aws_port: int) -> str:
    from cloud.local.bootstrap import demo_users

    users = "\n".join(
        f"    {u['username']:<8} / {u['password']:<18} ({', '.join(u['groups'])})" for u in demo_users()
    )
    return f"""
  Blog            http://127.0.0.1:{port}/
  Analytics       http://127.0.0.1:{port}/analytics/   (sign in as admin)
  API document    http://127.0.0.1:{port}/api/openapi.json
  AWS emulator    AWS_ENDPOINT_URL=http://127.0.0.1:{aws_port}
                  (e.g. aws dynamodb scan --table-name blog-local-table)
  State and logs  {STATE}/  (delete it to start afresh)
  Demo sign-ins:
{users}
  Sign-up confirmation codes: the emulator accepts any code.
  Ctrl-C stops everything.
"""


def stop_all(processes: list[subprocess.Popen], *, grace: float = 5.0) -> None:
    """Ask every process to stop, then kill what is still running after ``grace`` seconds."""
    for process in processes:
        if process.poll() is None:
            process.terminate()
    deadline = time.monotonic() + grace
    for process in processes:
        try:
            process.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def main() -> int:
    port = int(os.environ.get("PORT", "8000"))
    aws_port = int(os.environ.get("LOCAL_AWS_PORT", str(emulator.DEFAULT_PORT)))
    try:
        emulator.ensure_port_free(aws_port, what="the AWS emulator", variable="LOCAL_AWS_PORT")
        emulator.ensure_port_free(port, what="the blog's Django server", variable="PORT")
    except emulator.PortInUse as error:
        print(f"make run: {error}", file=sys.stderr, flush=True)
        return 2
    (STATE / "logs").mkdir(parents=True, exist_ok=True)
    stopping = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stopping.set())
    env = local_environment(aws_port)
    print(f"Starting the AWS emulator on 127.0.0.1:{aws_port} (replaying saved state)...", flush=True)
    aws_process = emulator.start(
        aws_port, recording=STATE / "aws-recording.jsonl", log=STATE / "logs" / "emulator.log"
    )
    children: list[subprocess.Popen] = []
    try:
        env = prepare(env)
        python = sys.executable
        for name, args in (
            ("stream-runner", [python, "-m", "cloud.local.stream_runner"]),
            ("upload-runner", [python, "-m", "cloud.local.sqs_runner"]),
        ):
            log = open(STATE / "logs" / f"{name}.log", "ab")  # noqa: SIM115 - closed with the process
            children.append(subprocess.Popen(args, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT))
        children.append(
            subprocess.Popen([python, "manage.py", "runserver", f"127.0.0.1:{port}"], env=env, cwd=ROOT)
        )
        print(banner(port, aws_port), flush=True)
        while not stopping.wait(0.5):
            failed = next((child for child in children if child.poll() is not None), None)
            if failed is not None:
                print(f"{failed.args!r} stopped (exit {failed.returncode}); see {STATE}/logs/", flush=True)
                return 1
        return 0
    finally:
        stop_all([*children, aws_process])
        print("Stopped.", flush=True)


if __name__ == "__main__":
    sys.exit(main())
