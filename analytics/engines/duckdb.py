"""The local engine: the lake's objects, found through the Glue catalog, queried by DuckDB.

For each run:

1. ``glue:GetTable`` says where the table lives, its columns and types, its format (from the
   SerDe) and its partition keys;
2. the objects under the location are listed (S3, the emulator locally; a listing is reused for
   ``LISTING_TTL_SECONDS``) and only those whose ``dt`` partition (read from the key,
   ``analytics.lake.partition_from_key``) the query needs are kept;
3. objects not seen before (by key and ETag) are downloaded (boto3, in parallel), parsed with
   pyarrow with the Glue columns, and appended to an in-memory DuckDB table, so a process reads
   each object once (DuckDB's httpfs cannot be installed here);
4. a view with the table's name (in ``main`` and in a schema named like the Glue database) shows
   the kept partitions, and the SQL, transpiled from Athena's dialect by sqlglot, runs on it.

The DuckDB database has no file, network or extension access (``enable_external_access``), so
a console SELECT cannot read local files or environment. Everything loaded stays in memory for the
life of the process: fine for a developer's lake, not meant for a big one.

Runs finish synchronously. They are kept in this process's memory (the last ``KEPT_RUNS``),
keyed by a random run id: enough for a developer's machine, where there is one process.
"""

from __future__ import annotations

import functools
import io
import logging
import threading
import time
import uuid
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.json as pa_json
import pyarrow.parquet as pq
import sqlglot

from analytics.engines.base import Column, Query, Run, RunNotFound
from analytics.lake import key_ranges as lake_key_ranges
from analytics.lake import partition_from_key
from analytics.reports.parameters import DateRange
from cloud import aws

logger = logging.getLogger(__name__)

# Firehose itself holds records up to 60 s before writing them, so a listing a few seconds old hides
# nothing the pipeline has not delayed longer; listing thousands of objects costs more than a query.
LISTING_TTL_SECONDS = 5.0
KEPT_LISTINGS = 64  # one per date range asked recently
FETCH_ROWS = 500  # rows fetched at a time while the result's size is counted
KEPT_RUNS = 200  # the page polls a run right after it starts; older runs can be run again
DOWNLOAD_THREADS = 8  # S3 GETs overlap their latency; the emulator answers them in parallel

# Glue (Hive) types -> DuckDB types. Anything else is refused rather than guessed.
_SIMPLE_TYPES = {
    "string": "VARCHAR",
    "varchar": "VARCHAR",
    "char": "VARCHAR",
    "timestamp": "TIMESTAMP",
    "date": "DATE",
    "bigint": "BIGINT",
    "int": "INTEGER",
    "integer": "INTEGER",
    "smallint": "SMALLINT",
    "tinyint": "TINYINT",
    "double": "DOUBLE",
    "float": "FLOAT",
    "boolean": "BOOLEAN",
}

_ARROW_TYPES = {
    "VARCHAR": pa.string(),
    "BIGINT": pa.int64(),
    "INTEGER": pa.int32(),
    "SMALLINT": pa.int16(),
    "TINYINT": pa.int8(),
    "DOUBLE": pa.float64(),
    "FLOAT": pa.float32(),
    "BOOLEAN": pa.bool_(),
}

# DuckDB result types -> the names Athena reports, so both engines describe columns alike.
_ATHENA_NAMES = {
    "VARCHAR": "varchar",
    "BIGINT": "bigint",
    "HUGEINT": "bigint",
    "INTEGER": "integer",
    "SMALLINT": "smallint",
    "TINYINT": "tinyint",
    "DOUBLE": "double",
    "FLOAT": "real",
    "BOOLEAN": "boolean",
    "DATE": "date",
    "TIMESTAMP": "timestamp",
}


class LakeError(RuntimeError):
    """The Glue table or its objects cannot be read."""


class ResultTooLarge(RuntimeError):
    """A run's rows are over its result-size cap."""


@dataclass(frozen=True)
class TableSpec:
    database: str
    name: str
    bucket: str
    prefix: str
    columns: tuple[tuple[str, str], ...]  # (name, DuckDB type)
    partition_keys: tuple[str, ...]
    fmt: str  # json | parquet


@dataclass(frozen=True)
class LakeObject:
    key: str
    etag: str
    size: int
    dt: str | None


def duckdb_type(glue_type: str) -> str:
    """Return the DuckDB type for a Glue column type; raise ``LakeError`` for one we do not read."""
    lowered = glue_type.strip().lower()
    if lowered.startswith("decimal"):
        return lowered.upper()
    if lowered.startswith(("varchar(", "char(")):
        return "VARCHAR"
    try:
        return _SIMPLE_TYPES[lowered]
    except KeyError:
        raise LakeError(f"the Glue type {glue_type!r} is not supported by the local engine") from None


