"""Applying statuses back from providers: a status file (pain.002 or the provider's CSV) or a
provider's callback, each through the same rules; payments not collected in time made unclaimed; a
reconciled cycle closed.

A status file is applied once: the same file (provider and SHA-256) sent again changes nothing. Its
lines are loaded into a temporary table (COPY on PostgreSQL, executemany in chunks on SQLite) and
judged there at once, in one statement:

- a line that cannot be read, or whose reference is no payment, or a payment of another provider, or of
  another amount, is reported (a StatusProblem), not applied;
- a payment repeated in the file: when every line for it says the same (status and reason), the first
  line applies and each repeat after it is reported as a duplicate; when its lines disagree (paid on one,
  failed on another) none applies and every one of them is reported, so that nobody decides by the order
  of the lines whether a woman was paid;
- a line repeating what the payment already is counts as unchanged (a callback and then the day's file
  say the same thing);
- a line that contradicts a status already final (paid, then failed; unclaimed, then paid) is reported
  as a conflict and the payment stays as it is: a paid payment never becomes failed;
- a line for a payment not yet sent (still in the payroll) is reported as a conflict too;
- every other line sets its payment paid or failed (with the provider's reason), in one UPDATE.

The provider's row is locked while a file of it is applied, so two files (or callbacks) of one
provider are applied one after the other and a payment cannot be set twice.
"""

import hashlib
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from ehsaas.core.progress import NoProgress, Progress
from ehsaas.core.services import audit_record
from ehsaas.messaging.services import messages_queue_sql
from ehsaas.payments.choices import (
    Channel,
    PaymentStatus,
    StatusFileFormat,
    StatusProblemKind,
)
from ehsaas.payments.models import Provider, StatusFile
from ehsaas.payments.statuses.readers import (
    StatusFileRefused,
    StatusLine,
    file_format_of,
    read_status_file,
    status_line,
)

PAYMENT_READY = "payment_ready"
CHUNK = 10_000
LINES = "payments_status_lines"
OUTCOMES = "payments_status_outcomes"
APPLY, UNCHANGED = "apply", "unchanged"

MSG_CALLBACK_NOT_JSON = _("The callback is not a JSON object with reference, status and amount.")
MSG_NO_PERMISSION = _("You may not apply payment statuses.")

# The words of the problems' details, translated when a file is applied.
DETAIL_WORDS = {
    "w_provider": _("paid through"),
    "w_cash": _("cash at points"),
    "w_file": _("the file says Rs"),
    "w_payment": _("the payment is Rs"),
    "w_repeat": _("repeats line"),
    "w_disagree": _("the lines for this payment disagree; none applied"),
    "w_already": _("the payment is already"),
    **{f"s_{status.value}": status.label for status in PaymentStatus},
}


class StatusRefused(ValidationError):
    """A status change that cannot be made, with a message saying why."""


@dataclass
class StatusApplied:
    """What applying a status file did: its StatusFile (with the counts), and whether it had been
    applied before (then nothing changed)."""

    status_file: StatusFile
    already_applied: bool = False
    messages_queued: int = 0
    problems: list = field(default_factory=list)


def sha256_of(stream: BinaryIO) -> str:
    digest = hashlib.sha256()
    for chunk in iter(lambda: stream.read(1 << 20), b""):
        digest.update(chunk)
    stream.seek(0)
    return digest.hexdigest()


def _stream(content) -> BinaryIO:
    return io.BytesIO(content) if isinstance(content, bytes | bytearray) else content


@transaction.atomic
def status_file_apply(
    *, provider: Provider, content, file_name: str, acting_user, progress: Progress | None = None
) -> StatusApplied:
    """Apply the status file `content` (bytes, or a binary file open for reading) that `provider` sent.
    Raises StatusFileRefused (nothing applied) for a file that cannot be read or fails its checksum."""
    if acting_user is not None and not acting_user.has_perm("payments.release_payments"):
        raise StatusRefused(MSG_NO_PERMISSION)
    stream = _stream(content)
    provider = Provider.objects.select_for_update().get(pk=provider.pk)
    sha256 = sha256_of(stream)
    existing = StatusFile.objects.filter(provider=provider, sha256=sha256).first()
    if existing is not None:
        return StatusApplied(status_file=existing, already_applied=True)
    file_format = file_format_of(stream.read(64))
    stream.seek(0)
    status_file = StatusFile.objects.create(
        provider=provider, file_format=file_format, file_name=file_name[:200], sha256=sha256,
        received_by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
    )  # fmt: skip
    lines = read_status_file(stream, file_format=file_format, label=file_name or str(provider))
    applied = _apply(status_file, lines, progress=progress or NoProgress())
    audit_record(
        actor=acting_user, action="payments.status_file_applied", subject=status_file,
        summary=f"{provider.code} status file {file_name}: {status_file.rows} lines, {status_file.paid} paid, "
        f"{status_file.failed} failed, {status_file.unchanged} unchanged, {status_file.problems} reported",
    )  # fmt: skip
    return applied


