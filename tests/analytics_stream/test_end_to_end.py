"""End to end in the local stack: publish and like through the app -> the lake, within one runner pass.

The app writes to the shared table (the blog's own service and JSON API); the runner reads that
table's stream from where it stood when the test began (StartingPosition LATEST) and the handler
delivers to this test's private delivery stream, so the shared lake holds nothing of ours.
"""

from __future__ import annotations

import time
import uuid
from pathlib import Path

from django.test import Client

from accounts.identity import Identity
from blog import services
from cloud import aws
from cloud.local.stream_runner import StreamRunner
from cloud.resources import GROUP_AUTHORS

from .conftest import Lake
from .test_events import assert_matches_schema


def test_publish_and_like_through_the_app_reach_the_lake(lake: Lake, tmp_path: Path) -> None:
    runner = StreamRunner(
        table=aws.names().table,
        handler=lake.handler(),
        checkpoint_path=tmp_path / "cp.json",
        batching_window=0.2,
        starting_position="LATEST",
    )
    runner.poll_once()  # the mapping is in place before the app writes
    author = Identity(
        user_id="author", username="author", display_name="Arthur Author", groups=frozenset({GROUP_AUTHORS})
    )
    article = services.article_publish(
        author=author, title=f"Change capture {uuid.uuid4().hex[:8]}", body="Every change reaches the lake."
    )
    from blog.readers import like_page_token

    response = Client().post(
        f"/api/articles/{article.id}/like",
        HTTP_X_PAGE_TOKEN=like_page_token(article_id=article.id),
        HTTP_CLOUDFRONT_VIEWER_COUNTRY="JP",
        HTTP_CLOUDFRONT_IS_TABLET_VIEWER="true",
        HTTP_X_FORWARDED_FOR="203.0.113.7",
    )
    assert response.status_code == 200, response.content

    written = time.monotonic()
    runner.drain()
    seconds = time.monotonic() - written
    ours = [e for e in lake.events() if e["article_id"] == article.id]
    assert [e["event_type"] for e in ours] == ["article_published", "article_liked"]
    published, liked = ours
    assert (published["article_title"], published["author_name"]) == (article.title, "Arthur Author")
    assert (liked["country"], liked["device"]) == ("JP", "tablet")
    for event in ours:
        assert_matches_schema(event)
        assert "203.0.113.7" not in str(event)
    print(f"in the lake {seconds:.2f} s after the writes")  # a figure, not an assertion
