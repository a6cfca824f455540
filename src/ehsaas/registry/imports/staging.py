"""Temporary staging tables that hold one import's validated rows, and how rows reach them:
COPY on PostgreSQL (as fast as the database can take them), executemany on SQLite."""

import io

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
}


def create_stage_tables() -> None:
    with connection.cursor() as cursor:
        for table, columns in TABLES.items():
            cursor.execute(f"DROP TABLE IF EXISTS {table}")
            ddl = ", ".join(f"{name} {kind}" for name, kind in columns.items())
            cursor.execute(f"CREATE TEMPORARY TABLE {table} ({ddl})")


def index_stage_tables() -> None:
    """Indexes are built once the rows are in: far cheaper than maintaining them row by row."""
    with connection.cursor() as cursor:
        cursor.execute("CREATE INDEX stage_household_ref ON stage_household (household_ref)")
        cursor.execute("CREATE INDEX stage_household_line ON stage_household (line)")
        cursor.execute("CREATE INDEX stage_member_ref ON stage_member (household_ref, member_no)")
        if connection.vendor == "postgresql":
            # Temporary tables are never analysed by autovacuum; without statistics the planner guesses.
            cursor.execute("ANALYZE stage_household")
            cursor.execute("ANALYZE stage_member")


def drop_stage_tables() -> None:
    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(f"DROP TABLE IF EXISTS {table}")


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