def _apply(status_file: StatusFile, lines: Iterable[StatusLine], *, progress: Progress) -> StatusApplied:
    """Load `lines` into a temporary table, judge them there, apply what may be applied and report the
    rest; store the counts on `status_file`. Runs in the caller's transaction."""
    with connection.cursor() as cursor:
        _tables_drop(cursor)
        _lines_load(cursor, lines, progress)
        cursor.execute(_outcomes_sql(), {"provider": status_file.provider_id, **_detail_params()})
        cursor.execute(
            f"""INSERT INTO payments_statusproblem (status_file_id, line, reference, kind, detail)
                SELECT %(file)s, line, reference, outcome, SUBSTR(detail, 1, 300) FROM {OUTCOMES}
                WHERE outcome NOT IN (%(apply)s, %(unchanged)s)""",
            {"file": status_file.pk, "apply": APPLY, "unchanged": UNCHANGED},
        )
        cursor.execute(
            f"""UPDATE payments_payment SET status = o.status, status_reason = o.reason, status_at = o.status_at
                FROM {OUTCOMES} o
                WHERE o.outcome = %(apply)s AND payments_payment.id = o.payment_id
                    AND payments_payment.status = %(instructed)s""",
            {"apply": APPLY, "instructed": PaymentStatus.INSTRUCTED.value},
        )
        cursor.execute(f"SELECT outcome, status, COUNT(*) FROM {OUTCOMES} GROUP BY outcome, status")
        counts = cursor.fetchall()
        queued = _payment_ready_queue()
        _tables_drop(cursor)
    rows = {(outcome, status): count for outcome, status, count in counts}
    status_file.rows = sum(rows.values())
    status_file.paid = rows.get((APPLY, PaymentStatus.PAID.value), 0)
    status_file.failed = rows.get((APPLY, PaymentStatus.FAILED.value), 0)
    status_file.unchanged = sum(count for (outcome, _s), count in rows.items() if outcome == UNCHANGED)
    status_file.problems = status_file.rows - status_file.paid - status_file.failed - status_file.unchanged
    status_file.save(update_fields=["rows", "paid", "failed", "unchanged", "problems"])
    return StatusApplied(status_file=status_file, messages_queued=queued)


def _tables_drop(cursor) -> None:
    for table in (OUTCOMES, LINES):
        cursor.execute(f"DROP TABLE IF EXISTS {table}")


def _lines_load(cursor, lines: Iterable[StatusLine], progress: Progress) -> None:
    postgres = connection.vendor == "postgresql"
    cursor.execute(
        f"""CREATE TEMPORARY TABLE {LINES} (line INTEGER NOT NULL, reference VARCHAR(35) NOT NULL,
            payment_id BIGINT, status VARCHAR(10) NOT NULL, amount BIGINT, reason VARCHAR(300) NOT NULL,
            status_at {"TIMESTAMP WITH TIME ZONE" if postgres else "TEXT"} NOT NULL,
            problem VARCHAR(300) NOT NULL){" ON COMMIT DROP" if postgres else ""}"""
    )
    progress.start(0, _g("Reading the status lines"), unit="lines")
    if postgres:
        # A COPY a chunk: the progress (a Job row, written through the same connection) is reported
        # between statements, never while a COPY holds the connection.
        columns = "line, reference, payment_id, status, amount, reason, status_at, problem"
        for chunk in _chunks(lines):
            with cursor.cursor.copy(f"COPY {LINES} ({columns}) FROM STDIN") as copy:
                for x in chunk:
                    row = (
                        x.line,
                        x.reference,
                        x.payment_id,
                        x.status,
                        x.amount,
                        x.reason,
                        x.status_at,
                        x.problem,
                    )
                    copy.write_row(row)
            progress.advance(len(chunk))
    else:
        adapt = connection.ops.adapt_datetimefield_value
        for chunk in _chunks(lines):
            cursor.executemany(
                f"INSERT INTO {LINES} VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
                [(x.line, x.reference, x.payment_id, x.status, x.amount, x.reason, adapt(x.status_at), x.problem)
                 for x in chunk],
            )  # fmt: skip
            progress.advance(len(chunk))
    progress.close()
    if postgres:
        cursor.execute(f"ANALYZE {LINES}")


