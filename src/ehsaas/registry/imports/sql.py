"""Small helpers for the import's SQL, which runs unchanged on PostgreSQL and SQLite."""

import logging
import re
import time

from django.db import connection

log = logging.getLogger(__name__)

_PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def message_sql(template: str, **expressions: str) -> tuple[str, list[str]]:
    """Turn a translated message with %(name)s placeholders into a SQL text expression, so that a
    message naming each row's values is built by the database for all rows at once.

    `message_sql("household %(ref)s has no head", ref="s.household_ref")` gives
    `("%s || CAST(s.household_ref AS TEXT) || %s", ["household ", " has no head"])`.
    """
    parts, params, position = [], [], 0
    for match in _PLACEHOLDER.finditer(str(template)):
        parts.append("%s")
        params.append(str(template)[position : match.start()])
        parts.append(f"COALESCE(CAST({expressions[match.group(1)]} AS TEXT), '')")
        position = match.end()
    parts.append("%s")
    params.append(str(template)[position:])
    return " || ".join(parts), params


def cnic_sql(column: str) -> str:
    """13 digits written NNNNN-NNNNNNN-N, as people read them."""
    return f"SUBSTR({column}, 1, 5) || '-' || SUBSTR({column}, 6, 7) || '-' || SUBSTR({column}, 13, 1)"


def json_param() -> str:
    return "CAST(%s AS jsonb)" if connection.vendor == "postgresql" else "%s"


def execute(sql: str, params=()) -> int:
    """Run a statement; return the rows it touched."""
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.rowcount
    _log_duration(started, rows, sql)
    return rows


def select_value(sql: str, params=()):
    """Run a statement that ends in a SELECT of one value; return the value."""
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        value = cursor.fetchone()[0]
    _log_duration(started, 1, sql)
    return value


def _log_duration(started: float, rows: int, sql: str) -> None:
    # LOG_LEVEL=DEBUG shows where an import spends its time, statement by statement.
    log.debug("%.2f s, %d rows: %s", time.perf_counter() - started, rows, " ".join(sql.split())[:110])
