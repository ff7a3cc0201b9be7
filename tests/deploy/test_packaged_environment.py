"""The packaged environment: what the trimmed package still does, run from the unzipped package only.

Each test calls the packaged handler (``cloud.lambda_handlers.lambda_handler``) in a fresh interpreter
that sees only the standard library and the unpacked zip (tools/package_run.py), with the function's
production environment, against the emulator holding production-named resources. Together they cover
what tools/package_trim.py deletes: an article page (Markdown, Pygments, dates in English), every
image format uploads accept through the upload handler, and the stream handler (test_package.py);
and the site under the stage prefix on the API's execute-api host.
"""

from __future__ import annotations

import io
import json
import re
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import quote_plus

from PIL import Image

from cloud import aws
from cloud.local.lambda_runtime import api_gateway_event, response_body
from cloud.resources import ResourceNames
from tools import package_run
from tools.package_trim import UNUSED_IN_PRODUCTION
from uploads.domain import STATUS_PROCESSING, STATUS_READY, ImageRecord, raw_key
from uploads.renditions import ACCEPTED_FORMATS
from uploads.repository import ImageRepository

from .conftest import BuiltPackage
from .page_urls import page_urls, root_relative_without

EVENTS = Path(__file__).resolve().parents[1] / "events"
PRODUCTION = ResourceNames.for_prefix("blog-production")

# Zappa's ``raw_command`` runs Python inside the function: an author publishes an article with a
# highlighted code fence (the page request that follows renders it).
PUBLISH = """
import os, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()
from accounts.identity import Identity
from blog.services import article_publish
author = Identity(user_id="ann", username="ann", display_name="Ann", groups=frozenset({"authors"}))
body = "Some *prose* first.\\n\\n```python\\ndef answer():\\n    return 42\\n```\\n"
article_publish(author=author, title=TITLE, body=body)
"""


def _run(built_package: BuiltPackage, env: dict[str, str], events: list[dict[str, Any]]) -> dict[str, Any]:
    return package_run.run_events(built_package.unpacked, events, env=env)


def test_what_the_trim_rules_delete_is_not_in_the_package(built_package: BuiltPackage) -> None:
    task = built_package.unpacked
    for pattern, reason in UNUSED_IN_PRODUCTION:
        assert not list(task.glob(pattern)), (pattern, reason)
    # What the rules must leave: English formats, the dummy database backend, Zappa's handler side.
    for kept in (
        "django/conf/locale/en/formats.py",
        "django/conf/locale/__init__.py",
        "django/db/backends/dummy/base.py",
        "zappa/handler.py",
        "zappa/wsgi.py",
        "zappa/utilities.py",
        "PIL/_webp.cpython-312-x86_64-linux-gnu.so",
        "PIL/_imagingcms.cpython-312-x86_64-linux-gnu.so",
    ):
        assert (task / kept).is_file(), kept


def test_packaged_article_page_renders_markdown_highlighted_code_and_dates(
    built_package: BuiltPackage, lambda_environment: dict[str, str]
) -> None:
    title = f"Packaged page {uuid.uuid4().hex[:8]}"
    slug = title.lower().replace(" ", "-")
    host = {"Host": package_run.SMOKE_HOST}
    run = _run(
        built_package,
        lambda_environment,
        [
            {"raw_command": PUBLISH.replace("TITLE", repr(title))},
            api_gateway_event("GET", f"/articles/{slug}/", headers=host),
            api_gateway_event("GET", "/feed.atom", headers=host),
        ],
    )
    published, page, feed = run["answers"]
    assert published == {"result": None}, (published, run["stderr"][-3000:])
    assert page["result"]["statusCode"] == 200, page
    html = response_body(page["result"]).decode()
    assert title in html
    assert "<em>prose</em>" in html
    assert '<span class="k">def</span>' in html  # Pygments' Python lexer, classes only
    assert '<span class="mi">42</span>' in html
    assert re.search(r'<time datetime="[^"]+">\d{1,2} [A-Z][a-z]{2} \d{4}</time>', html)  # "2 Dec 2026"
    assert feed["result"]["statusCode"] == 200, feed
    assert f"/articles/{slug}/" in response_body(feed["result"]).decode()
    assert run["modules_from_outside"] == []