def _chunks(lines: Iterable[StatusLine]) -> Iterator[list[StatusLine]]:
    chunk = []
    for line in lines:
        chunk.append(line)
        if len(chunk) >= CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _rupees_sql(paisa: str) -> str:
    """SQL writing an amount in paisa as rupees (13500, 13500.5 → "13500.50")."""
    return (
        f"CAST({paisa} / 100 AS TEXT) || CASE WHEN {paisa} %% 100 = 0 THEN '' WHEN {paisa} %% 100 < 10 "
        f"THEN '.0' || CAST({paisa} %% 100 AS TEXT) ELSE '.' || CAST({paisa} %% 100 AS TEXT) END"
    )


def _detail_params() -> dict[str, str]:
    return {key: str(words) for key, words in DETAIL_WORDS.items()}


def _outcomes_sql() -> str:
    """One statement judging every line (the rules in the module's docstring), into OUTCOMES: each line
    with its outcome (apply, unchanged, or a StatusProblemKind) and, for a problem, its detail."""
    kinds = StatusProblemKind
    final = ", ".join(
        f"'{s.value}'" for s in (PaymentStatus.PAID, PaymentStatus.FAILED, PaymentStatus.UNCLAIMED)
    )
    status_words = " ".join(f"WHEN '{s.value}' THEN %(s_{s.value})s" for s in PaymentStatus)
    return f"""
        CREATE TEMPORARY TABLE {OUTCOMES} AS
        SELECT y.line, y.reference, y.payment_id, y.status, y.reason, y.status_at, y.outcome,
            CASE y.outcome
                WHEN '{kinds.UNREADABLE.value}' THEN y.problem
                WHEN '{kinds.OTHER_PROVIDER.value}' THEN %(w_provider)s || ' ' || COALESCE(y.p_provider, %(w_cash)s)
                WHEN '{kinds.WRONG_AMOUNT.value}' THEN %(w_file)s || ' ' || {_rupees_sql("y.amount")} || '; '
                    || %(w_payment)s || ' ' || CAST(y.p_amount AS TEXT)
                WHEN '{kinds.DUPLICATE.value}' THEN CASE WHEN y.agree = 1 THEN %(w_repeat)s || ' ' ||
                    CAST(y.first_line AS TEXT) ELSE %(w_disagree)s END
                WHEN '{kinds.CONFLICT.value}' THEN %(w_already)s || ' ' || CASE y.p_status {status_words} END
                ELSE '' END AS detail
        FROM (
            SELECT x.*, CASE
                WHEN x.base IS NOT NULL THEN x.base
                WHEN x.agree = 0 OR x.rn > 1 THEN '{kinds.DUPLICATE.value}'
                WHEN x.p_status = '{PaymentStatus.PENDING.value}' THEN '{kinds.CONFLICT.value}'
                WHEN x.p_status = x.status THEN '{UNCHANGED}'
                WHEN x.p_status IN ({final}) THEN '{kinds.CONFLICT.value}'
                ELSE '{APPLY}' END AS outcome
            FROM (
                SELECT b.*,
                    ROW_NUMBER() OVER (PARTITION BY b.base, b.payment_id ORDER BY b.line) AS rn,
                    MIN(b.line) OVER w AS first_line,
                    CASE WHEN MIN(b.status) OVER w = MAX(b.status) OVER w
                        AND MIN(b.reason) OVER w = MAX(b.reason) OVER w THEN 1 ELSE 0 END AS agree
                FROM (
                    SELECT s.line, s.reference, s.payment_id, s.status, s.amount, s.reason, s.status_at,
                        s.problem, p.status AS p_status, p.amount AS p_amount, pr.code AS p_provider,
                        CASE
                            WHEN s.problem <> '' THEN '{kinds.UNREADABLE.value}'
                            WHEN p.id IS NULL THEN '{kinds.UNKNOWN_PAYMENT.value}'
                            WHEN p.provider_id IS NULL OR p.provider_id <> %(provider)s
                                THEN '{kinds.OTHER_PROVIDER.value}'
                            WHEN p.amount * 100 <> s.amount THEN '{kinds.WRONG_AMOUNT.value}'
                        END AS base
                    FROM {LINES} s
                    LEFT JOIN payments_payment p ON p.id = s.payment_id
                    LEFT JOIN payments_provider pr ON pr.id = p.provider_id
                ) b
                WINDOW w AS (PARTITION BY b.base, b.payment_id)
            ) x
        ) y"""


