"""The production engine: Athena through pyathena, started now and polled later.

- The workgroup (``settings.ATHENA_WORKGROUP``) holds the results location and the bytes-scanned
  cutoff (infra/); the database is the Glue database, so report SQL names only ``events``.
- A request never waits for a slow query: ``run_start`` starts it and polls for at most
  ``START_WAIT_SECONDS`` (API Gateway gives up at 29 s); the caller polls ``run_get`` afterwards.
- Identical queries within ``RESULT_REUSE_MINUTES`` reuse Athena's stored results.
- The run id IS Athena's query execution id: the state lives in Athena, so any Lambda instance can
  answer a poll. The report and its parameters travel in a comment at the head of the query text
  (the same for identical runs, so result reuse still applies).
"""

from __future__ import annotations

import functools
import json
import logging
import re
import time
from datetime import UTC, datetime
from typing import Any

import pyathena
from django.conf import settings
from pyathena.async_cursor import AsyncCursor
from pyathena.converter import DefaultTypeConverter
from pyathena.error import Error as PyAthenaError
from pyathena.model import AthenaQueryExecution
from pyathena.result_set import AthenaResultSet

from analytics.engines.base import (
    ATHENA_TIME_LIMIT_SECONDS,
    Column,
    Query,
    QueryNotStarted,
    Run,
    RunLabel,
    RunNotFound,
    RunStatus,
)
from cloud import aws

logger = logging.getLogger(__name__)

START_WAIT_SECONDS = 3.0  # a finished (or reused) query answers at once; API Gateway allows 29 s
POLL_INTERVAL_SECONDS = 0.25
RESULT_REUSE_MINUTES = 60  # reports are about days: an hour-old answer is fresh enough
MAX_RESULT_ROWS = 1000  # reports are small; the console adds its own LIMIT

_STATES: dict[str, RunStatus] = {
    AthenaQueryExecution.STATE_QUEUED: "queued",
    AthenaQueryExecution.STATE_RUNNING: "running",
    AthenaQueryExecution.STATE_SUCCEEDED: "succeeded",
    AthenaQueryExecution.STATE_FAILED: "failed",
    AthenaQueryExecution.STATE_CANCELLED: "failed",
}
_LABEL = re.compile(r"\A/\* run (\{.*?\}) \*/\s*", re.DOTALL)
_EXECUTION_ID = re.compile(r"[A-Za-z0-9-]{1,128}")


def label_comment(label: RunLabel) -> str:
    """Return the comment that carries ``label`` in the query text (no ``*/`` can appear in JSON here)."""
    payload = json.dumps({"report": label.report, "parameters": label.parameters}, sort_keys=True)
    return "/* run " + payload.replace("*/", "* /") + " */\n"


def label_from_query(text: str) -> RunLabel:
    """Return the label at the head of a query text (a console query if there is none)."""
    match = _LABEL.match(text or "")
    if match is None:
        return RunLabel(report=None)
    try:
        data = json.loads(match.group(1))
        return RunLabel(report=data.get("report"), parameters=dict(data.get("parameters") or {}))
    except (ValueError, AttributeError):
        return RunLabel(report=None)


def _age_seconds(moment: datetime) -> float:
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return (datetime.now(UTC) - aware).total_seconds()


@functools.cache
def _connection(endpoint: str | None, region: str, work_group: str, database: str) -> Any:
    # boto3 reads AWS_ENDPOINT_URL itself; the arguments only key the cache.
    return pyathena.connect(
        work_group=work_group,
        schema_name=database,
        region_name=region,
        config=aws.CLIENT_CONFIG,
        result_reuse_enable=True,
        result_reuse_minutes=RESULT_REUSE_MINUTES,
    )


class AthenaEngine:
    name = "athena"

    def connection(self) -> Any:
        return _connection(
            aws.endpoint_url(), aws.region(), settings.ATHENA_WORKGROUP, aws.names().glue_database
        )

    def run_start(self, query: Query) -> Run:
        connection = self.connection()
        cursor = connection.cursor(AsyncCursor, poll_interval=POLL_INTERVAL_SECONDS)
        try:
            query_id, _future = cursor.execute(label_comment(query.label) + query.sql)
        except PyAthenaError as error:
            logger.warning("athena start failed", extra={"error": str(error)})
            raise QueryNotStarted(f"Athena did not start the query: {str(error)[:300]}") from error
        finally:
            # The query keeps running in Athena; only this cursor's local waiting stops.
            cursor.close(wait=False)
        deadline = time.monotonic() + START_WAIT_SECONDS
        while True:
            run = self.run_get(query_id)
            if run.finished or time.monotonic() >= deadline:
                return run
            time.sleep(POLL_INTERVAL_SECONDS)

    def _cancel(self, run_id: str) -> None:
        cursor = self.connection().cursor(AsyncCursor)
        try:
            cursor.cancel(run_id).result()
        except PyAthenaError as error:
            logger.warning("athena stop failed", extra={"run_id": run_id, "error": str(error)})
        finally:
            cursor.close(wait=False)

    def run_get(self, run_id: str) -> Run:
        if not _EXECUTION_ID.fullmatch(run_id):
            raise RunNotFound(f"No run {run_id!r}.")
        connection = self.connection()
        cursor = connection.cursor(AsyncCursor)
        try:
            execution = cursor.query_execution(run_id).result()
        except PyAthenaError as error:
            raise RunNotFound(f"No run {run_id!r}: {error}") from None
        finally:
            cursor.close(wait=False)
        status = _STATES.get(execution.state or "", "running")
        base: dict[str, Any] = {
            "id": run_id,
            "engine": self.name,
            "label": label_from_query(execution.query or ""),
            "status": status,
            "bytes_scanned": execution.data_scanned_in_bytes,
            "duration_ms": execution.total_execution_time_in_millis,
        }
        if status == "failed":
            return Run(**base, error=execution.state_change_reason or "The query failed.")
        if status != "succeeded":
            submitted = execution.submission_date_time
            if submitted is not None and _age_seconds(submitted) > ATHENA_TIME_LIMIT_SECONDS:
                # A runaway: stop it so it neither costs more nor holds the workgroup's concurrency.
                self._cancel(run_id)
                return Run(
                    **{**base, "status": "failed"},
                    error=f"The query ran for more than {ATHENA_TIME_LIMIT_SECONDS:g} s and was stopped.",
                )
            return Run(**base)
        result = AthenaResultSet(
            connection=connection,
            converter=DefaultTypeConverter(),
            query_execution=execution,
            arraysize=MAX_RESULT_ROWS,
            retry_config=connection.retry_config,
        )
        try:
            columns = tuple(Column(name=d[0], type=str(d[1]).lower()) for d in result.description or ())
            rows = tuple(tuple(row) for row in result.fetchmany(MAX_RESULT_ROWS))
        finally:
            result.close()
        return Run(**base, columns=columns, rows=rows)
