"""What every benchmark shares: a scratch PostgreSQL database, the cached synthetic population, a child
process timed with its peak memory, and a table of figures printed beside their limits."""

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
EHSAAS = ROOT / ".venv" / "bin" / "ehsaas"
SERVER_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")


def database_url(name: str) -> str:
    return SERVER_URL.rsplit("/", 1)[0] + "/" + name


def fresh_database(name: str) -> str:
    with psycopg.connect(SERVER_URL, autocommit=True) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return database_url(name)


def copy_database(source: str, target: str, *, attempts: int = 30) -> None:
    """CREATE DATABASE target TEMPLATE source. PostgreSQL refuses while anyone is connected to the source;
    autovacuum workers tidying up after the previous benchmark are stopped (they start again later), and
    anyone else is waited for a while."""
    for attempt in range(attempts):
        with psycopg.connect(SERVER_URL, autocommit=True) as connection:
            connection.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND backend_type = 'autovacuum worker'",
                [source],
            )
            try:
                connection.execute(
                    sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                        sql.Identifier(target), sql.Identifier(source)
                    )
                )
                return
            except psycopg.errors.ObjectInUse:
                if attempt == attempts - 1:
                    raise
        time.sleep(2)


def drop_database(name: str) -> None:
    with psycopg.connect(SERVER_URL, autocommit=True) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@dataclass
class Run:
    seconds: float
    peak_rss_mb: float
    stdout: str


def run(args: list[str], *, env: dict | None = None, check: bool = True) -> Run:
    """Run a command to completion; return its wall time and the peak resident memory of that process."""
    started = time.perf_counter()
    process = subprocess.Popen(args, stdout=subprocess.PIPE, env={**os.environ, **(env or {})}, text=True)
    stdout = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    if check and os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{' '.join(map(str, args))} failed with status {os.waitstatus_to_exitcode(status)}")
    return Run(seconds=seconds, peak_rss_mb=usage.ru_maxrss / 1024, stdout=stdout)


def population(households: int, seed: int = 1) -> Path:
    """The generated survey files, made once and kept under var/bench."""
    folder = ROOT / "var" / "bench" / f"population-{households}-seed{seed}"
    if not (folder / "done").exists():
        folder.mkdir(parents=True, exist_ok=True)
        print(f"generating {households:,} households into {folder} (once) ...", flush=True)
        run([str(EHSAAS), "generate-population", "--households", str(households), "--seed", str(seed),
             "--out", str(folder)], env={"DEBUG": "true"})  # fmt: skip
        (folder / "done").touch()
    return folder


@dataclass
class Figure:
    name: str
    value: float
    unit: str
    limit: float
    within: bool

    def line(self) -> str:
        verdict = "ok" if self.within else "OVER THE LIMIT"
        return (
            f"  {self.name:<44} {self.value:>12,.2f} {self.unit:<14} limit {self.limit:>10,.2f}   {verdict}"
        )


def report(title: str, figures: list[Figure], details: dict) -> bool:
    print(f"\n{title}")
    for figure in figures:
        print(figure.line())
    OUT.mkdir(parents=True, exist_ok=True)
    slug = title.split(":")[0].strip().lower().replace(" ", "_")
    payload = {"title": title, "figures": [f.__dict__ for f in figures], **details}
    (OUT / f"{slug}.json").write_text(json.dumps(payload, indent=2))
    return all(f.within for f in figures)


def peak_memory_mb(pid: int) -> float:
    """A process's peak resident memory so far (VmHWM), in MB; 0 once it has ended."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except (FileNotFoundError, ProcessLookupError):
        pass
    return 0.0


def run_sampled(args: list[str], *, env: dict) -> tuple[float, list[tuple[float, float]], str]:
    """Run a command to its end; its wall time, its peak memory sampled every half second (seconds in,
    MB), and its output. A command that fails stops the benchmark."""
    started = time.perf_counter()
    process = subprocess.Popen(args, stdout=subprocess.PIPE, text=True, env={**os.environ, **env})
    samples = []
    while process.poll() is None:
        time.sleep(0.5)
        peak = peak_memory_mb(process.pid)
        if peak:
            samples.append((round(time.perf_counter() - started, 1), peak))
    output = process.stdout.read()
    seconds = time.perf_counter() - started
    if process.returncode != 0:
        sys.exit(f"{' '.join(args)} failed with status {process.returncode}")
    return seconds, samples, output
