"""`make bench`: every benchmark, each printing its figures beside the limits measured in the same run;
`python bench/run.py score enrolment` runs only those named. Needs PostgreSQL (BENCH_DATABASE_URL,
default postgres://postgres@127.0.0.1:5432/postgres)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import (
    dci_search,
    eligibility_check,
    enrolment,
    import_registry,
    notifications,
    payment_files,
    payment_statuses,
    payroll,
    score,
)

BENCHMARKS = [import_registry, score, dci_search, enrolment, eligibility_check, notifications, payroll,
              payment_files, payment_statuses]  # fmt: skip

if __name__ == "__main__":
    named = set(sys.argv[1:])
    chosen = [b for b in BENCHMARKS if not named or b.__name__.rsplit(".", 1)[1] in named]
    if named - {b.__name__.rsplit(".", 1)[1] for b in chosen}:
        sys.exit(
            f"unknown benchmark; the benchmarks are: {', '.join(b.__name__.rsplit('.', 1)[1] for b in BENCHMARKS)}"
        )
    results = [benchmark.main() for benchmark in chosen]
    sys.exit(0 if all(results) else 1)
