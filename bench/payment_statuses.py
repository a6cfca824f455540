"""Statuses back for 1,000,000 payments on PostgreSQL (payments issue, Speed): `ehsaas payment-statuses
import` applies a provider's status file of BENCH_BENEFICIARIES lines (95 % paid, 5 % failed with a
bank's reason, as the provider simulator writes them) within 60 s with its memory flat (its peak a few
seconds in and at the end are printed), beside a yardstick measured in the same run: a raw COPY of the
same status file (the CSV) into a scratch table, without reading, checking or applying anything.

Both formats are applied, each to the same payments put back to "instructed" in between: the provider
CSV (with its TOTAL trailer) and pain.002.001.10. Applying includes loading the lines, judging them,
updating the payments, recording the problems and queueing the payment-ready SMS of the paid.

It works on a copy (ehsaas_bench_payment_statuses) of the kept beneficiaries database
(bench/payments_common.py), dropped at the end; an approved cycle with one instructed payment per
beneficiary, all at one bank (a national bank's file), is seeded there by SQL. BENCH_BENEFICIARIES
(1,000,000) changes the size.
"""

import shutil
import sys
import time
from pathlib import Path

import psycopg

from bench.common import (
    EHSAAS,
    ROOT,
    Figure,
    copy_database,
    database_url,
    drop_database,
    report,
    run,
    run_sampled,
)
from bench.payments_common import (
    BENEFICIARIES,
    DATABASE,
    approved_cycle,
    beneficiaries_database,
    command_env,
    staff_user,
)

NAME = "ehsaas_bench_payment_statuses"
LIMIT_SECONDS = 60.0
FLAT_MB = 25.0
FILES = ROOT / "var" / "bench" / "payment-statuses"
PERIOD = "bench-statuses"
PROVIDER = "nbp"

# One instructed payment per active beneficiary, every one sent to the same bank.
PAYMENTS = """
    INSERT INTO payments_payment (cycle_id, beneficiary_id, household_id, member_id, district_id, amount,
        arrears, category, channel, provider_id, account_number, account_changed, status, status_reason,
        status_at)
    SELECT %(cycle)s, b.id, b.household_id, b.member_id, h.district_id, b.amount, 0, b.category, 'bank',
        v.id, 'PK36NBPA' || lpad(b.id::text, 16, '0'), false, 'instructed', '', now()
    FROM programs_beneficiary b
    JOIN registry_household h ON h.id = b.household_id
    JOIN payments_provider v ON v.code = %(provider)s
    WHERE b.status = 'active'
    ORDER BY b.id
"""
# The status files the bank would return, written by the provider simulator.
WRITE_FILES = """
import sys
from django.db import connection
from ehsaas.payments.statuses.simulator import csv_write, pain002_write, simulated_outcomes
with connection.cursor() as cursor:
    cursor.execute("SELECT id, amount FROM payments_payment WHERE cycle_id = %s ORDER BY id", [{cycle}])
    outcomes = simulated_outcomes(cursor.fetchall(), failed_percent=5)
with open("{folder}/status.csv", "wb") as out:
    csv_write(out, outcomes)
with open("{folder}/status.xml", "wb") as out:
    pain002_write(out, outcomes, message_id="STS-BENCH", original_message_id="BENCH")
print(len(outcomes))
"""
RESET = """
    UPDATE payments_payment SET status = 'instructed', status_reason = '', status_at = now()
    WHERE cycle_id = %(cycle)s
"""


def seed(url: str) -> int:
    with psycopg.connect(url, autocommit=True) as connection:
        with connection.transaction():
            cycle = approved_cycle(url, connection, PERIOD)
            connection.execute(PAYMENTS, {"cycle": cycle, "provider": PROVIDER})
        connection.execute("VACUUM ANALYZE payments_payment")
        connection.execute("CHECKPOINT")
    return cycle


def reset(url: str, cycle: int) -> None:
    """The payments instructed again, the files and messages of the previous run gone."""
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(RESET, {"cycle": cycle})
        connection.execute("DELETE FROM payments_statusproblem")
        connection.execute("DELETE FROM payments_statusfile")
        connection.execute("TRUNCATE messaging_message")
        connection.execute("VACUUM ANALYZE payments_payment")
        connection.execute("CHECKPOINT")


