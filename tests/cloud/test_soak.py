"""The restart soak (issue 12): 20 starts and stops of the local stack, some by kill -9, with likes
and uploads in between; afterwards like counts, like items and lake events agree exactly and no
start failed. The soak runs in its own process (tests/cloud/soak.py says why) on its own emulator.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from cloud.local import emulator
from cloud.local.stack import TEST_CREDENTIALS

ROOT = Path(__file__).resolve().parents[2]


def test_twenty_restarts_lose_and_inflate_nothing(tmp_path: Path) -> None:
    port = emulator.free_port()
    env = {
        **os.environ,
        **TEST_CREDENTIALS,
        "LOCAL_AWS_PORT": str(port),
        "AWS_ENDPOINT_URL": f"http://127.0.0.1:{port}",
        "RESOURCE_PREFIX": "blog-soak",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "SOAK_STATE": str(tmp_path),
        "SOAK_CYCLES": "20",
        "LOG_LEVEL": "WARNING",
    }
    for name in ("COGNITO_USER_POOL_ID", "COGNITO_CLIENT_ID", "AWS_PROFILE", "AWS_SESSION_TOKEN"):
        env.pop(name, None)
    result = subprocess.run(
        [sys.executable, "-m", "tests.cloud.soak"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=1800,  # measured 6.4 min with other suites running on the same two cores
    )
    lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
    assert lines, result.stderr[-3000:]
    summary = json.loads(lines[-1])
    print(summary)  # the figures, with -s
    assert summary["failed_starts"] == 0, result.stderr[-3000:]
    assert summary["starts"] == 21
    assert summary["kills"] >= 6
    for article_id, row in summary["articles"].items():
        assert row["expected"] == row["like_count"] == row["like_items"] == row["lake_net_likes"], (
            article_id,
            row,
        )
    assert summary["articles_published_events"] == summary["articles_published"]
    assert summary["images_ready"] == summary["image_ready_events"] == summary["uploads"] == 10
    assert result.returncode == 0, result.stderr[-3000:]
