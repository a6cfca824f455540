"""Writing accepted households into the registry, one chunk of households per transaction.

A household is written whole (its row, members, identifiers and audit event) in the transaction of its
chunk, so a process killed half-way leaves whole households only; importing the files again then picks up
where it stopped, since the households already written are recognised as unchanged.

A first load (see `bulk_load`) writes the same statements' chunks in one transaction instead, without the
registry's secondary indexes and foreign keys: killed half-way, it leaves nothing written.
"""

import logging
from queue import Empty, SimpleQueue
from threading import Thread

from django.db import connection, transaction
from django.utils import timezone

from ehsaas.core.progress import Progress
from ehsaas.registry.imports import contract as k
from ehsaas.registry.imports.sql import execute, json_param, select_value
from ehsaas.registry.imports.staging import StageArea

log = logging.getLogger(__name__)

_OPTIONAL_TEXT = ("address", "enumerator", "phone")
_HOUSEHOLD_COLUMNS = [
    "household_ref",
    "province_id",
    "district_id",
    "tehsil_id",
    *k.HOUSEHOLD_CHOICES,
    "address",
    "latitude",
    "longitude",
    "survey_date",
    "enumerator",
    "phone",
    *k.HOUSEHOLD_COUNTS,
    *k.HOUSEHOLD_FLAGS,
    "land_acres",
    "monthly_consumption",
]
_MEMBER_COLUMNS = [
    "member_no",
    "full_name",
    "name_key",
    "sex",
    "date_of_birth",
    "relationship",
    "marital_status",
    "education",
    "in_school",
    "occupation",
    "disability",
    "pregnant",
    "lactating",
    "phone",
]
# A chunk is a range of household references: both staging tables are indexed by reference, so each
# chunk reads its households and their members by index ranges, however the files were ordered.
_CHUNK_OF = "s.household_ref >= %s AND s.household_ref <= %s"
_MEMBERS_OF = "m.household_ref >= %s AND m.household_ref <= %s"