def _payment_ready_queue() -> int:
    """The women whose bank or wallet payment this file set paid told by SMS (Urdu, at the household's
    phone), in one statement; one message a cycle and phone, however often statuses come."""
    return messages_queue_sql(
        template=PAYMENT_READY,
        sql=f"""SELECT h.phone AS phone, 'ur' AS language, g.name_ur AS programme,
                CAST(p.amount AS TEXT) AS amount, 'payment_ready:' || g.code || '-' || c.period AS event
            FROM {OUTCOMES} o
            JOIN payments_payment p ON p.id = o.payment_id
            JOIN payments_paymentcycle c ON c.id = p.cycle_id
            JOIN programs_programme g ON g.id = c.programme_id
            JOIN registry_household h ON h.id = p.household_id
            WHERE o.outcome = %(apply)s AND o.status = %(paid)s AND p.channel IN (%(bank)s, %(wallet)s)""",
        params={"apply": APPLY, "paid": PaymentStatus.PAID.value, "bank": Channel.BANK.value,
                "wallet": Channel.WALLET.value},
    )  # fmt: skip


# --- Callbacks ---


@dataclass
class CallbackApplied:
    """What a callback did: `outcome` is "paid", "failed", "unchanged" or a StatusProblemKind value."""

    status_file: StatusFile
    outcome: str
    detail: str = ""
    already_applied: bool = False


@transaction.atomic
def status_callback_apply(*, provider: Provider, body: bytes) -> CallbackApplied:
    """Apply a provider's callback about one payment (JSON {reference, status, amount, reason}, its
    signature checked by the caller) through the same rules as a file. The same callback again (the same
    bytes) changes nothing and answers as the first time. Raises StatusRefused for a body that is not
    such an object."""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        data = None
    if not isinstance(data, dict) or not all(key in data for key in ("reference", "status", "amount")):
        raise StatusRefused(MSG_CALLBACK_NOT_JSON)
    provider = Provider.objects.select_for_update().get(pk=provider.pk)
    sha256 = hashlib.sha256(body).hexdigest()
    existing = StatusFile.objects.filter(provider=provider, sha256=sha256).first()
    if existing is not None:
        return _callback_outcome(existing, already_applied=True)
    now = timezone.now()
    line = status_line(
        line=1, reference=str(data["reference"]), status=str(data["status"]), amount=str(data["amount"]),
        reason=str(data.get("reason") or ""), at=str(data.get("paid_at") or ""), default_at=now,
    )  # fmt: skip
    status_file = StatusFile.objects.create(
        provider=provider, file_format=StatusFileFormat.CALLBACK, file_name=f"callback {line.reference}"[:200],
        sha256=sha256,
    )  # fmt: skip
    _apply(status_file, [line], progress=NoProgress())
    audit_record(actor=None, action="payments.status_callback_applied", subject=status_file,
                 summary=f"{provider.code} callback for {line.reference}")  # fmt: skip
    return _callback_outcome(status_file)


def _callback_outcome(status_file: StatusFile, *, already_applied: bool = False) -> CallbackApplied:
    problem = status_file.problem_lines.first()
    if problem is not None:
        outcome, detail = problem.kind, problem.detail
    elif status_file.paid:
        outcome, detail = PaymentStatus.PAID.value, ""
    elif status_file.failed:
        outcome, detail = PaymentStatus.FAILED.value, ""
    else:
        outcome, detail = UNCHANGED, ""
    return CallbackApplied(
        status_file=status_file, outcome=outcome, detail=detail, already_applied=already_applied
    )


def callback_secret(provider_code: str) -> str:
    """The secret `provider_code` signs its callbacks with (settings.PAYMENT_CALLBACK_SECRETS), or ""."""
    return (getattr(settings, "PAYMENT_CALLBACK_SECRETS", None) or {}).get(provider_code, "")


__all__ = ["StatusFileRefused", "StatusRefused", "status_callback_apply", "status_file_apply"]
