"""Staging tables that hold one import's validated rows, and how rows reach them:
COPY on PostgreSQL (as fast as the database can take them), executemany on SQLite."""

import io
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from queue import Queue
from threading import Thread

import polars as pl
from django.db import connection

from ehsaas.registry.imports import contract as k

_INT, _TEXT, _BOOL, _NUM, _DATE = "bigint", "text", "boolean", "numeric", "date"

HOUSEHOLD_STAGE = {
    "line": _INT,
    "household_ref": _TEXT,
    "province_id": _INT,
    "district_id": _INT,
    "tehsil_id": _INT,
    **{c: _TEXT for c in k.HOUSEHOLD_CHOICES},
    "address": _TEXT,
    "latitude": _NUM,
    "longitude": _NUM,
    "survey_date": _DATE,
    "enumerator": _TEXT,
    "phone": _TEXT,
    **{c: _INT for c in k.HOUSEHOLD_COUNTS},
    **{c: _BOOL for c in k.HOUSEHOLD_FLAGS},
    "land_acres": _NUM,
    "monthly_consumption": _NUM,
    "row_hash": _INT,
}
# Filled in by the set-based steps after loading.
HOUSEHOLD_DERIVED = {"fingerprint": _TEXT, "household_id": _INT, "old_fingerprint": _TEXT, "outcome": _TEXT}
MEMBER_STAGE = {
    "line": _INT,
    "household_ref": _TEXT,
    "member_no": _INT,
    "id_type": _TEXT,
    "id_number": _TEXT,
    "full_name": _TEXT,
    "name_key": _TEXT,
    **{c: _TEXT for c in k.MEMBER_CHOICES if c != "id_type"},
    "date_of_birth": _DATE,
    "disability": _TEXT,
    **{c: _BOOL for c in k.MEMBER_FLAGS},
    "phone": _TEXT,
    "row_hash": _INT,
}
PROBLEM_STAGE = {"file": _TEXT, "line": _INT, "column_name": _TEXT, "household_ref": _TEXT, "message": _TEXT}

TABLES = {
    "stage_household": {**HOUSEHOLD_STAGE, **HOUSEHOLD_DERIVED},
    "stage_member": MEMBER_STAGE,
    "stage_problem": PROBLEM_STAGE,
    # One row per household_ref of the members file, summarised once and read by several rules.
    "stage_summary": {
        "household_ref": _TEXT,
        "first_line": _INT,
        "heads": _INT,
        "members": _INT,
        "hash_sum": _INT,
        "repeated_numbers": _INT,
    },
}


_SCHEMA_PREFIX = "ehsaas_import_"
_LOCK_CLASS = 7_202_611  # the advisory-lock namespace of staging areas: (class, token) locks one area


@dataclass(frozen=True)
class StageArea:
    """Where one import's staging tables live.

    On PostgreSQL, outside an open transaction, they are UNLOGGED tables in a schema of their own, so that
    several connections can read them and write chunks in parallel; the import holds an advisory lock on
    the area while it runs, so the next import can tell an abandoned area (its process was killed) from a
    busy one and drop it. Elsewhere (SQLite, or inside a transaction, as in tests) they are TEMPORARY
    tables of the one connection.
    """

    schema: str | None = None
    token: int | None = None

    @property
    def shared(self) -> bool:
        return self.schema is not None

    def enter(self) -> None:
        """Make the staging tables visible to the calling thread's connection, and give its sorts, hashes
        and index builds the memory that millions of rows want (the defaults spill them to disk)."""
        if self.schema:
            with connection.cursor() as cursor:
                cursor.execute(f"SET search_path TO {self.schema}, public")
                cursor.execute("SET work_mem = '256MB'")
                cursor.execute("SET maintenance_work_mem = '512MB'")
                # Compiling the import's large statements costs more than it saves: a second per chunk.
                cursor.execute("SET jit = off")


def open_stage_area() -> StageArea:
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        _create_tables("TEMPORARY")
        return StageArea()
    _drop_abandoned_areas()
    token = secrets.randbits(31)
    area = StageArea(schema=f"{_SCHEMA_PREFIX}{token}", token=token)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s, %s)", [_LOCK_CLASS, token])
        cursor.execute(f"CREATE SCHEMA {area.schema}")
    area.enter()
    _create_tables("UNLOGGED")
    return area


def close_stage_area(area: StageArea) -> None:
    with connection.cursor() as cursor:
        if not area.shared:
            for table in TABLES:
                cursor.execute(f"DROP TABLE IF EXISTS {table}")
            return
        cursor.execute(f"DROP SCHEMA IF EXISTS {area.schema} CASCADE")
        cursor.execute("RESET search_path")
        cursor.execute("RESET work_mem")
        cursor.execute("RESET jit")
        cursor.execute("RESET maintenance_work_mem")
        cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [_LOCK_CLASS, area.token])


