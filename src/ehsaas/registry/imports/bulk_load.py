"""Bulk-load mode (PostgreSQL): the initial-load mode of an import that adds more households than the
registry holds.

Maintaining an index or a foreign key row by row costs a random descent, a WAL record and a deferred
trigger per row; building it afresh costs one sort or one join over the whole table. When an import
more than doubles the registry, the import writes without the secondary indexes and foreign keys of
the tables it writes, and builds them again afterwards, all in one transaction:

    LOCK TABLE … IN ACCESS EXCLUSIVE MODE; read the definitions; DROP; write; CREATE INDEX / ADD CONSTRAINT

The definitions are read from the catalogue (`pg_indexes.indexdef`, `pg_get_constraintdef`), so the
indexes and constraints come back exactly as the migrations made them, names included. PostgreSQL's DDL
is transactional: an import that fails at any point, the rebuilds included, leaves the old indexes and
constraints in place with the rows as they were. A unique index whose rebuild finds two equal keys (the
rules that span rows catch those before writing) fails the import with the index's name and the key.

The price is the lock: ACCESS EXCLUSIVE on the written tables for the whole writing phase, so nobody
reads or writes households, members or ID numbers until the import commits. Acceptable for an initial
load, which is the only time the rule chooses this mode.
"""

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from queue import SimpleQueue
from threading import Thread

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ehsaas.core.progress import Progress
from ehsaas.registry.imports import merge
from ehsaas.registry.imports.sql import execute
from ehsaas.registry.imports.staging import StageArea

log = logging.getLogger(__name__)

# The registry's tables an import of new households writes. The audit events are left alone: the
# table is shared by the whole application and usually holds far more than the import adds.
TABLES = ("registry_household", "registry_member", "registry_identifier")

# Below this many new households an import is quick however it writes, and the normal mode keeps the
# registry readable meanwhile.
SMALLEST_BULK_LOAD = 20_000

# Index builds sort in memory up to this, in the database server's processes (not the importer's); more
# made no difference to the build times at 1 M households.
BUILD_MEMORY = "512MB"


def bulk_load_wanted(*, new_households: int) -> bool:
    """Bulk-load when the import adds more households than the registry holds (and enough to matter).

    Rebuilding costs in proportion to all rows, old and new; maintaining costs in proportion to the new
    rows only, but several times more per row (measured at 1 M households: see the README's Speed).
    Past the point where the import doubles the registry, rebuilding is the cheaper of the two.
    """
    if connection.vendor != "postgresql" or new_households < SMALLEST_BULK_LOAD:
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM registry_household")
        existing = cursor.fetchone()[0]
    return new_households > existing


@dataclass(frozen=True)
class Definition:
    """An index or constraint set aside, and the statements that drop it and build it again."""

    name: str
    drop: str
    create: str


def set_aside_definitions(tables: tuple[str, ...] = TABLES) -> tuple[list[Definition], list[Definition]]:
    """The secondary indexes (with the unique constraints they back) and the foreign keys of `tables`,
    as the catalogue holds them. Kept in place: primary keys, and any index a foreign key relies on."""
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT x.indexname, format('%%I.%%I', x.schemaname, x.indexname), x.indexdef,
                      format('%%I.%%I', x.schemaname, x.tablename), quote_ident(c.conname),
                      pg_get_constraintdef(c.oid)
               FROM pg_indexes x
               JOIN pg_index i ON i.indexrelid = format('%%I.%%I', x.schemaname, x.indexname)::regclass
               LEFT JOIN pg_constraint c ON c.conindid = i.indexrelid AND c.conrelid = i.indrelid
                                        AND c.contype IN ('u', 'x')
               WHERE i.indrelid = ANY(CAST(%s AS regclass[])) AND NOT i.indisprimary
                 AND NOT EXISTS (SELECT 1 FROM pg_constraint f WHERE f.contype = 'f' AND f.conindid = i.indexrelid)
               ORDER BY x.tablename, x.indexname""",
            [list(tables)],
        )
        indexes = [
            # A unique constraint owns its index: it is dropped and added back as the constraint.
            Definition(
                name=name,
                drop=f"ALTER TABLE {table} DROP CONSTRAINT {constraint}",
                create=f"ALTER TABLE {table} ADD CONSTRAINT {constraint} {constraint_definition}",
            )
            if constraint
            else Definition(name=name, drop=f"DROP INDEX {index}", create=index_definition)
            for name, index, index_definition, table, constraint, constraint_definition in cursor.fetchall()
        ]
        cursor.execute(
            """SELECT conname, format('%%I.%%I', n.nspname, t.relname), quote_ident(conname),
                      pg_get_constraintdef(c.oid)
               FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace
               WHERE c.contype = 'f' AND c.conrelid = ANY(CAST(%s AS regclass[]))
               ORDER BY t.relname, conname""",
            [list(tables)],
        )
        foreign_keys = [
            Definition(
                name=name,
                drop=f"ALTER TABLE {table} DROP CONSTRAINT {constraint}",
                create=f"ALTER TABLE {table} ADD CONSTRAINT {constraint} {definition}",
            )
            for name, table, constraint, definition in cursor.fetchall()
        ]
    return indexes, foreign_keys


def lock_tables(tables: tuple[str, ...] = TABLES) -> None:
    """Take, up front and in one statement, the lock the DROPs would take one table at a time: ACCESS
    EXCLUSIVE, held until the import commits. Readers and writers of these tables (pages, searches,
    change requests) wait meanwhile; the lock waits first for those already under way."""
    execute(f"LOCK TABLE {', '.join(tables)} IN ACCESS EXCLUSIVE MODE")


def drop(definitions: list[Definition]) -> None:
    for definition in definitions:
        execute(definition.drop)


class RebuildFailed(Exception):
    """An index or constraint set aside could not be built again over the rows written (two equal keys
    of a unique index, say); the import's transaction is rolled back, the registry is as it was."""


