"""The 8171 eligibility check served by gunicorn at 1,000,000 households on PostgreSQL: answers a second
and p99 latency of `POST /api/v1/eligibility/check` and of the SMS gateway's `GET /sms/inbound`, each
for random CNICs of the registry (one in ten unregistered), beside the same load on `/healthz` of the
same server in the same run: the most this server and this load tool can do on this machine.

The load tool is wrk (Debian's `wrk` package: C, event-driven, one thread here; `apt-get install wrk`),
run as a second process over loopback; a Lua script gives every request another CNIC and prints the
figures as JSON. gunicorn runs the platform as in production (DEBUG off, persistent database
connections, the abuse limits on but set high enough never to refuse, so their cost is counted).

The database `ehsaas_bench_eligibility` (`…_N` for BENCH_HOUSEHOLDS=N) is made once and kept: a copy of
the scoring benchmark's kept registry (`ehsaas_bench_registry`, built by bench/score.py when missing),
migrated, scored when it has no scores, and given beneficiaries set-based: Kafaalat for the woman of
every household scoring 32 or less (one in fifty suspended, one in seven potential) and the education
stipend for their children in school.

Target (issue 4): at least 1,000 answers a second with p99 under 100 ms.
"""

import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import EHSAAS, ROOT, SERVER_URL, Figure, copy_database, database_url, report, run
from bench.score import HOUSEHOLDS, registry_database

DATABASE = "ehsaas_bench_eligibility" if HOUSEHOLDS == 1_000_000 else f"ehsaas_bench_eligibility_{HOUSEHOLDS}"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
WORKERS = int(os.environ.get("BENCH_WORKERS", "4"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "16"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "20"))
SAMPLE = 10_000
TARGET_PER_SECOND = 1000.0
TARGET_P99_MS = 100.0

# wrk's script: BENCH_MODE chooses the endpoint, BENCH_CNICS the file of CNICs to draw from.
WRK_SCRIPT = r"""
local mode = os.getenv("BENCH_MODE")
local cnics = {}
local json_header = {["Content-Type"] = "application/json"}

function init(args)
  for line in io.lines(os.getenv("BENCH_CNICS")) do cnics[#cnics + 1] = line end
  math.randomseed(os.time())  -- one thread (wrk -t1): one seed
end

function request()
  if mode == "healthz" then
    return wrk.format("GET", "/healthz")
  end
  local cnic = cnics[math.random(#cnics)]
  if mode == "api" then
    return wrk.format("POST", "/api/v1/eligibility/check", json_header, '{"cnic": "' .. cnic .. '"}')
  end
  local phone = "03" .. math.random(100000000, 499999999)
  return wrk.format("GET", "/sms/inbound?from=" .. phone .. "&text=CHECK+" .. cnic)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, "max_us": %d, ' ..
    '"non_2xx": %d, "connect": %d, "read": %d, "write": %d, "timeout": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), latency.max,
    e.status, e.connect, e.read, e.write, e.timeout))
end
"""


def _exists(name: str) -> bool:
    with psycopg.connect(SERVER_URL, autocommit=True) as connection:
        return (
            connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None
        )


def prepare() -> str:
    """The kept database: copied from the registry benchmark's once, then migrated, scored and enrolled
    only where it lacks something."""
    url = database_url(DATABASE)
    if not _exists(DATABASE):
        source = registry_database().rsplit("/", 1)[1]
        print(f"copying {source} into {DATABASE} (once) ...", flush=True)
        copy_database(source, DATABASE)
    env = {"DATABASE_URL": url, "DEBUG": "true"}
    run([str(EHSAAS), "migrate", "-v", "0"], env=env)
    with psycopg.connect(url) as connection:
        scored = connection.execute("SELECT count(*) FROM targeting_householdscore").fetchone()[0]
    if scored < HOUSEHOLDS * 0.99:
        print(f"scoring {DATABASE} (once) ...", flush=True)
        run([str(EHSAAS), "score", "--no-progress"], env=env)
    run([sys.executable, __file__, "--enrol"], env={**env, "DJANGO_SETTINGS_MODULE": "ehsaas.settings"})
    return url