def _image_bytes(fmt: str) -> bytes:
    buffer = io.BytesIO()
    image = Image.linear_gradient("L").resize((640, 480)).convert("RGB")
    image.save(buffer, fmt)
    return buffer.getvalue()


def _upload_event(key: str) -> dict[str, Any]:
    notification = json.loads((EVENTS / "s3-object-created.json").read_text())
    record = notification["Records"][0]
    record["s3"]["bucket"]["name"] = PRODUCTION.media_bucket
    record["s3"]["object"]["key"] = quote_plus(key)
    event = json.loads((EVENTS / "sqs-s3-notification.json").read_text())
    event["Records"][0]["eventSourceARN"] = f"arn:aws:sqs:us-east-1:123456789012:{PRODUCTION.upload_queue}"
    event["Records"][0]["messageId"] = uuid.uuid4().hex
    event["Records"][0]["body"] = json.dumps(notification)
    return event


def test_packaged_upload_handler_makes_renditions_of_every_accepted_format(
    built_package: BuiltPackage, lambda_environment: dict[str, str]
) -> None:
    repository = ImageRepository(table=PRODUCTION.table)
    s3 = aws.client("s3")
    records = []
    for fmt in ACCEPTED_FORMATS:
        image_id = uuid.uuid4().hex
        filename = f"photo.{fmt.lower()}"
        key = raw_key(owner_id="ann", image_id=image_id, filename=filename)
        record = ImageRecord(
            id=image_id,
            owner_id="ann",
            owner_name="Ann",
            original_key=key,
            filename=filename,
            content_type=f"image/{fmt.lower()}",
            status=STATUS_PROCESSING,
            created_at="2026-12-01T00:00:00.000+00:00",
            updated_at="2026-12-01T00:00:00.000+00:00",
        )
        repository.create(record)
        s3.put_object(Bucket=PRODUCTION.media_bucket, Key=key, Body=_image_bytes(fmt))
        records.append(record)
    run = _run(built_package, lambda_environment, [_upload_event(r.original_key) for r in records])
    for fmt, record, answer in zip(ACCEPTED_FORMATS, records, run["answers"], strict=True):
        assert answer == {"result": {"batchItemFailures": []}}, (fmt, answer, run["stderr"][-3000:])
        stored = repository.get(record.id)
        assert stored.status == STATUS_READY, (fmt, stored.error)
        assert {info.format for info in stored.renditions} >= {"webp"}, fmt
        for info in stored.renditions:
            assert s3.head_object(Bucket=PRODUCTION.media_bucket, Key=info.key)["ContentLength"] == info.bytes


def test_packaged_handler_serves_the_site_under_the_stage_on_the_execute_api_host(
    built_package: BuiltPackage, lambda_environment: dict[str, str]
) -> None:
    api_host = {"Host": package_run.SMOKE_API_HOST}
    home_event = api_gateway_event("GET", "/", headers=api_host)
    (home,) = _run(built_package, lambda_environment, [home_event])["answers"]
    assert home["result"]["statusCode"] == 200, home
    found = page_urls(response_body(home["result"]).decode())
    assert found.root == "/production/"  # static/js builds its fetch and beacon URLs on it
    assert root_relative_without("/production", found.urls) == []
    hashed_css = next(url for _, _, url in found.urls if url.endswith(".css"))
    assert hashed_css.startswith("/production/static/css/site.")
    # API Gateway sends the path without the stage; WhiteNoise finds the hashed file by it.
    (css,) = _run(
        built_package,
        lambda_environment,
        [api_gateway_event("GET", hashed_css.removeprefix("/production"), headers=api_host)],
    )["answers"]
    assert css["result"]["statusCode"] == 200, css