def yardstick(url: str, path: Path) -> tuple[float, int]:
    """A raw COPY of the status CSV's lines into a scratch table (the TOTAL line, whose fields differ,
    left out)."""
    size = path.stat().st_size
    with path.open("rb") as stream:
        stream.seek(max(0, size - 200))
        lines_end = size - len(stream.read().rstrip(b"\n").rsplit(b"\n", 1)[-1]) - 1
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(
            "CREATE UNLOGGED TABLE bench_status_copy (reference text, status text, amount text, reason text, "
            "paid_at text)"
        )
        started = time.perf_counter()
        with (
            path.open("rb") as stream,
            connection.cursor().copy(
                "COPY bench_status_copy FROM STDIN WITH (FORMAT csv, HEADER true)"
            ) as copy,
        ):
            left = lines_end
            while left > 0 and (data := stream.read(min(1 << 20, left))):
                copy.write(data)
                left -= len(data)
        seconds = time.perf_counter() - started
        rows = connection.execute("SELECT count(*) FROM bench_status_copy").fetchone()[0]
        connection.execute("DROP TABLE bench_status_copy")
    return seconds, rows


def apply(url: str, path: Path, user: str) -> tuple[float, list[tuple[float, float]], str]:
    """Apply the file with the command; its wall time, its peak memory sampled every half second and its
    output."""
    args = [str(EHSAAS), "payment-statuses", "import", str(path), "--provider", PROVIDER, "--user", user,
            "--no-progress"]  # fmt: skip
    return run_sampled(args, env=command_env(url))


def counts(url: str, cycle: int) -> dict[str, int]:
    with psycopg.connect(url) as connection:
        return dict(
            connection.execute(
                "SELECT status, count(*) FROM payments_payment WHERE cycle_id = %s GROUP BY status", [cycle]
            ).fetchall()
        )


def main() -> bool:
    beneficiaries_database()
    drop_database(NAME)
    copy_database(DATABASE, NAME)
    url = database_url(NAME)
    shutil.rmtree(FILES, ignore_errors=True)
    FILES.mkdir(parents=True, exist_ok=True)
    results = {}
    try:
        cycle = seed(url)
        releaser = staff_user(url, "bench-statuses-releaser")
        written = run([str(EHSAAS), "shell", "-c", WRITE_FILES.format(cycle=int(cycle), folder=FILES)],
                      env=command_env(url))  # fmt: skip
        lines = int(written.stdout.split()[-1])
        sizes = {p.suffix: p.stat().st_size / 1e6 for p in FILES.iterdir()}
        raw_seconds, raw_rows = yardstick(url, FILES / "status.csv")
        print(f"  yardstick: {raw_rows:,} lines copied in raw in {raw_seconds:.1f} s", flush=True)
        for label, file_name in (("CSV", "status.csv"), ("pain.002", "status.xml")):
            reset(url, cycle)
            seconds, samples, output = apply(url, FILES / file_name, releaser)
            print(f"  {label}: {output.strip().splitlines()[0]}", flush=True)
            results[label] = (seconds, samples, counts(url, cycle))
    finally:
        drop_database(NAME)
        shutil.rmtree(FILES, ignore_errors=True)

    figures = []
    details = {"beneficiaries": BENEFICIARIES, "lines": lines, "files_mb": sizes,
               "yardstick_seconds": round(raw_seconds, 2), "yardstick_rows": raw_rows}  # fmt: skip
    for label, (seconds, samples, statuses) in results.items():
        final = samples[-1][1] if samples else 0.0
        # Django is loaded and the file being read 5 s in; a run shorter than that has nothing to compare.
        early = next((peak for at, peak in samples if at >= 5.0), final)
        applied = statuses.get("paid", 0) + statuses.get("failed", 0)
        figures += [
            Figure(f"apply a {label} status file, {lines:,} lines", seconds, "s", LIMIT_SECONDS,
                   seconds <= LIMIT_SECONDS and applied == lines),
            Figure(f"  {label}: peak memory 5 s in", early, "MB", 1024, early < 1024),
            Figure(f"  {label}: peak memory at the end", final, "MB", early + FLAT_MB, final <= early + FLAT_MB),
        ]  # fmt: skip
        details[label] = {"seconds": round(seconds, 2), "statuses": statuses, "memory": samples}
    figures.insert(
        1, Figure("  yardstick: raw COPY of the status CSV", raw_seconds, "s", LIMIT_SECONDS, True)
    )
    return report(f"Payment statuses: {lines:,} statuses applied on PostgreSQL", figures, details)


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