def enrol() -> None:
    """In a child process with the benchmark's database: beneficiaries, once, written set-based."""
    import django

    django.setup()
    from django.db import connection

    from ehsaas.programs.models import Beneficiary, Programme

    if Beneficiary.objects.exists():
        return
    kafaalat = Programme.objects.get(code="kafaalat")
    stipends = Programme.objects.get(code="taleemi-wazaif")
    Programme.objects.filter(pk__in=[kafaalat.pk, stipends.pk]).update(status="active")
    with connection.cursor() as cursor:
        # The woman of each poor household: the head if she is a woman, else the head's wife.
        cursor.execute(
            """
            INSERT INTO programs_beneficiary (programme_id, household_id, member_id, status, status_reason,
                                              status_since, amount, category, enrolled_at)
            SELECT DISTINCT ON (m.household_id) %s, m.household_id, m.id,
                   CASE WHEN m.household_id %% 50 = 0 THEN 'suspended'
                        WHEN m.household_id %% 7 = 0 THEN 'potential' ELSE 'active' END,
                   'benchmark', now(), 13500, '', now()
            FROM registry_member m
            JOIN targeting_householdscore s ON s.household_id = m.household_id AND s.score <= 32
            WHERE m.status = 'active' AND m.sex = 'female' AND m.relationship IN ('head', 'spouse')
            ORDER BY m.household_id, m.relationship = 'head' DESC, m.member_no
            """,
            [kafaalat.pk],
        )
        women = cursor.rowcount
        cursor.execute(
            """
            INSERT INTO programs_beneficiary (programme_id, household_id, member_id, status, status_reason,
                                              status_since, amount, category, enrolled_at)
            SELECT %s, m.household_id, m.id, 'active', 'benchmark', now(),
                   CASE WHEN m.sex = 'female' THEN 2500 ELSE 2000 END, '', now()
            FROM registry_member m
            JOIN programs_beneficiary b ON b.household_id = m.household_id AND b.programme_id = %s
            WHERE m.status = 'active' AND m.in_school AND m.relationship IN ('son', 'daughter')
            """,
            [stipends.pk, kafaalat.pk],
        )
        children = cursor.rowcount
        cursor.execute("ANALYZE programs_beneficiary")
    print(
        f"  beneficiaries written: {women:,} women (Kafaalat), {children:,} children (stipends)", flush=True
    )