def table_format(table: dict[str, Any]) -> str:
    """Return "json" or "parquet" from a Glue table's SerDe (or its classification)."""
    descriptor = table.get("StorageDescriptor", {})
    library = descriptor.get("SerdeInfo", {}).get("SerializationLibrary", "").lower()
    classification = table.get("Parameters", {}).get("classification", "").lower()
    if "parquet" in library or classification == "parquet":
        return "parquet"
    if "json" in library or classification == "json":
        return "json"
    raise LakeError(f"the table's format ({library or classification or 'none'}) is neither JSON nor Parquet")


def table_spec_from_glue(table: dict[str, Any], *, database: str) -> TableSpec:
    """Return what the engine needs from a Glue ``GetTable`` answer's ``Table``."""
    descriptor = table["StorageDescriptor"]
    location = descriptor["Location"]
    if not location.startswith("s3://"):
        raise LakeError(f"the table's location is not in S3: {location}")
    bucket, _, prefix = location[len("s3://") :].partition("/")
    if prefix and not prefix.endswith("/"):
        prefix += "/"
    return TableSpec(
        database=database,
        name=table["Name"],
        bucket=bucket,
        prefix=prefix,
        columns=tuple((c["Name"], duckdb_type(c["Type"])) for c in descriptor["Columns"]),
        partition_keys=tuple(k["Name"] for k in table.get("PartitionKeys", [])),
        fmt=table_format(table),
    )


def object_partition(key: str) -> str | None:
    try:
        return partition_from_key(key)
    except ValueError:
        return None


def objects_in(objects: list[LakeObject], partitions: DateRange | None) -> list[LakeObject]:
    """Return the objects a query over ``partitions`` reads (all when None; none without a ``dt``)."""
    if partitions is None:
        return objects
    return [o for o in objects if o.dt is not None and partitions.contains(date.fromisoformat(o.dt))]


def key_ranges(prefix: str, partitions: DateRange | None) -> list[tuple[str | None, str | None]]:
    """Return the listing's key bounds for ``partitions`` (``analytics.lake.key_ranges``); None: all."""
    return (
        [(None, None)] if partitions is None else lake_key_ranges(prefix, partitions.first, partitions.last)
    )


@functools.lru_cache(maxsize=256)
def transpile(sql: str) -> str:
    """Return Athena-dialect ``sql`` in DuckDB's dialect."""
    return sqlglot.transpile(sql, read="athena", write="duckdb")[0]