def chunk_bounds(size: int) -> list[tuple[str, str, int]]:
    """(first reference, last reference, households) of each chunk of households to write."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT household_ref FROM stage_household WHERE outcome IN ('new', 'updated') ORDER BY household_ref"
        )
        refs = [row[0] for row in cursor.fetchall()]
    return [
        (refs[i], refs[min(i + size, len(refs)) - 1], min(size, len(refs) - i))
        for i in range(0, len(refs), size)
    ]


def write_chunks(
    *, area: StageArea, bounds: list[tuple[int, int, int]], workers: int, progress: Progress, **chunk: object
) -> int:
    """Write every chunk; return the members written. With a shared staging area, after the first chunk,
    `workers` connections write chunks side by side: the database does this work, one core each."""
    if not area.shared or workers < 2 or len(bounds) < 2:
        written = 0
        for number, (first, last, size) in enumerate(bounds):
            written += write_chunk(number=number, first=first, last=last, **chunk)
            progress.advance(size)
            refresh_statistics(number + 1)
        return written

    first, last, size = bounds[0]
    written = write_chunk(number=0, first=first, last=last, **chunk)
    progress.advance(size)
    refresh_statistics(1)
    todo, done = SimpleQueue(), SimpleQueue()
    for number, bound in enumerate(bounds[1:], start=1):
        todo.put((number, bound))

    def writer() -> None:
        try:
            area.enter()
            while True:
                try:
                    number, (first, last, size) = todo.get_nowait()
                except Empty:
                    return
                done.put((size, write_chunk(number=number, first=first, last=last, **chunk), None))
        except BaseException as error:  # handed to the main thread, which raises it
            done.put((0, 0, error))
        finally:
            connection.close()  # each thread has its own connection

    threads = [Thread(target=writer, name=f"import-writer-{i}", daemon=True) for i in range(workers)]
    for thread in threads:
        thread.start()
    failure = None
    for finished in range(2, len(bounds) + 1):
        size, members, error = done.get()
        if error is not None:
            failure = error
            while not todo.empty():  # let the other writers finish their chunk and stop
                todo.get_nowait()
            break
        written += members
        progress.advance(size)
        refresh_statistics(finished)
    for thread in threads:
        thread.join()
    if failure is not None:
        raise failure
    return written


def write_chunk(
    *,
    number: int,
    first: str,
    last: str,
    actor_id: int | None,
    summary: str,
    changes_json: str,
    resurveyed: bool,
) -> int:
    """Write the accepted households whose references lie between `first` and `last`; return how many members were written.
    `resurveyed` says whether the import updates any household already in the registry (a first import
    does not, and skips the statements that only concern those)."""
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    bounds = [first, last]
    audit = [actor_id, summary, changes_json]
    with transaction.atomic():
        if connection.vendor != "postgresql":
            return write_by_joins(bounds, now, audit, outcomes=("new", "updated"), first_chunk=number == 0)
        # An import can always be run again (households already written are recognised), so a crash
        # that loses the last commits costs a rerun, never data: no need to wait for each flush.
        execute("SET LOCAL synchronous_commit = off")
        members = write_new_households(bounds, now, audit)
        if resurveyed:
            members += write_by_joins(bounds, now, audit, outcomes=("updated",), first_chunk=number == 0)
    return members


def write_new_households(bounds: list[str], now, audit: list) -> int:
    """PostgreSQL: the chunk's new households, their members, identifiers and audit events in one
    statement. Ids are drawn from the tables' sequences as the rows are read from staging, so every row
    is written knowing its parent's id and nothing joins back to the registry's tables."""
    household_values = ", ".join(
        f"COALESCE({c}, '')" if c in _OPTIONAL_TEXT else c for c in _HOUSEHOLD_COLUMNS
    )
    member_values = ", ".join(f"COALESCE(m.{c}, '')" if c == "phone" else f"m.{c}" for c in _MEMBER_COLUMNS)
    return select_value(
        f"""WITH household AS MATERIALIZED (
                    SELECT nextval({_sequence("registry_household")}) AS id, s.line, s.fingerprint,
                           {", ".join(f"s.{c}" for c in _HOUSEHOLD_COLUMNS)}
                    FROM stage_household s WHERE {_CHUNK_OF} AND s.outcome = 'new'),
                member AS MATERIALIZED (
                    SELECT nextval({_sequence("registry_member")}) AS id, h.id AS household_id, m.id_type,
                           m.id_number, {", ".join(f"m.{c}" for c in _MEMBER_COLUMNS)}
                    FROM household h JOIN stage_member m ON m.household_ref = h.household_ref
                    WHERE {_MEMBERS_OF}),
                written_households AS (
                    INSERT INTO registry_household (id, {", ".join(_HOUSEHOLD_COLUMNS)}, source_hash, created_at, updated_at)
                    SELECT id, {household_values}, fingerprint, %s, %s FROM household),
                written_members AS (
                    INSERT INTO registry_member (id, household_id, {", ".join(_MEMBER_COLUMNS)}, status)
                    SELECT m.id, m.household_id, {member_values}, 'active' FROM member m),
                written_identifiers AS (
                    INSERT INTO registry_identifier (member_id, id_type, number, active)
                    SELECT id, id_type, id_number, TRUE FROM member WHERE id_number IS NOT NULL),
                written_events AS (
                    INSERT INTO core_auditevent (at, actor_id, action, subject_type, subject_id, summary, reason, changes)
                    SELECT %s, %s, 'household.imported', 'registry.household', id, %s || CAST(line AS TEXT), '',
                           CAST(%s AS jsonb)
                    FROM household)
            SELECT COUNT(*) FROM member""",
        [*bounds, *bounds, now, now, now, *audit],
    )


def _sequence(table: str) -> str:
    """The sequence of `table`'s ids as a regclass literal, resolved once when the statement is parsed:
    `nextval(pg_get_serial_sequence(…))` would look the sequence up in the catalogue for every row
    (4 µs each, half a minute for a million households' members)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT quote_literal(pg_get_serial_sequence(%s, 'id'))", [table])
        return f"{cursor.fetchone()[0]}::regclass"


def write_by_joins(
    bounds: list[str], now, audit: list, *, outcomes: tuple[str, ...], first_chunk: bool
) -> int:
    """The chunk's households of the given outcomes, each step joining back to the rows the one before
    wrote: how re-surveyed households are written, and everything on SQLite."""
    _upsert_households(bounds, now, outcomes)
    if "updated" in outcomes:
        _retire_previous_members(bounds)
    members = _upsert_members(bounds, outcomes)
    if first_chunk:
        # The first chunk joins back to rows written in its own transaction, into tables whose
        # statistics may say they are empty; ANALYZE counts this transaction's rows too.
        refresh_statistics(1)
    _write_identifiers(bounds, outcomes)
    execute(
        f"""INSERT INTO core_auditevent (at, actor_id, action, subject_type, subject_id, summary, reason, changes)
            SELECT %s, %s,
                   CASE s.outcome WHEN 'new' THEN 'household.imported' ELSE 'household.reimported' END,
                   'registry.household', h.id, %s || CAST(s.line AS TEXT), '', {json_param()}
            FROM stage_household s JOIN registry_household h ON h.household_ref = s.household_ref
            WHERE {_CHUNK_OF} AND {_outcome_in(outcomes)}""",
        [now, *audit, *bounds],
    )
    return members


def _outcome_in(outcomes: tuple[str, ...]) -> str:
    return "s.outcome IN (" + ", ".join(f"'{outcome}'" for outcome in outcomes) + ")"


def refresh_statistics(chunks_written: int) -> None:
    """Keep PostgreSQL's statistics of the registry tables true while an import makes them grow.

    Planned on the statistics of a nearly empty registry, the joins back to the rows just written become
    nested loops over sequential scans. ANALYZE samples a fixed number of rows, so running it whenever the
    tables may have doubled (after 1, 2, 4, 8, … chunks) costs little. Outside the first chunk it runs
    outside the writers' transactions: two ANALYZEs of one table wait for each other, and one inside a
    transaction would hold its lock until that transaction commits.
    """
    if connection.vendor != "postgresql" or chunks_written & (chunks_written - 1):
        return
    for table in ("registry_household", "registry_member", "registry_identifier"):
        execute(f"ANALYZE {table}")


def _upsert_households(bounds: list[str], now, outcomes: tuple[str, ...]) -> None:
    values = [f"COALESCE(s.{c}, '')" if c in _OPTIONAL_TEXT else f"s.{c}" for c in _HOUSEHOLD_COLUMNS]
    updates = ", ".join(f"{c} = excluded.{c}" for c in [*_HOUSEHOLD_COLUMNS[1:], "source_hash", "updated_at"])
    execute(
        f"""INSERT INTO registry_household ({", ".join(_HOUSEHOLD_COLUMNS)}, source_hash, created_at, updated_at)
            SELECT {", ".join(values)}, s.fingerprint, %s, %s
            FROM stage_household s WHERE {_CHUNK_OF} AND {_outcome_in(outcomes)}
            ON CONFLICT (household_ref) DO UPDATE SET {updates}""",
        [now, now, *bounds],
    )


def _retire_previous_members(bounds: list[str]) -> None:
    """A re-surveyed household's file rows replace what the registry held: members are first set
    aside (removed, IDs inactive) and those still in the file are restored by the upsert that follows.
    Records are never deleted: payments and history may point at them."""
    updated = f"SELECT s.household_id FROM stage_household s WHERE {_CHUNK_OF} AND s.outcome = 'updated'"
    execute(
        f"""UPDATE registry_identifier SET active = FALSE
            WHERE active AND member_id IN (SELECT id FROM registry_member WHERE household_id IN ({updated}))""",
        bounds,
    )
    execute(
        f"UPDATE registry_member SET status = 'removed' WHERE status = 'active' AND household_id IN ({updated})",
        bounds,
    )


def _upsert_members(bounds: list[str], outcomes: tuple[str, ...]) -> int:
    values = [f"COALESCE(m.{c}, '')" if c == "phone" else f"m.{c}" for c in _MEMBER_COLUMNS]
    updates = ", ".join(f"{c} = excluded.{c}" for c in [*_MEMBER_COLUMNS[1:], "status"])
    return execute(
        f"""INSERT INTO registry_member (household_id, {", ".join(_MEMBER_COLUMNS)}, status)
            SELECT h.id, {", ".join(values)}, 'active'
            FROM stage_household s
            JOIN registry_household h ON h.household_ref = s.household_ref
            JOIN stage_member m ON m.household_ref = s.household_ref
            WHERE {_CHUNK_OF} AND {_MEMBERS_OF} AND {_outcome_in(outcomes)}
            ON CONFLICT (household_id, member_no) DO UPDATE SET {updates}""",
        [*bounds, *bounds],
    )


def _staged_identifiers(join_identifier: str = "") -> str:
    """Rows of the chunk's members that carry an ID number, joined to the member rows just written."""
    return f"""
        FROM stage_household s
        JOIN registry_household h ON h.household_ref = s.household_ref
        JOIN stage_member m ON m.household_ref = s.household_ref
        JOIN registry_member rm ON rm.household_id = h.id AND rm.member_no = m.member_no
        {join_identifier}
        WHERE {_CHUNK_OF} AND {_MEMBERS_OF} AND m.id_number IS NOT NULL"""


def _write_identifiers(bounds: list[str], outcomes: tuple[str, ...]) -> None:
    # A new household's members hold no identifiers yet; only a re-surveyed one needs the checks below.
    insert = "INSERT INTO registry_identifier (member_id, id_type, number, active) SELECT rm.id, m.id_type, m.id_number, TRUE"
    if "new" in outcomes:
        execute(f"{insert} {_staged_identifiers()} AND s.outcome = 'new'", [*bounds, *bounds])
    if "updated" not in outcomes:
        return
    # A number the member held before is re-activated (its history stays one row); a new one is added.
    previous = "JOIN registry_identifier i ON i.member_id = rm.id AND i.number = m.id_number AND i.id_type = m.id_type"
    execute(
        f"""UPDATE registry_identifier SET active = TRUE
            WHERE NOT active AND id IN (
                SELECT MIN(i.id) {_staged_identifiers(previous)} AND s.outcome = 'updated'
                GROUP BY i.member_id, i.number)""",
        [*bounds, *bounds],
    )
    execute(
        f"""{insert} {_staged_identifiers()} AND s.outcome = 'updated'
              AND NOT EXISTS (SELECT 1 FROM registry_identifier i
                              WHERE i.member_id = rm.id AND i.number = m.id_number AND i.active)""",
        [*bounds, *bounds],
    )