def rebuild(definitions: list[Definition], *, done: Callable[[Definition], None] = lambda d: None) -> None:
    """Build each definition again, indexes before the foreign keys that check against them. ADD
    CONSTRAINT checks a foreign key with one join over the whole table, not a trigger per row."""
    execute(f"SET LOCAL maintenance_work_mem = '{BUILD_MEMORY}'")
    for definition in definitions:
        try:
            execute(definition.create)
        except IntegrityError as error:
            raise RebuildFailed(
                _(
                    "The import was undone and the registry left as it was: %(name)s could not be built again (%(error)s)"
                )
                % {"name": definition.name, "error": " ".join(str(error).split())}
            ) from error
        done(definition)


def write_in_bulk(
    *,
    area: StageArea,
    bounds: list[tuple[str, str, int]],
    progress: Progress,
    rebuilding_message: str,
    actor_id: int | None,
    summary: str,
    changes_json: str,
    resurveyed: bool,
) -> int:
    """Write every chunk in one transaction, in bulk-load mode; return the members written.

    With a shared staging area the transaction runs on a connection of its own, so that the progress
    written meanwhile (by this thread) is seen while the import runs."""
    events: SimpleQueue = SimpleQueue()

    def load() -> None:
        try:
            area.enter()
            events.put(
                ("done", _load_in_bulk(bounds, events.put, actor_id, summary, changes_json, resurveyed))
            )
        except BaseException as error:  # handed to the calling thread, which raises it
            events.put(("failed", error))
        finally:
            if area.shared:
                connection.close()

    if not area.shared:
        load()
    else:
        Thread(target=load, name="import-bulk-load", daemon=True).start()
    while True:
        event, value = events.get()
        if event == "written":
            progress.advance(value)
        elif event == "rebuilding":
            progress.start(value, rebuilding_message, unit="indexes")
        elif event == "rebuilt":
            progress.advance(1)
        elif event == "failed":
            raise value
        else:
            return value


def _load_in_bulk(
    bounds: list[tuple[str, str, int]],
    report: Callable[[tuple[str, int]], None],
    actor_id: int | None,
    summary: str,
    changes_json: str,
    resurveyed: bool,
) -> int:
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    audit = [actor_id, summary, changes_json]
    members = 0
    with transaction.atomic():
        execute("SET LOCAL synchronous_commit = off")
        lock_tables()
        if resurveyed:
            # Re-surveyed households first, while the unique indexes their upserts rely on are there.
            for number, (first, last, _size) in enumerate(bounds):
                members += merge.write_by_joins(
                    [first, last], now, audit, outcomes=("updated",), first_chunk=number == 0
                )
            # Their deferred foreign-key checks run now: a constraint with checks pending cannot be dropped.
            execute("SET CONSTRAINTS ALL IMMEDIATE")
        indexes, foreign_keys = set_aside_definitions()
        drop(foreign_keys + indexes)
        started = time.perf_counter()
        for first, last, size in bounds:
            members += merge.write_new_households([first, last], now, audit)
            report(("written", size))
        log.info("registry import: writing without indexes took %.1f s", time.perf_counter() - started)
        started = time.perf_counter()
        report(("rebuilding", len(indexes) + len(foreign_keys)))
        rebuild(indexes + foreign_keys, done=lambda _: report(("rebuilt", 1)))
        log.info(
            "registry import: rebuilding indexes and foreign keys took %.1f s", time.perf_counter() - started
        )
    # The tables grew from (nearly) nothing in one transaction, out of autovacuum's sight until it commits:
    # without statistics the next searches plan a household's members as a sequential scan.
    merge.refresh_statistics(1)
    return members
