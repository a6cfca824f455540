"""Payment-ready notices to 1,000,000 beneficiaries on PostgreSQL (issue 5, Speed): queued set-based
in one statement (messages_queue_sql: INSERT … SELECT … ON CONFLICT DO NOTHING, the template rendered in
SQL) within a minute, beside a yardstick measured in the same run (a raw INSERT … SELECT of the same rows
into the same table, without rendering or checking); then the sender (`ehsaas messages send`, the log
gateway) drains the queue for ~30 s at a configured rate, and the rate it achieves and its peak memory at
the start and at the end of draining are printed (the memory must stay flat, whatever is left queued).

Its own database, ehsaas_bench_notifications, made afresh and dropped at the end.
BENCH_RECIPIENTS (1,000,000), BENCH_SMS_RATE (2,000 a second) and BENCH_DRAIN_SECONDS (30) change it.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg

from bench.common import EHSAAS, Figure, drop_database, fresh_database, report, run

NAME = "ehsaas_bench_notifications"
RECIPIENTS = int(os.environ.get("BENCH_RECIPIENTS", "1000000"))
RATE = float(os.environ.get("BENCH_SMS_RATE", "2000"))
DRAIN_SECONDS = float(os.environ.get("BENCH_DRAIN_SECONDS", "30"))
QUEUE_LIMIT_SECONDS = 60.0
# The sender's memory at the end of draining may exceed that at its start by this much at most.
FLAT_MB = 10.0
EVENT = "payment_ready:kafaalat-2026Q3"

RECIPIENTS_TABLE = """
    CREATE TABLE bench_recipients AS
    SELECT i AS id, '+923' || lpad(i::text, 9, '0') AS phone,
        CASE WHEN i %% 10 = 0 THEN 'en' ELSE 'ur' END AS language,
        CASE WHEN i %% 10 = 0 THEN 'Kafaalat' ELSE 'کفالت' END AS programme,
        to_char(13500 + (i %% 4) * 500, 'FM99,999') AS amount
    FROM generate_series(1, %s) AS i
"""
YARDSTICK = """
    INSERT INTO messaging_message (event, phone, language, template, text, status, attempts, next_attempt_at,
        gateway, gateway_id, error, report, queued_at)
    SELECT 'yardstick', substr(phone, 2), language, 'payment_ready', programme, 'queued', 0, now(), '', '', '',
        '', now()
    FROM bench_recipients
"""
QUEUE = f"""
import time
from django.db import transaction
from ehsaas.messaging.services import messages_queue_sql
started = time.perf_counter()
with transaction.atomic():
    queued = messages_queue_sql(template="payment_ready", event="{EVENT}",
                                sql="SELECT phone, language, programme, amount FROM bench_recipients")
print(queued, round(time.perf_counter() - started, 2))
"""


def memory_mb(pid: int) -> dict[str, float]:
    """The process's resident memory now (VmRSS) and at its peak so far (VmHWM), in MB."""
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines())
    return {key: int(fields[key].split()[0]) / 1024 for key in ("VmRSS", "VmHWM")}


def clean(url: str) -> None:
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("TRUNCATE messaging_message RESTART IDENTITY")
        connection.execute("VACUUM ANALYZE messaging_message")
        connection.execute("CHECKPOINT")


def main() -> bool:
    url = fresh_database(NAME)
    env = {"DATABASE_URL": url, "DEBUG": "false", "EHSAAS_INSECURE_DEV_KEY": "true", "SMS_GATEWAY": "log",
           "SMS_SEND_RATE": str(RATE), "LOG_LEVEL": "WARNING"}  # fmt: skip
    try:
        run([str(EHSAAS), "migrate", "--no-input", "-v", "0"], env=env)
        with psycopg.connect(url, autocommit=True) as connection:
            print(f"{RECIPIENTS:,} recipients in a table ...", flush=True)
            connection.execute(RECIPIENTS_TABLE, [RECIPIENTS])
            connection.execute("VACUUM ANALYZE bench_recipients")
            connection.execute("CHECKPOINT")
            started = time.perf_counter()
            connection.execute(YARDSTICK)
            yardstick = time.perf_counter() - started
        clean(url)

        queue = run([str(EHSAAS), "shell", "-c", QUEUE], env=env)
        queued, queue_seconds = queue.stdout.split()[-2:]
        queued, queue_seconds = int(queued), float(queue_seconds)
        print(f"  {queued:,} queued in {queue_seconds:.1f} s (the raw INSERT … SELECT: {yardstick:.1f} s)")
        with psycopg.connect(url, autocommit=True) as connection:
            connection.execute("VACUUM ANALYZE messaging_message")

        sender = subprocess.Popen(
            [str(EHSAAS), "messages", "send"], env={**os.environ, **env}, stdout=subprocess.PIPE, text=True
        )
        samples = []
        started = time.monotonic()
        while time.monotonic() - started < DRAIN_SECONDS:
            time.sleep(1)
            samples.append({"second": round(time.monotonic() - started), **memory_mb(sender.pid)})
        sender.send_signal(signal.SIGTERM)
        output, _ = sender.communicate(timeout=60)
        with psycopg.connect(url) as connection:
            first, last, after_first = connection.execute(
                """SELECT min(sent_at), max(sent_at),
                          count(*) FILTER (WHERE sent_at > (SELECT min(sent_at) FROM messaging_message))
                   FROM messaging_message WHERE status = 'sent'"""
            ).fetchone()
            sent, left = connection.execute(
                "SELECT count(*) FILTER (WHERE status = 'sent'), count(*) FILTER (WHERE status = 'queued') "
                "FROM messaging_message"
            ).fetchone()
    finally:
        drop_database(NAME)

    # From the end of the first batch to the end of the last: the batches in between, at the rate.
    achieved = after_first / (last - first).total_seconds()
    at_start, at_end = samples[2]["VmHWM"], samples[-1]["VmHWM"]
    print(f"  sender: {output.strip().splitlines()[-1]} ({sent:,} sent, {left:,} still queued)")
    figures = [
        Figure(f"queue {queued:,} payment-ready messages", queue_seconds, "s", QUEUE_LIMIT_SECONDS,
               queue_seconds <= QUEUE_LIMIT_SECONDS),
        Figure("  yardstick: raw INSERT … SELECT, no rendering", yardstick, "s", QUEUE_LIMIT_SECONDS, True),
        Figure("drain: achieved rate (configured is the limit)", achieved, "msg/s", RATE,
               0.9 * RATE <= achieved <= 1.01 * RATE),
        Figure("sender's peak memory, 3 s into draining", at_start, "MB", 1024, at_start < 1024),
        Figure(f"sender's peak memory after {DRAIN_SECONDS:.0f} s", at_end, "MB", at_start + FLAT_MB,
               at_end <= at_start + FLAT_MB),
    ]  # fmt: skip
    details = {"recipients": RECIPIENTS, "queued": queued, "queue_seconds": queue_seconds,
               "yardstick_seconds": round(yardstick, 2), "rate": RATE, "achieved_rate": round(achieved, 1),
               "sent": sent, "left": left, "memory": samples}  # fmt: skip
    return report(f"Notifications: {RECIPIENTS:,} payment-ready messages on PostgreSQL", figures, details)


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
