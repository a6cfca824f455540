"""The rows of a query as a polars frame, for set-based work over many households at once.

On PostgreSQL the rows are copied out as CSV (`COPY … TO STDOUT`) and parsed by polars, which is many
times faster than building a Python tuple per row; on SQLite they are fetched. Either way the frame has
the schema asked for, so that callers never see a difference between the two databases.
"""

import io

import polars as pl
from django.db import connection


def sql_frame(query: str, params: list | tuple = (), *, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """The rows of `query` (columns named as in `schema`, in that order) as a frame of `schema`."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor
            statement = raw.mogrify(query, params) if params else query
            buffer = io.BytesIO()
            with raw.copy(f"COPY ({statement}) TO STDOUT WITH (FORMAT csv, HEADER true)") as copy:
                for block in copy:
                    buffer.write(block)
            buffer.seek(0)
            if buffer.getbuffer().nbytes == 0:
                return pl.DataFrame(schema=schema)
            read = {name: (pl.String if kind == pl.Boolean else kind) for name, kind in schema.items()}
            frame = pl.read_csv(buffer, schema=read)
            return frame.with_columns(
                pl.col(name) == "t" for name, kind in schema.items() if kind == pl.Boolean
            )
        cursor.execute(query, params)
        rows = cursor.fetchall()
    if not rows:
        return pl.DataFrame(schema=schema)
    # SQLite gives dates as dates, booleans as 0/1: read as they come, then cast to the schema.
    frame = pl.DataFrame(rows, schema=list(schema), orient="row", infer_schema_length=None)
    return frame.with_columns(pl.col(name).cast(kind) for name, kind in schema.items())


def frame_insert(table: str, frame: pl.DataFrame) -> int:
    """Insert every row of `frame` into `table` (its columns named as the frame's), in the caller's
    transaction: by COPY on PostgreSQL, by one executemany on SQLite. Returns the rows inserted."""
    if frame.height == 0:
        return 0
    columns = ", ".join(frame.columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN WITH (FORMAT csv)") as copy:
                copy.write(frame.write_csv(include_header=False, null_value=""))
            return frame.height
        marks = ", ".join(["%s"] * frame.width)
        cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", frame.rows())
    return frame.height
