"""Instructions out for 1,000,000 active beneficiaries on PostgreSQL (payments issue, Speed): `ehsaas
payment-files export` writes every provider's files (pain.001 for the four banks, checked against the ISO
schema; the JazzCash CSV) and makes Easypaisa's API batches, for an approved cycle of one payment per
beneficiary, within 60 s, with its memory flat (its peak a quarter into the run and at the end are printed);
beside a yardstick measured in the same run: a raw COPY (SELECT …) TO of the same rows into a file,
without XML, schema, checksums or marking.

It works on a copy (ehsaas_bench_payment_files) of the kept beneficiaries database
(bench/payments_common.py), dropped at the end; the cycle and its payments are seeded there by SQL.
BENCH_BENEFICIARIES (1,000,000) changes the size.
"""

import hashlib
import shutil
import sys
import time
from pathlib import Path

import psycopg

from bench.common import (
    EHSAAS,
    OUT,
    ROOT,
    Figure,
    copy_database,
    database_url,
    drop_database,
    report,
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

NAME = "ehsaas_bench_payment_files"
LIMIT_SECONDS = 60.0
# The export's peak memory at the end may exceed its peak a few seconds in by this much at most.
FLAT_MB = 25.0
FILES = ROOT / "var" / "bench" / "payment-files"
PERIOD = "bench-files"

# One payment per active beneficiary, as an approved payroll leaves them: bank and wallet pending, cash
# collectable.
PAYMENTS = """
    INSERT INTO payments_payment (cycle_id, beneficiary_id, household_id, member_id, district_id, amount,
        arrears, category, channel, provider_id, account_number, account_changed, status, status_reason,
        status_at)
    SELECT %(cycle)s, b.id, b.household_id, b.member_id, h.district_id, b.amount, 0, b.category, a.channel,
        a.provider_id, a.account_number, false,
        CASE WHEN a.channel = 'cash' THEN 'instructed' ELSE 'pending' END, '', now()
    FROM programs_beneficiary b
    JOIN registry_household h ON h.id = b.household_id
    JOIN payments_paymentaccount a ON a.beneficiary_id = b.id
    WHERE b.status = 'active'
    ORDER BY b.id
"""
TOTALS = """
    UPDATE payments_paymentcycle c SET payments_count = s.n, amount_total = s.total
    FROM (SELECT count(*) AS n, sum(amount) AS total FROM payments_payment WHERE cycle_id = %(cycle)s) s
    WHERE c.id = %(cycle)s
"""
# The same rows the files carry, in the order they are written, straight into a file.
YARDSTICK = """
    COPY (SELECT p.id, p.amount, p.account_number, COALESCE(m.full_name, h.household_ref), v.code
          FROM payments_payment p
          JOIN payments_provider v ON v.id = p.provider_id
          JOIN registry_household h ON h.id = p.household_id
          LEFT JOIN registry_member m ON m.id = p.member_id
          WHERE p.cycle_id = {cycle} AND p.status = 'pending'
          ORDER BY p.provider_id, p.id) TO STDOUT WITH (FORMAT csv)
"""


def seed(url: str) -> int:
    with psycopg.connect(url, autocommit=True) as connection:
        with connection.transaction():
            cycle = approved_cycle(url, connection, PERIOD)
            connection.execute(PAYMENTS, {"cycle": cycle})
            connection.execute(TOTALS, {"cycle": cycle})
        connection.execute("VACUUM ANALYZE payments_payment")
        connection.execute("CHECKPOINT")
    return cycle


def yardstick(url: str, cycle: int, path: Path) -> tuple[float, int]:
    started = time.perf_counter()
    rows = 0
    with (
        psycopg.connect(url) as connection,
        path.open("wb") as stream,
        connection.cursor().copy(YARDSTICK.format(cycle=int(cycle))) as copy,
    ):
        for data in copy:
            stream.write(data)
            rows += bytes(data).count(b"\n")
    return time.perf_counter() - started, rows


def export(url: str, cycle: int, releaser: str) -> tuple[float, list[tuple[float, float]], str]:
    """Run the export; its wall time, its peak memory sampled every half second, and its output."""
    env = {**command_env(url), "PAYMENT_FILES_DIR": str(FILES)}
    args = [str(EHSAAS), "payment-files", "export", str(cycle), "--user", releaser, "--no-progress"]
    return run_sampled(args, env=env)


def main() -> bool:
    source = beneficiaries_database()
    drop_database(NAME)
    copy_database(DATABASE, NAME)
    url = database_url(NAME)
    shutil.rmtree(FILES, ignore_errors=True)
    try:
        cycle = seed(url)
        releaser = staff_user(url, "bench-files-releaser")
        FILES.mkdir(parents=True, exist_ok=True)
        raw_seconds, raw_rows = yardstick(url, cycle, FILES / "yardstick.csv")
        print(f"  yardstick: {raw_rows:,} rows copied out in {raw_seconds:.1f} s", flush=True)
        (FILES / "yardstick.csv").unlink()

        seconds, samples, output = export(url, cycle, releaser)
        print(output.rstrip())
        with psycopg.connect(url) as connection:
            batches, instructed, files = connection.execute(
                """SELECT count(*), coalesce(sum(transactions), 0), count(*) FILTER (WHERE file_name <> '')
                   FROM payments_instructionbatch WHERE cycle_id = %s""",
                [cycle],
            ).fetchone()
            checks = connection.execute(
                "SELECT file_name, sha256 FROM payments_instructionbatch WHERE cycle_id = %s AND file_name <> ''",
                [cycle],
            ).fetchall()
        for file_name, sha256 in checks:
            if hashlib.sha256((FILES / file_name).read_bytes()).hexdigest() != sha256:
                sys.exit(f"{file_name} does not match its recorded SHA-256")
        size_mb = sum(p.stat().st_size for p in FILES.rglob("*") if p.is_file()) / 1e6
    finally:
        drop_database(NAME)
        shutil.rmtree(FILES, ignore_errors=True)

    # A quarter into the run the export is writing its first batches; what it holds then it must hold at
    # the end (a short run at a small size says little about this).
    early = next((peak for at, peak in samples if at >= seconds / 4), samples[-1][1] if samples else 0.0)
    final = samples[-1][1] if samples else 0.0
    print(
        f"  {batches} batches ({files} files, {size_mb:,.0f} MB) of {instructed:,} payments; source {source}"
    )
    figures = [
        Figure(f"write the provider files, {instructed:,} payments", seconds, "s", LIMIT_SECONDS,
               seconds <= LIMIT_SECONDS),
        Figure("  yardstick: raw COPY (SELECT …) TO a file", raw_seconds, "s", LIMIT_SECONDS, True),
        Figure("export's peak memory, a quarter into the run", early, "MB", 1024, early < 1024),
        Figure("export's peak memory at the end", final, "MB", early + FLAT_MB, final <= early + FLAT_MB),
    ]  # fmt: skip
    details = {"beneficiaries": BENEFICIARIES, "payments_instructed": instructed, "batches": batches,
               "files": files, "files_mb": round(size_mb, 1), "seconds": round(seconds, 2),
               "yardstick_seconds": round(raw_seconds, 2), "yardstick_rows": raw_rows, "memory": samples}  # fmt: skip
    OUT.mkdir(parents=True, exist_ok=True)
    return report(f"Payment files: {instructed:,} payments to providers on PostgreSQL", figures, details)


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