# Identifiers in the SQL built below come from the Glue catalog (our own infra) and are quoted;
# values are bound as parameters or are dates we formatted; hence the S608 waivers.
def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class _Mirror:
    """One Glue table's objects, loaded once each into an in-memory DuckDB table."""

    def __init__(self, connection: duckdb.DuckDBPyConnection, spec: TableSpec, table: str) -> None:
        self.connection = connection
        self.spec = spec
        self.table = table
        self.loaded: dict[str, str] = {}  # key -> ETag
        columns = ", ".join(f"{_quote(n)} {t}" for n, t in spec.columns)
        connection.execute(f"CREATE TABLE {table} ({columns}, dt VARCHAR, _key VARCHAR)")
        # JSON is parsed by pyarrow; timestamps, dates and decimals as text, which DuckDB then casts
        # (it reads ISO-8601 with 'Z' or an offset, and Athena's 'yyyy-MM-dd HH:mm:ss').
        self._arrow_schema = pa.schema([(n, _ARROW_TYPES.get(t, pa.string())) for n, t in spec.columns])

    def sync(self, s3: Any, wanted: list[LakeObject], partitions: DateRange | None) -> None:
        """Make the table hold exactly the ``wanted`` objects' rows within ``partitions``."""
        wanted_keys = {o.key: o.etag for o in wanted}
        stale = [
            key
            for key, etag in self.loaded.items()
            if wanted_keys.get(key, etag) != etag or (key not in wanted_keys and self._in(partitions, key))
        ]
        if stale:
            self.connection.execute(f"DELETE FROM {self.table} WHERE _key IN (SELECT unnest(?))", [stale])  # noqa: S608
            for key in stale:
                del self.loaded[key]
        missing = [o for o in wanted if o.key not in self.loaded]
        if missing:
            self._load(s3, missing)

    @staticmethod
    def _in(partitions: DateRange | None, key: str) -> bool:
        if partitions is None:
            return True
        dt = object_partition(key)
        return dt is not None and partitions.contains(date.fromisoformat(dt))

    def _load(self, s3: Any, objects: list[LakeObject]) -> None:
        """Download ``objects`` (in parallel), parse them with pyarrow and append their rows."""

        def fetch(obj: LakeObject) -> pa.Table | None:
            body = s3.get_object(Bucket=self.spec.bucket, Key=obj.key)["Body"].read()
            try:
                table = self._parse(body)
            except (pa.ArrowInvalid, OSError) as error:
                raise LakeError(
                    f"the lake object {obj.key} is not {self.spec.fmt} of the table's columns: {error}"
                ) from error
            if table is None:
                return None
            return table.append_column("dt", pa.array([obj.dt] * table.num_rows, pa.string())).append_column(
                "_key", pa.array([obj.key] * table.num_rows, pa.string())
            )

        with ThreadPoolExecutor(max_workers=DOWNLOAD_THREADS) as pool:
            tables = [t for t in pool.map(fetch, objects) if t is not None]
        if tables:
            casts = ", ".join(f"CAST({_quote(n)} AS {t})" for n, t in self.spec.columns)
            self.connection.register("_incoming", pa.concat_tables(tables))
            try:
                self.connection.execute(
                    f"INSERT INTO {self.table} SELECT {casts}, dt, _key FROM _incoming"  # noqa: S608
                )
            finally:
                self.connection.unregister("_incoming")
        for obj in objects:
            self.loaded[obj.key] = obj.etag

    def _parse(self, body: bytes) -> pa.Table | None:
        """Return an object's rows with the table's columns (strings where DuckDB casts), or None if empty."""
        if not body.strip():
            return None
        if self.spec.fmt == "json":
            options = pa_json.ParseOptions(
                explicit_schema=self._arrow_schema, unexpected_field_behavior="ignore"
            )
            return pa_json.read_json(io.BytesIO(body), parse_options=options)
        table = pq.read_table(io.BytesIO(body))
        present = set(table.column_names)
        return pa.table(
            {
                name: table.column(name) if name in present else pa.nulls(table.num_rows)
                for name, _ in self.spec.columns
            }
        )

    def view_body(self, partitions: DateRange | None) -> str:
        """Return the SELECT a run's view of the Glue table is: the rows of ``partitions``."""
        names = ", ".join(_quote(n) for n, _ in self.spec.columns)
        where = ""
        if partitions is not None:
            lower = f"dt >= '{partitions.first.isoformat()}' AND " if partitions.first else ""
            where = f" WHERE {lower}dt <= '{partitions.last.isoformat()}'"
        return f"SELECT {names}, dt FROM {self.table}{where}"  # noqa: S608


def unqualified(sql: str, *, database: str) -> str:
    """Return Athena ``sql`` with ``<database>.<table>`` as ``<table>`` (a run's view is a temp view)."""
    from sqlglot import exp

    tree = sqlglot.parse_one(sql, read="athena")
    for table in tree.find_all(exp.Table):
        if table.db == database and not table.catalog:
            table.set("db", None)
    return tree.sql(dialect="athena")


