"""Import of 1,000,000 generated households (~6.2 million members) into PostgreSQL, beside a raw COPY of
the same two files into bare tables measured in the same run.

Targets (issue 2): at least 8,000 households a second; within 3x the raw COPY; peak memory under 1 GB.

Also measured, after the import: the database's floor, PostgreSQL's own work for the rows the import
wrote (the same rows into empty copies of the registry's tables, then their indexes and keys built), which
no import of these files can go below without dropping an index or a constraint the registry needs.
"""

import csv
import json
import os
import re
import time

import psycopg

from bench.common import EHSAAS, Figure, drop_database, fresh_database, population, report, run

HOUSEHOLDS = int(os.environ.get("BENCH_HOUSEHOLDS", "1000000"))


def raw_copy_seconds(folder) -> float:
    """COPY both files, as they are, into bare tables of text columns: the floor for any import."""
    url = fresh_database("ehsaas_bench_copy")
    try:
        with psycopg.connect(url, autocommit=True) as connection:
            started = time.perf_counter()
            for name in ("households", "members"):
                path = folder / f"{name}.csv"
                with path.open(encoding="utf-8") as handle:
                    header = next(csv.reader(handle))
                columns = ", ".join(f'"{column}" text' for column in header)
                connection.execute(f"CREATE TABLE {name} ({columns})")
                with (
                    connection.cursor() as cursor,
                    cursor.copy(f"COPY {name} FROM STDIN WITH (FORMAT csv, HEADER true)") as copy,
                    path.open("rb") as source,
                ):
                    while block := source.read(1 << 20):
                        copy.write(block)
            return time.perf_counter() - started
    finally:
        drop_database("ehsaas_bench_copy")


# What an import writes: the registry's tables, and one audit event per household.
WRITTEN_TABLES = ("registry_household", "registry_member", "registry_identifier", "core_auditevent")


def database_floor_seconds(url: str) -> float:
    """Copy the rows the import wrote, table by table, into empty copies of the tables it wrote (with their
    checks), then build every index, unique constraint and foreign key the catalogue defines on them, the
    foreign keys pointing at the copies. One transaction, rolled back: the database is left as it was."""

    def on_copies(statement: str) -> str:
        for table in WRITTEN_TABLES:
            statement = re.sub(rf"\b{table}\b", f"floor_{table}", statement)
        return statement

    with psycopg.connect(url) as connection:
        connection.execute("SET maintenance_work_mem = '512MB'")  # as the import's index rebuilds
        builds, keys = [], []
        for table in WRITTEN_TABLES:
            # Unnamed, so that PostgreSQL names them afresh beside the originals.
            builds += [on_copies(re.sub(r"INDEX \S+ ON", "INDEX ON", row[0])) for row in connection.execute(
                "SELECT indexdef FROM pg_indexes WHERE tablename = %s", [table])]  # fmt: skip
            keys += [on_copies(f"ALTER TABLE {table} ADD {row[0]}") for row in connection.execute(
                "SELECT pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE contype = 'f' AND conrelid = CAST(%s AS regclass)", [table])]  # fmt: skip
        started = time.perf_counter()
        for table in WRITTEN_TABLES:
            connection.execute(f"CREATE TABLE floor_{table} (LIKE {table} INCLUDING CONSTRAINTS)")
            connection.execute(f"INSERT INTO floor_{table} SELECT * FROM {table}")
        for statement in builds + keys:
            connection.execute(statement)
        seconds = time.perf_counter() - started
        connection.rollback()
    return seconds


def main() -> bool:
    folder = population(HOUSEHOLDS)
    copy_seconds = raw_copy_seconds(folder)

    url = fresh_database("ehsaas_bench_import")
    env = {"DATABASE_URL": url, "DEBUG": "true"}
    try:
        run([str(EHSAAS), "migrate", "-v", "0"], env=env)
        args = [str(EHSAAS), "import-registry", "--households", str(folder / "households.csv"),
                "--members", str(folder / "members.csv"), "--json"]  # fmt: skip
        first = run(args, env=env)
        floor_seconds = database_floor_seconds(url)
        again = run(args, env=env)
    finally:
        drop_database("ehsaas_bench_import")

    summary, repeat = json.loads(first.stdout), json.loads(again.stdout)
    assert summary["accepted"] == HOUSEHOLDS, summary
    assert repeat["unchanged"] == HOUSEHOLDS, repeat
    rate = HOUSEHOLDS / first.seconds
    ratio = first.seconds / copy_seconds
    floor_ratio = floor_seconds / copy_seconds
    figures = [
        Figure("households imported a second", rate, "households/s", 8_000, rate >= 8_000),
        Figure("import time / raw COPY time", ratio, "x", 3.0, ratio <= 3.0),
        Figure("peak memory of the import", first.peak_rss_mb, "MB", 1024, first.peak_rss_mb < 1024),
        Figure("the database's floor / raw COPY time", floor_ratio, "x", 3.0, floor_ratio <= 3.0),
    ]
    details = {
        "households": HOUSEHOLDS,
        "members": summary["members"],
        "import_seconds": round(first.seconds, 1),
        "raw_copy_seconds": round(copy_seconds, 1),
        "database_floor_seconds": round(floor_seconds, 1),
        "reimport_unchanged_seconds": round(again.seconds, 1),
    }
    title = f"Registry import: {HOUSEHOLDS:,} households, {summary['members']:,} members on PostgreSQL"
    ok = report(title, figures, details)
    print(f"  import {first.seconds:.1f} s, raw COPY of the same files {copy_seconds:.1f} s, "
          f"importing the same files again (all unchanged) {again.seconds:.1f} s")  # fmt: skip
    print(f"  the database's floor {floor_seconds:.1f} s: the rows the import wrote, written again into empty "
          f"copies of its {len(WRITTEN_TABLES)} tables, then their indexes and keys built")  # fmt: skip
    return ok


if __name__ == "__main__":
    raise SystemExit(0 if main() else 1)
