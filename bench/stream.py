"""Change capture: 10,000 DynamoDB stream records through the stream handler.

A realistic mix of what the table's stream carries (most records are noise: rate-limit counters,
slug and content guards, like counters), built with the blog repository's own item shapes.
Figures, all measured in this run:

- Firehose calls the handler makes for one 10,000-record invocation (the goal: every call but the
  last carries 500 records or reaches 4 MiB) and for the same records in invocations of 100 (the
  local runner's batch size, Lambda's default) — the mapping's BatchSize decides how full calls are;
- records/s through ``handle`` with a Firehose client that only records calls, and with the
  emulator's Firehose (a private moto server);
- the per-record transform (stream record -> event -> JSON line) as a ratio to ``json.dumps`` of the
  same record (the goal: <= 3x).

Run: ``python -m bench.stream``.
"""

from __future__ import annotations

import json
import os
import random
import time
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

from boto3.dynamodb.types import TypeSerializer

from analytics.events import event_from_record
from analytics.firehose import MAX_BYTES_PER_CALL, MAX_RECORDS_PER_CALL, json_line
from analytics.stream_handler import handle
from bench.stats import table, timings

RECORDS = 10_000
RUNS = 5
ARN = "arn:aws:dynamodb:us-east-1:123456789012:table/blog-bench-table/stream/2026-11-23T00:00:00.000"
TTL_IDENTITY = {"type": "Service", "principalId": "dynamodb.amazonaws.com"}
COUNTRIES = ("FR", "DE", "US", "JP", "BR", "IN", "GB", "ZZ")
DEVICES = ("desktop", "mobile", "mobile", "tablet", "unknown")
WORDS = ("serverless", "django", "lambda", "dynamodb", "stream", "firehose", "athena", "glue", "lake", "like")
_serializer = TypeSerializer()


def ddb(**values: Any) -> dict[str, Any]:
    """Return ``values`` as DynamoDB JSON, as the stream carries them."""
    return {name: _serializer.serialize(value) for name, value in values.items()}