class DuckDBEngine:
    """Run Athena SQL locally on DuckDB over the lake's objects (see the module's docstring)."""

    name = "duckdb"

    def __init__(self) -> None:
        # Guards the mirrors and listings (loading objects); queries themselves run outside it, each
        # on its own cursor, so a long console query does not hold up a report or a `select 1`.
        self._lock = threading.Lock()
        # No file, network or extension access from SQL: the console's SELECT cannot read local
        # files (read_csv('/etc/passwd')) or write any. Objects come in as Arrow tables instead.
        self._connection = duckdb.connect(":memory:", config={"enable_external_access": False})
        self._mirrors: dict[TableSpec, _Mirror] = {}
        self._runs: OrderedDict[str, Run] = OrderedDict()
        self._listings: dict[tuple[TableSpec, DateRange | None], tuple[float, list[LakeObject]]] = {}

    def table_spec(self) -> TableSpec:
        names = aws.names()
        try:
            table = aws.client("glue").get_table(
                DatabaseName=names.glue_database, Name=names.glue_events_table
            )
        except Exception as error:
            raise LakeError(
                f"the Glue table {names.glue_database}.{names.glue_events_table} is unreadable: {error}"
            ) from error
        return table_spec_from_glue(table["Table"], database=names.glue_database)

    def lake_objects(self, spec: TableSpec, partitions: DateRange | None = None) -> list[LakeObject]:
        """Return the objects under the table's location that may hold ``partitions`` (all when None).

        A listing is reused for ``LISTING_TTL_SECONDS`` (see there why).
        """
        cache_key = (spec, partitions)
        listed_at, objects = self._listings.get(cache_key, (0.0, []))
        if time.monotonic() - listed_at < LISTING_TTL_SECONDS:
            return objects
        objects = [
            o
            for start_after, stop_at in key_ranges(spec.prefix, partitions)
            for o in self._list(spec, start_after=start_after, stop_at=stop_at)
        ]
        if len(self._listings) >= KEPT_LISTINGS:
            self._listings.clear()
        self._listings[cache_key] = (time.monotonic(), objects)
        return objects

    def _list(self, spec: TableSpec, *, start_after: str | None, stop_at: str | None) -> list[LakeObject]:
        paginator = aws.client("s3").get_paginator("list_objects_v2")
        extra = {"StartAfter": start_after} if start_after else {}
        objects: list[LakeObject] = []
        for page in paginator.paginate(Bucket=spec.bucket, Prefix=spec.prefix, **extra):
            for item in page.get("Contents", []):
                key = item["Key"]
                if stop_at is not None and key >= stop_at:
                    return objects
                if key.endswith("/"):
                    continue
                objects.append(
                    LakeObject(key=key, etag=item["ETag"], size=item["Size"], dt=object_partition(key))
                )
        return objects

    def _mirror(self, spec: TableSpec) -> _Mirror:
        mirror = self._mirrors.get(spec)
        if mirror is None:
            mirror = _Mirror(self._connection, spec, f"lake_{len(self._mirrors)}")
            self._mirrors[spec] = mirror
        return mirror

    def run_start(self, query: Query) -> Run:
        run_id = uuid.uuid4().hex
        started = time.perf_counter()
        try:
            with self._lock:
                spec = self.table_spec()
                wanted = objects_in(self.lake_objects(spec, query.partitions), query.partitions)
                mirror = self._mirror(spec)
                mirror.sync(aws.client("s3"), wanted, query.partitions)
                body = mirror.view_body(query.partitions)
            columns, rows = self._execute(
                query, view=f"CREATE TEMP VIEW {_quote(spec.name)} AS {body}", database=spec.database
            )
        except (duckdb.Error, LakeError, sqlglot.errors.SqlglotError, ResultTooLarge) as error:
            logger.warning("duckdb run failed", extra={"run_id": run_id, "error": str(error)})
            message = str(error).strip().splitlines()[0][:500] if str(error).strip() else type(error).__name__
            if isinstance(error, duckdb.InterruptException):
                message = f"The query ran for more than {query.time_limit_seconds:g} s and was stopped."
            run = Run(
                id=run_id,
                engine=self.name,
                label=query.label,
                status="failed",
                error=message,
                duration_ms=round((time.perf_counter() - started) * 1000),
            )
        else:
            run = Run(
                id=run_id,
                engine=self.name,
                label=query.label,
                status="succeeded",
                columns=columns,
                rows=rows,
                # What Athena would read of this lake: every byte of every object in the partitions.
                bytes_scanned=sum(o.size for o in wanted),
                duration_ms=round((time.perf_counter() - started) * 1000),
            )
        self._keep(run)
        return run

    def _execute(
        self, query: Query, *, view: str, database: str
    ) -> tuple[tuple[Column, ...], tuple[tuple[Any, ...], ...]]:
        """Run ``query`` on its own cursor with its time limit and result-size cap."""
        cursor = self._connection.cursor()
        timer = threading.Timer(query.time_limit_seconds, cursor.interrupt)
        try:
            cursor.execute(view)
            sql = transpile(unqualified(query.sql, database=database))
            timer.start()
            cursor.execute(sql)
            columns = tuple(
                Column(name=name, type=_ATHENA_NAMES.get(str(type_), str(type_).lower()))
                for name, type_, *_ in cursor.description or ()
            )
            rows: list[tuple[Any, ...]] = []
            size = 0
            while batch := cursor.fetchmany(FETCH_ROWS):
                for row in batch:
                    size += sum(len(str(value)) for value in row) + len(row)
                    if size > query.max_result_bytes:
                        raise ResultTooLarge(
                            f"The result is larger than {query.max_result_bytes // 1024} KiB: "
                            "select fewer rows or columns."
                        )
                    rows.append(tuple(row))
            return columns, tuple(rows)
        finally:
            timer.cancel()
            cursor.close()

    def _keep(self, run: Run) -> None:
        with self._lock:
            self._runs[run.id] = run
            while len(self._runs) > KEPT_RUNS:
                self._runs.popitem(last=False)

    def run_get(self, run_id: str) -> Run:
        with self._lock:
            try:
                return self._runs[run_id]
            except KeyError:
                raise RunNotFound(f"No run {run_id!r} (runs are kept in this process's memory).") from None