# Classifying updates every staged household once (its fingerprint and outcome). Pages left half empty
# let PostgreSQL write each new version beside the old one without touching the index (a HOT update):
# twice as fast for a million households.
_TABLE_OPTIONS = {"stage_household": "WITH (fillfactor = 50)"}


def _create_tables(kind: str) -> None:
    with connection.cursor() as cursor:
        for table, columns in TABLES.items():
            cursor.execute(f"DROP TABLE IF EXISTS {table}")
            ddl = ", ".join(f"{name} {kind_}" for name, kind_ in columns.items())
            options = _TABLE_OPTIONS.get(table, "") if connection.vendor == "postgresql" else ""
            cursor.execute(f"CREATE {kind} TABLE {table} ({ddl}) {options}")


def _drop_abandoned_areas() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nspname FROM pg_namespace WHERE nspname LIKE %s",
            [_SCHEMA_PREFIX.replace("_", r"\_") + "%"],
        )
        for (schema,) in cursor.fetchall():
            token = int(schema.removeprefix(_SCHEMA_PREFIX))
            cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [_LOCK_CLASS, token])
            if cursor.fetchone()[0]:  # nobody holds it: the import that made it is gone
                cursor.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [_LOCK_CLASS, token])


def index_stage_tables(area: StageArea) -> None:
    """Indexes are built once the rows are in: far cheaper than maintaining them row by row."""

    def index(table: str, *statements: str) -> Callable[[], None]:
        def build() -> None:
            with connection.cursor() as cursor:
                for statement in statements:
                    cursor.execute(statement)
                if connection.vendor == "postgresql":
                    # Staging tables are never analysed by autovacuum; without statistics the planner guesses.
                    cursor.execute(f"ANALYZE {table}")

        return build

    side_by_side(
        area,
        index("stage_member", "CREATE INDEX stage_member_ref ON stage_member (household_ref, member_no)"),
        index("stage_household", "CREATE INDEX stage_household_ref ON stage_household (household_ref)"),
    )


def side_by_side(area: StageArea, *steps: Callable[[], None]) -> None:
    """Run independent steps over the staging tables: each but the last on a connection of its own when
    the area is shared (the database does the work, one core each), else one after another. An error in
    any step is raised here once all have stopped."""
    if not area.shared:
        for step in steps:
            step()
        return
    errors: list[BaseException] = []

    def beside(step: Callable[[], None]) -> None:
        try:
            area.enter()
            step()
        except BaseException as error:  # handed to the calling thread, which raises it
            errors.append(error)
        finally:
            connection.close()  # each thread has its own connection

    threads = [Thread(target=beside, args=(step,), name="import-step", daemon=True) for step in steps[:-1]]
    for thread in threads:
        thread.start()
    try:
        steps[-1]()
    finally:
        for thread in threads:
            thread.join()
    if errors:
        raise errors[0]


def stage_rows(table: str, frame: pl.DataFrame) -> None:
    """Append a frame whose columns are those of the staging table, in order (or a subset)."""
    if frame.is_empty():
        return
    columns = ", ".join(frame.columns)
    if connection.vendor == "postgresql":
        buffer = io.BytesIO()
        frame.write_csv(buffer, include_header=False, datetime_format="%Y-%m-%d", null_value="")
        connection.ensure_connection()
        with (
            connection.connection.cursor() as cursor,
            cursor.copy(f"COPY {table} ({columns}) FROM STDIN WITH (FORMAT csv)") as copy,
        ):
            copy.write(buffer.getbuffer())
        return
    text_dates = frame.with_columns(pl.col(pl.Date).dt.to_string("%Y-%m-%d"))
    placeholders = ", ".join(["%s"] * len(frame.columns))
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", text_dates.rows())


class Stager:
    """Hands validated frames to the staging tables. In a shared staging area a background thread, on a
    connection of its own, COPYs one batch while the caller validates the next (the database and polars
    each keep a core busy); the queue holds at most two batches, so memory stays flat."""

    _DONE = object()

    def __init__(self, area: StageArea):
        self.area = area
        self.queue: Queue = Queue(maxsize=2)
        self.error: BaseException | None = None
        self.thread = Thread(target=self._copy, name="import-stager", daemon=True) if area.shared else None

    def __enter__(self) -> "Stager":
        if self.thread:
            self.thread.start()
        return self

    def put(self, table: str, frame: pl.DataFrame) -> None:
        if self.thread is None:
            stage_rows(table, frame)
            return
        if self.error is not None:
            raise self.error
        self.queue.put((table, frame))

    def __exit__(self, *exc_info) -> None:
        if self.thread is None:
            return
        self.queue.put(self._DONE)
        self.thread.join()
        if self.error is not None and exc_info[0] is None:
            raise self.error

    def _copy(self) -> None:
        try:
            self.area.enter()
            while (item := self.queue.get()) is not self._DONE:
                if self.error is None:
                    stage_rows(*item)
        except BaseException as error:  # handed to the caller's thread, which raises it
            self.error = error
            while self.queue.get() is not self._DONE:  # drain, so that put() never blocks for ever
                pass
        finally:
            connection.close()
