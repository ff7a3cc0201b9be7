"""A restart of ``make run``: the emulator replays its recording, the runner resumes from its file.

This starts a second, private emulator with a recording (as cloud/local/run.py does), stops it,
and starts it again from the recording: the table and its stream are recreated by the replay.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from cloud import aws
from cloud.local import bootstrap, emulator
from cloud.local.stream_runner import StreamRunner
from cloud.resources import ResourceNames

from .conftest import App, Lake


@pytest.fixture
def recorded_emulator(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    """Point the AWS clients at a private recording emulator; hand back a function that restarts it."""
    port = emulator.free_port()
    recording = tmp_path / "recording.jsonl"
    processes = [emulator.start(port, recording=recording)]
    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{port}")
    aws.reset()

    def restart() -> None:
        processes[-1].terminate()
        processes[-1].wait(timeout=10)
        processes.append(emulator.start(port, recording=recording))

    try:
        yield restart
    finally:
        processes[-1].terminate()
        processes[-1].wait(timeout=10)
        monkeypatch.undo()
        aws.reset()


def test_after_a_replay_the_runner_neither_loses_nor_repeats(
    recorded_emulator: object, tmp_path: Path
) -> None:
    names: ResourceNames = aws.names()._replace(
        table="replay-table", lake_bucket="replay-lake", firehose_stream="replay-events"
    )
    bootstrap.ensure_table(names)
    bootstrap.ensure_bucket(names.lake_bucket)
    bootstrap.ensure_firehose(names)
    lake, app = Lake(names), App(names.table)

    def stream_runner() -> StreamRunner:
        return StreamRunner(
            table=names.table,
            handler=lake.handler(),
            checkpoint_path=tmp_path / "cp.json",
            batching_window=0.1,
        )

    before = app.publish()
    app.like(before, visitor="v1")
    assert stream_runner().poll_once() > 0
    stream_arn = aws.client("dynamodb").describe_table(TableName=names.table)["Table"]["LatestStreamArn"]

    recorded_emulator()  # type: ignore[operator]  # stop; start again from the recording

    assert (
        aws.client("dynamodb").describe_table(TableName=names.table)["Table"]["LatestStreamArn"] != stream_arn
    )
    # The replay re-sent the recorded PutRecordBatch: the lake has the first events again, once.
    assert sorted(e["event_type"] for e in lake.events()) == ["article_liked", "article_published"]
    after = App(names.table).publish(title="After the restart")
    resumed = stream_runner()
    assert resumed.poll_once() > 0
    assert resumed.poll_once() == 0
    assert sorted((e["event_type"], e["article_id"]) for e in lake.events()) == sorted(
        [("article_published", before.id), ("article_liked", before.id), ("article_published", after.id)]
    )
