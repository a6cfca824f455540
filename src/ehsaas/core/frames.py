"""The rows of a query as a polars frame, for set-based work over many households at once.

On PostgreSQL the rows are copied out as CSV (`COPY … TO STDOUT`) and parsed by polars, which is many
times faster than building a Python tuple per row; on SQLite they are fetched. Either way the frame has
the schema asked for, so that callers never see a difference between the two databases.
"""

import io
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

import polars as pl
from django.db import connection

T = TypeVar("T")


def sql_frame(query: str, params: list | tuple = (), *, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """The rows of `query` (columns named as in `schema`, in that order) as a frame of `schema`."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor
            statement = raw.mogrify(query, params) if params else query
            buffer = io.BytesIO()
            # As Django's own cursor would: a failing query raises Django's DatabaseError.
            with (
                connection.wrap_database_errors,
                raw.copy(f"COPY ({statement}) TO STDOUT WITH (FORMAT csv, HEADER true)") as copy,
            ):
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
    # SQLite gives booleans as 0/1 and dates as dates or text (as the query's shape lets it know the
    # column's type): read as they come, then cast to the schema.
    frame = pl.DataFrame(rows, schema=list(schema), orient="row", infer_schema_length=None)
    return frame.with_columns(
        pl.col(name).str.to_date()
        if kind == pl.Date and frame.schema[name] == pl.String
        else pl.col(name).cast(kind)
        for name, kind in schema.items()
    )


def frames_ahead(reads: Iterable[Callable[[], T]], *, connections: int = 2) -> Iterator[T]:
    """What each of `reads` returns, in order. On PostgreSQL the reads run on `connections` connections
    of their own, ahead of the caller: the database works on the next ones while the caller works on
    this one. Inside a transaction they run one after the other on the caller's connection, since
    another connection would not see the transaction's uncommitted rows; on SQLite too."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        for read in reads:
            yield read()
        return

    def on_own_connection(read: Callable[[], T]) -> T:
        try:
            return read()
        finally:
            connection.close()  # this thread's connection

    pending: deque[Future[T]] = deque()
    with ThreadPoolExecutor(max_workers=connections) as pool:
        try:
            for read in reads:
                pending.append(pool.submit(on_own_connection, read))
                if len(pending) > connections:  # `connections` reads run while the caller has this one
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
        finally:
            for future in pending:
                future.cancel()


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