class Mix:
    """Stream records for a day of blog traffic, in the item shapes of blog/ and uploads/."""

    def __init__(self, seed: int = 4) -> None:
        self.rng = random.Random(seed)
        self.sequence = 4421584500000000017450439000
        self.now = datetime(2026, 11, 23, tzinfo=UTC)
        self.articles: list[dict[str, Any]] = []
        self.likes: list[dict[str, Any]] = []

    def uid(self) -> str:
        return uuid.UUID(int=self.rng.getrandbits(128)).hex

    def stamp(self) -> str:
        return self.now.strftime("%Y-%m-%dT%H:%M:%S.%fZ")

    def record(
        self, name: str, *, new: dict | None = None, old: dict | None = None, ttl: bool = False
    ) -> dict:
        self.sequence += 1
        self.now += timedelta(seconds=self.rng.random() * 8)
        image = new or old or {}
        change: dict[str, Any] = {
            "ApproximateCreationDateTime": int(self.now.timestamp()),
            "Keys": {"pk": image["pk"], "sk": image["sk"]},
            "SequenceNumber": str(self.sequence),
            "StreamViewType": "NEW_AND_OLD_IMAGES",
        }
        if new is not None:
            change["NewImage"] = new
        if old is not None:
            change["OldImage"] = old
        change["SizeBytes"] = len(json.dumps(change))
        record = {
            "eventID": self.uid(),
            "eventName": name,
            "eventVersion": "1.1",
            "eventSource": "aws:dynamodb",
            "awsRegion": "us-east-1",
            "dynamodb": change,
            "eventSourceARN": ARN,
        }
        if ttl:
            record["userIdentity"] = TTL_IDENTITY
        return record

    def words(self, count: int) -> str:
        return " ".join(self.rng.choice(WORDS) for _ in range(count))

    def publish(self) -> list[dict[str, Any]]:
        article_id, stamp, title = self.uid(), self.stamp(), self.words(6).title()
        body = "\n\n".join(self.words(80) for _ in range(self.rng.randint(3, 12)))  # 2-7 KB of Markdown
        expires = int(self.now.timestamp()) + 30 * 86400
        item = ddb(
            pk=f"ARTICLE#{article_id}",
            sk="ARTICLE",
            entity="article",
            id=article_id,
            slug=title.lower().replace(" ", "-"),
            title=title,
            body=body,
            excerpt=body[:200],
            author_id="author",
            author_name="Arthur Author",
            published_at=stamp,
            updated_at=stamp,
            expires_at=expires,
            like_count=0,
            gsi1pk="ARTICLE",
            gsi1sk=f"{stamp}#{article_id}",
            gsi2pk="USER#author",
            gsi2sk=f"ARTICLE#{stamp}",
        )
        self.articles.append(item)
        slug = ddb(
            pk=f"SLUG#{article_id}", sk="SLUG", entity="slug", article_id=article_id, expires_at=expires
        )
        content = ddb(pk=f"CONTENT#{article_id}", sk="CONTENT", entity="content", article_id=article_id)
        return [
            self.record("INSERT", new=item),
            self.record("INSERT", new=slug),
            self.record("INSERT", new=content),
        ]

    def count(self, article: dict[str, Any], delta: int) -> dict[str, Any]:
        index = self.articles.index(article)
        new = {**article, "like_count": {"N": str(int(article["like_count"]["N"]) + delta)}}
        self.articles[index] = new
        return self.record("MODIFY", new=new, old=article)

    def rate(self, visitor: str) -> dict[str, Any]:
        window = str(int(self.now.timestamp()) // 60)
        return self.record("INSERT", new=ddb(pk=f"RATE#like#{visitor}", sk=window, entity="rate", hits=1))

    def like(self) -> list[dict[str, Any]]:
        article = self.rng.choice(self.articles)
        visitor = self.uid()
        item = {
            "pk": article["pk"],
            **ddb(sk=f"LIKE#{visitor}", entity="like", visitor_hash=visitor, created_at=self.stamp()),
            "article_id": article["id"],
            "article_title": article["title"],
            "author_id": article["author_id"],
            "author_name": article["author_name"],
            **ddb(country=self.rng.choice(COUNTRIES), device=self.rng.choice(DEVICES)),
            "expires_at": article["expires_at"],
        }
        self.likes.append(item)
        return [self.rate(visitor), self.record("INSERT", new=item), self.count(article, +1)]

    def unlike(self) -> list[dict[str, Any]]:
        item = self.likes.pop(self.rng.randrange(len(self.likes)))
        article = next(a for a in self.articles if a["pk"] == item["pk"])
        return [
            self.rate(item["visitor_hash"]["S"]),
            self.record("REMOVE", old=item),
            self.count(article, -1),
        ]

    def edit(self) -> list[dict[str, Any]]:
        index = self.rng.randrange(len(self.articles))
        old = self.articles[index]
        new = {**old, **ddb(title=self.words(6).title(), updated_at=self.stamp())}
        self.articles[index] = new
        return [self.record("MODIFY", new=new, old=old)]

    def image(self) -> list[dict[str, Any]]:
        image_id, stamp = self.uid(), self.stamp()
        processing = ddb(
            pk=f"IMAGE#{image_id}",
            sk="IMAGE",
            entity="image",
            id=image_id,
            owner_id="author",
            owner_name="Arthur Author",
            status="processing",
            original_key=f"uploads/raw/author/{image_id}",
            created_at=stamp,
            updated_at=stamp,
        )
        renditions = [
            {
                "width": w,
                "height": w // 2,
                "format": "webp",
                "bytes": w * 30,
                "key": f"renditions/{image_id}/{w}",
            }
            for w in (320, 640, 1280)
        ]
        if self.rng.random() < 0.8:
            outcome = ddb(status="ready", width=1600, height=900, bytes=245760, renditions=renditions)
        else:
            outcome = ddb(status="failed", error="not an image")
        done = {**processing, **outcome}
        return [self.record("INSERT", new=processing), self.record("MODIFY", new=done, old=processing)]

    def expire(self) -> list[dict[str, Any]]:
        """TTL deletes an article and, in the same sweep, its likes."""
        article = self.articles.pop(self.rng.randrange(len(self.articles)))
        likes = [like for like in self.likes if like["pk"] == article["pk"]]
        self.likes = [like for like in self.likes if like["pk"] != article["pk"]]
        return [self.record("REMOVE", old=article, ttl=True)] + [
            self.record("REMOVE", old=like, ttl=True) for like in likes
        ]

    def records(self, count: int) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        while len(self.articles) < 20:
            out.extend(self.publish())
        actions = {
            self.like: 70,
            self.unlike: 8,
            self.publish: 8,
            self.edit: 4,
            self.image: 6,
            self.expire: 1,
        }
        while len(out) < count:
            (action,) = self.rng.choices(list(actions), weights=list(actions.values()))
            if (action == self.unlike and not self.likes) or (
                action == self.expire and len(self.articles) < 20
            ):
                continue
            out.extend(action())
        return out[:count]


class RecordingFirehose:
    """A Firehose client that accepts everything and remembers each call's size."""

    def __init__(self) -> None:
        self.calls: list[tuple[int, int]] = []

    def put_record_batch(self, *, DeliveryStreamName: str, Records: list[dict[str, bytes]]) -> dict[str, Any]:
        self.calls.append((len(Records), sum(len(r["Data"]) for r in Records)))
        return {"FailedPutCount": 0, "RequestResponses": [{"RecordId": "r"} for _ in Records]}


def full_calls(calls: list[tuple[int, int]], record_bytes: int) -> bool:
    """Say whether every call but the last carries 500 records or could not take one more record."""
    return all(
        n == MAX_RECORDS_PER_CALL or size + record_bytes > MAX_BYTES_PER_CALL for n, size in calls[:-1]
    )


def best(fn: Any) -> float:
    return min(timings(fn, repeat=RUNS, warmup=0))


def transform(records: list[dict[str, Any]]) -> None:
    for record in records:
        event = event_from_record(record)
        if event is not None:
            json_line(event)


def baseline(records: list[dict[str, Any]]) -> None:
    for record in records:
        json.dumps(record)


def emulator_run(records: list[dict[str, Any]]) -> tuple[float, int]:
    """Time the handler against a private emulator's Firehose; return (seconds, objects written)."""

    from cloud import aws
    from cloud.local import bootstrap, emulator

    port = emulator.free_port()
    saved = dict(os.environ)
    # A private emulator on a free port: any credentials do, never a developer's real ones.
    os.environ.update({"AWS_ENDPOINT_URL": f"http://127.0.0.1:{port}", "AWS_ACCESS_KEY_ID": "bench"})
    os.environ.update({"AWS_SECRET_ACCESS_KEY": "bench", "AWS_REGION": saved.get("AWS_REGION", "us-east-1")})
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN"):
        os.environ.pop(name, None)
    aws.reset()
    process = emulator.start(port)
    try:
        names = aws.names()._replace(lake_bucket="bench-lake", firehose_stream="bench-events")
        bootstrap.ensure_bucket(names.lake_bucket)
        bootstrap.ensure_firehose(names)
        client = aws.client("firehose")
        started = time.perf_counter()
        answer = handle({"Records": records}, None, firehose=client, stream_name=names.firehose_stream)
        elapsed = time.perf_counter() - started
        assert answer == {"batchItemFailures": []}, answer
        objects = aws.client("s3").list_objects_v2(Bucket=names.lake_bucket).get("KeyCount", 0)
        return elapsed, objects
    finally:
        process.terminate()
        process.wait(timeout=10)
        os.environ.clear()
        os.environ.update(saved)  # the next benchmark in `make bench` finds the environment it had
        aws.reset()


def main() -> None:
    records = Mix().records(RECORDS)
    events = [e for e in map(event_from_record, records) if e is not None]
    kinds = Counter(e["event_type"] for e in events)
    print(f"{len(records)} stream records -> {len(events)} events")
    print("  " + ", ".join(f"{kind} {n}" for kind, n in sorted(kinds.items())))
    largest_line = max(len(json_line(e)) for e in events)

    one = RecordingFirehose()
    handle({"Records": records}, None, firehose=one, stream_name="bench")
    small = RecordingFirehose()
    for start in range(0, len(records), 100):
        handle({"Records": records[start : start + 100]}, None, firehose=small, stream_name="bench")
    rows: list[tuple[object, ...]] = []
    for label, recorder in (("one invocation of 10,000", one), ("100 invocations of 100", small)):
        sizes = [n for n, _ in recorder.calls]
        full = "yes" if full_calls(recorder.calls, largest_line) else "NO"
        shown = " ".join(map(str, sizes)) if len(sizes) <= 12 else f"{min(sizes)}..{max(sizes)}"
        rows.append((label, len(sizes), shown, full))
    print()
    print(table(rows, ("records per invocation", "Firehose calls", "records per call", "all but last full")))

    handler_seconds = best(
        lambda: handle({"Records": records}, None, firehose=RecordingFirehose(), stream_name="b")
    )
    transform_seconds = best(lambda: transform(records))
    dumps_seconds = best(lambda: baseline(records))
    likes = [r for r in records if r["dynamodb"].get("NewImage", {}).get("entity") == {"S": "like"}]
    like_ratio = best(lambda: transform(likes)) / best(lambda: baseline(likes))
    per_record = 1e6 / len(records)
    print()
    print(f"handler, recording client: {len(records) / handler_seconds:,.0f} records/s")
    print(f"transform (record -> event -> JSON line): {transform_seconds * per_record:.1f} us/record")
    print(f"baseline json.dumps(record):             {dumps_seconds * per_record:.1f} us/record")
    print(f"ratio transform / json.dumps: {transform_seconds / dumps_seconds:.2f}x over the mix (goal <= 3x)")
    print(f"ratio on like records only:   {like_ratio:.2f}x")

    seconds, objects = emulator_run(records)
    rate = len(records) / seconds
    print(f"handler, emulator's Firehose: {rate:,.0f} records/s ({objects} lake objects written)")


if __name__ == "__main__":
    main()
