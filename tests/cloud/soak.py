"""The restart soak: start and stop the local stack many times, with likes and uploads in between.

Run as its own process (``python -m tests.cloud.soak``; tests/cloud/test_soak.py does), because the
app's settings (the storages' endpoint) are read once per process and must point at this soak's own
emulator. Every cycle does what ``make run`` does at a start (the emulator replays its recording,
the idempotent bootstrap runs, the runners resume from their checkpoints) and then likes, unlikes,
uploads and publishes; some cycles end with ``kill -9`` of the emulator right after the writes,
before the runners have carried them on. After the last cycle, one more start drains the runners,
and the summary (one JSON line on stdout) says whether counts, like items and lake events agree.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

CYCLES = int(os.environ.get("SOAK_CYCLES", "20"))
KILL_EVERY = 3  # every third cycle ends with kill -9 instead of a clean stop
LIKES_PER_CYCLE = 4
ARTICLES = 4


def _start(port: int, recording: Path) -> tuple[subprocess.Popen, str]:
    """Start the emulator as ``make run`` does; return it and what it reported on stderr."""
    from cloud.local import emulator

    captured = io.StringIO()
    with contextlib.redirect_stderr(captured):
        process = emulator.start(port, recording=recording)
    return process, captured.getvalue()


def _stop(process: subprocess.Popen, *, kill: bool) -> None:
    if kill:
        os.kill(process.pid, signal.SIGKILL)
    else:
        process.terminate()
    process.wait(timeout=20)


def _drain(stream_runner: Any, queue: tuple[str, str]) -> None:
    """Run both local runners until neither has anything left."""
    from cloud.local import sqs_runner

    while True:
        handled = stream_runner.poll_once()
        handled += sqs_runner.poll_once(queue_url=queue[0], queue_arn=queue[1], wait_seconds=0)
        if not handled:
            return


def _upload(owner: str) -> str:
    import requests

    from tests.uploads.images import small
    from uploads.services import image_create_upload

    png = small()  # the smallest picture that gets renditions
    ticket = image_create_upload(
        owner_id=owner, owner_name="Soak", filename="dot.png", content_type="image/png", size=len(png)
    )
    files = {"file": ("dot.png", png, "image/png")}
    response = requests.post(ticket.url, data=ticket.fields, files=files, timeout=30)
    response.raise_for_status()
    return ticket.image.id


def _lake_events() -> list[dict[str, Any]]:
    """Every event in the lake, once per ``event_id`` (delivery is at least once; reports dedupe)."""
    from analytics.lake import events_from_object
    from cloud import aws

    s3, bucket = aws.client("s3"), aws.names().lake_bucket
    unique: dict[str, dict[str, Any]] = {}
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for obj in page.get("Contents", []):
            for event in events_from_object(s3.get_object(Bucket=bucket, Key=obj["Key"])["Body"].read()):
                unique.setdefault(event["event_id"], event)
    return list(unique.values())


def _like_items(article_id: str) -> int:
    from cloud import aws

    answer = aws.client("dynamodb").query(
        TableName=aws.names().table,
        KeyConditionExpression="pk = :pk AND begins_with(sk, :like)",
        ExpressionAttributeValues={":pk": {"S": f"ARTICLE#{article_id}"}, ":like": {"S": "LIKE#"}},
        Select="COUNT",
        ConsistentRead=True,
    )
    return int(answer["Count"])


def main() -> int:
    import django

    django.setup()
    from accounts.identity import Identity
    from blog import selectors, services
    from blog.domain import AlreadyLiked, NotLiked, Reader
    from cloud import aws
    from cloud.local.bootstrap import bootstrap
    from cloud.local.stream_runner import StreamRunner
    from cloud.resources import GROUP_AUTHORS
    from common.ratelimit import RateLimited
    from uploads.repository import ImageRepository

    port = int(os.environ["LOCAL_AWS_PORT"])
    state = Path(os.environ.get("SOAK_STATE") or tempfile.mkdtemp(prefix="soak-"))
    recording, checkpoints = state / "aws-recording.jsonl", state / "stream-checkpoints.json"
    author = Identity(user_id="soak", username="soak", display_name="Soak", groups=frozenset({GROUP_AUTHORS}))
    rng = random.Random(12)
    liked: set[tuple[str, str]] = set()  # (article, visitor) pairs that should hold a like now
    articles: list[str] = []
    uploads: list[str] = []
    starts = failures = kills = repairs = 0
    timings: list[float] = []
    start_timings: list[float] = []
    for cycle in range(CYCLES + 1):
        started = time.monotonic()
        try:
            process, reported = _start(port, recording)
        except Exception as error:
            failures += 1
            print(f"start {cycle} failed: {error!r}", file=sys.stderr)
            continue
        starts += 1
        start_timings.append(time.monotonic() - started)
        repairs += "damaged line" in reported
        aws.reset()
        if cycle == 0:
            # Later starts find every resource in the replayed state (make run's bootstrap would only
            # describe them; at ~10 s a start on a busy machine it is left out to keep the soak short).
            bootstrap(with_demo_users=False)
        names = aws.names()
        sqs = aws.client("sqs")
        queue_url = sqs.get_queue_url(QueueName=names.upload_queue)["QueueUrl"]
        queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"][
            "QueueArn"
        ]
        runner = StreamRunner(checkpoint_path=checkpoints, batching_window=0.05)
        _drain(runner, (queue_url, queue_arn))  # what the last cycle left (after a kill -9, all of it)
        timings.append(time.monotonic() - started)
        if cycle == CYCLES:
            _stop(process, kill=False)
            break
        if len(articles) < ARTICLES:
            articles.append(services.article_publish(author=author, title=f"Soak {cycle}", body="Soak.").id)
        for _ in range(LIKES_PER_CYCLE):
            article_id, visitor = rng.choice(articles), f"soak-visitor-{rng.randrange(8)}"
            reader = Reader(visitor_hash=visitor)
            with contextlib.suppress(AlreadyLiked, NotLiked, RateLimited):
                if (article_id, visitor) in liked and rng.random() < 0.3:
                    services.article_unlike(article_id=article_id, reader=reader)
                    liked.discard((article_id, visitor))
                else:
                    services.article_like(article_id=article_id, reader=reader)
                    liked.add((article_id, visitor))
        if cycle % 2 == 0:  # an upload every other cycle: each one adds to every later replay
            uploads.append(_upload(owner=f"soak-owner-{cycle}"))
        kill = cycle % KILL_EVERY == KILL_EVERY - 1
        if not kill:
            _drain(runner, (queue_url, queue_arn))
        kills += kill
        _stop(process, kill=kill)

    # The last start drained everything; read the final state from one more start.
    process, _ = _start(port, recording)
    try:
        aws.reset()
        events = _lake_events()
        net: Counter[str] = Counter()
        for event in events:
            if event["event_type"] == "article_liked":
                net[event["article_id"]] += 1
            elif event["event_type"] == "article_unliked":
                net[event["article_id"]] -= 1
        expected = Counter(article for article, _ in liked)
        per_article = {
            article_id: {
                "expected": expected[article_id],
                "like_count": selectors.article_like_count(article_id=article_id),
                "like_items": _like_items(article_id),
                "lake_net_likes": net[article_id],
            }
            for article_id in articles
        }
        ready = sum(ImageRepository().get(image_id).is_ready for image_id in uploads)
        published = sum(event["event_type"] == "article_published" for event in events)
        image_events = sum(event["event_type"] == "image_ready" for event in events)
    finally:
        _stop(process, kill=False)
    agree = all(len(set(row.values())) == 1 for row in per_article.values())
    summary = {
        "cycles": CYCLES,
        "starts": starts,
        "failed_starts": failures,
        "kills": kills,
        "repaired_recordings": repairs,
        "articles": per_article,
        "likes_agree": agree,
        "articles_published_events": published,
        "articles_published": len(articles),
        "uploads": len(uploads),
        "images_ready": ready,
        "image_ready_events": image_events,
        "start_seconds_first_last": [round(start_timings[0], 2), round(start_timings[-1], 2)],
        "start_and_drain_seconds_first_last": [round(timings[0], 2), round(timings[-1], 2)],
        "recording_bytes": recording.stat().st_size,
    }
    print(json.dumps(summary))
    ok = failures == 0 and agree and published == len(articles) and ready == image_events == len(uploads)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