def cnic_file(url: str, folder: Path) -> Path:
    """SAMPLE random CNICs of living members, half written with dashes, and one in ten unregistered."""
    with psycopg.connect(url) as connection:
        numbers = [
            row[0]
            for row in connection.execute(
                "SELECT number FROM registry_identifier WHERE active AND id_type = 'cnic' "
                "ORDER BY random() LIMIT %s",
                [SAMPLE],
            )
        ]
    chooser = random.Random(8171)
    # No province of issue starts with 9: these numbers are nobody's.
    numbers += [f"9{chooser.randrange(10**12):012d}" for _ in range(len(numbers) // 9)]
    chooser.shuffle(numbers)
    path = folder / "cnics.txt"
    lines = [f"{n[:5]}-{n[5:12]}-{n[12]}" if i % 2 else n for i, n in enumerate(numbers)]
    path.write_text("\n".join(lines) + "\n")
    return path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def serve(url: str, port: int, home: Path) -> subprocess.Popen:
    (home / "var" / "static").mkdir(parents=True, exist_ok=True)  # served by nobody here; WhiteNoise wants it
    env = {
        **os.environ, "DATABASE_URL": url, "DEBUG": "false", "EHSAAS_INSECURE_DEV_KEY": "true", "EHSAAS_HOME": str(home),
        "ALLOWED_HOSTS": "127.0.0.1", "LOG_LEVEL": "WARNING", "DB_CONN_MAX_AGE": "600",
        "CHECK_LIMIT_PER_IP": "1000000000/h", "CHECK_LIMIT_PER_PHONE": "1000000000/h",
    }  # fmt: skip
    server = subprocess.Popen(
        [str(GUNICORN), "ehsaas.wsgi", "--workers", str(WORKERS), "--bind", f"127.0.0.1:{port}",
         "--backlog", "2048", "--log-level", "warning"],
        env=env,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as answer:
                if answer.status == 200:
                    return server
        except OSError:
            time.sleep(0.3)
    server.terminate()
    sys.exit("gunicorn did not answer /healthz within 60 seconds")


def answers_seen(port: int, cnics: Path, count: int = 300) -> Counter:
    """The statuses the check gives for the first CNICs of the file: the load is of real answers."""
    seen = Counter()
    for cnic in cnics.read_text().split()[:count]:
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/api/v1/eligibility/check",
            data=json.dumps({"cnic": cnic}).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=5) as answer:  # noqa: S310
            seen[json.loads(answer.read())["status"]] += 1
    return seen


def load(mode: str, port: int, script: Path, cnics: Path, seconds: int) -> dict:
    """wrk against one endpoint for `seconds`; its figures, with answers a second and p99 in ms."""
    completed = subprocess.run(
        [shutil.which("wrk"), "-t1", f"-c{CONNECTIONS}", f"-d{seconds}s", "--timeout", "10s", "-s", str(script),
         f"http://127.0.0.1:{port}"],
        env={**os.environ, "BENCH_MODE": mode, "BENCH_CNICS": str(cnics)},
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    figures = json.loads(completed.stdout.strip().splitlines()[-1])
    good = figures["requests"] - figures["non_2xx"]
    figures["per_second"] = good / (figures["duration_us"] / 1e6)
    figures["p99_ms"] = figures["p99_us"] / 1000
    return figures


def main() -> bool:
    if shutil.which("wrk") is None:
        sys.exit("the load tool wrk is not installed: apt-get install wrk")
    url = prepare()
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        script = folder / "check.lua"
        script.write_text(WRK_SCRIPT)
        cnics = cnic_file(url, folder)
        port = free_port()
        server = serve(url, port, folder)
        try:
            seen = answers_seen(port, cnics)
            load("api", port, script, cnics, 3)  # every worker connected and warm
            results = {mode: load(mode, port, script, cnics, SECONDS) for mode in ("healthz", "api", "sms")}
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
    ceiling, api, sms = results["healthz"], results["api"], results["sms"]
    refused = sum(r["non_2xx"] + r["connect"] + r["read"] + r["write"] + r["timeout"] for r in (api, sms))
    figures = [
        Figure(
            "/healthz, requests a second (the ceiling)", ceiling["per_second"], "/s", TARGET_PER_SECOND, True
        ),
        Figure("/healthz, p99 (the ceiling)", ceiling["p99_ms"], "ms", TARGET_P99_MS, True),
    ]
    for name, result in (("API check", api), ("SMS check", sms)):
        figures += [
            Figure(f"{name}, answers a second", result["per_second"], "/s", TARGET_PER_SECOND,
                   result["per_second"] >= TARGET_PER_SECOND),
            Figure(f"{name}, p99", result["p99_ms"], "ms", TARGET_P99_MS, result["p99_ms"] < TARGET_P99_MS),
        ]  # fmt: skip
    details = {
        "households": HOUSEHOLDS, "workers": WORKERS, "connections": CONNECTIONS, "seconds": SECONDS,
        "tool": "wrk -t1 (Debian)", "answers_sampled": dict(seen), "refused_or_failed": refused, **results,
    }  # fmt: skip
    ok = report(
        f"8171 eligibility check: POST /api/v1/eligibility/check and GET /sms/inbound beside GET /healthz, "
        f"gunicorn ({WORKERS} workers), wrk ({CONNECTIONS} connections, {SECONDS} s each), {HOUSEHOLDS:,} households",
        figures,
        details,
    )
    share = api["per_second"] / ceiling["per_second"]
    print(f"  API check / /healthz: {share:.0%} of the ceiling; answers of {sum(seen.values())} sampled CNICs: "
          + ", ".join(f"{status} {count}" for status, count in sorted(seen.items())))  # fmt: skip
    print(f"  requests refused or failed under load: {refused}")
    return ok and refused == 0


if __name__ == "__main__":
    if "--enrol" in sys.argv:
        enrol()
    else:
        raise SystemExit(0 if main() else 1)
