"""Import of 1,000,000 generated households (~6.2 million members) into PostgreSQL, beside a raw COPY of
the same two files into bare tables measured in the same run.

Targets (issue 2): at least 8,000 households a second; within 3x the raw COPY; peak memory under 1 GB.
"""

import csv
import json
import os
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
        again = run(args, env=env)
    finally:
        drop_database("ehsaas_bench_import")

    summary, repeat = json.loads(first.stdout), json.loads(again.stdout)
    assert summary["accepted"] == HOUSEHOLDS, summary
    assert repeat["unchanged"] == HOUSEHOLDS, repeat
    rate = HOUSEHOLDS / first.seconds
    ratio = first.seconds / copy_seconds
    figures = [
        Figure("households imported a second", rate, "households/s", 8_000, rate >= 8_000),
        Figure("import time / raw COPY time", ratio, "x", 3.0, ratio <= 3.0),
        Figure("peak memory of the import", first.peak_rss_mb, "MB", 1024, first.peak_rss_mb < 1024),
    ]
    details = {
        "households": HOUSEHOLDS,
        "members": summary["members"],
        "import_seconds": round(first.seconds, 1),
        "raw_copy_seconds": round(copy_seconds, 1),
        "reimport_unchanged_seconds": round(again.seconds, 1),
    }
    title = f"Registry import: {HOUSEHOLDS:,} households, {summary['members']:,} members on PostgreSQL"
    ok = report(title, figures, details)
    print(f"  import {first.seconds:.1f} s, raw COPY of the same files {copy_seconds:.1f} s, "
          f"importing the same files again (all unchanged) {again.seconds:.1f} s")  # fmt: skip
    return ok


if __name__ == "__main__":
    raise SystemExit(0 if main() else 1)
