"""Instructions out: an approved cycle's pending bank and wallet payments, per provider, in batches of at
most PAYMENT_BATCH_SIZE in payment id order; each batch a pain.001 file (banks), a wallet CSV or an API
submission, made once.

A batch is made in one transaction: its row, its payments marked instructed (one UPDATE over its id
range) and its file written, validated and put in place; a file that fails is never released and
nothing of its batch stays. Running the export again makes nothing for payments already in a batch; a
batch's file is served again byte for byte, after its SHA-256 is checked.

Payments are read set-based: one query plans every batch (row_number over the cycle's pending payments),
and each batch's rows are streamed in id order through a server-side cursor on PostgreSQL."""

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Max, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ehsaas.core.progress import NoProgress, Progress
from ehsaas.core.services import audit_record
from ehsaas.payments.choices import CycleStatus, InstructionFormat, PaymentStatus
from ehsaas.payments.instructions.writers import (
    BIC_PATTERN,
    IBAN_PATTERN,
    MSISDN_PATTERN,
    Debtor,
    Row,
    SchemaError,
    Written,
    file_sha256,
    pain001_validate,
    pain001_write,
    reference_of,
    wallet_csv_write,
)
from ehsaas.payments.models import InstructionBatch, Payment, PaymentCycle, Provider, ProviderSubmission
from ehsaas.registry.models import Household, Member

FILE_FORMATS = (InstructionFormat.PAIN001, InstructionFormat.WALLET_CSV)
SENT_FORMATS = (*FILE_FORMATS, InstructionFormat.API)
EXTENSIONS = {InstructionFormat.PAIN001: "xml", InstructionFormat.WALLET_CSV: "csv"}
FETCH = 5_000  # rows fetched from the cursor at a time
SHOWN_PROBLEMS = 5


class InstructionsRefused(ValidationError):
    """Instructions cannot be made, or a file cannot be served; the message says why."""

    NOT_APPROVED = _("Instructions go out only for an approved cycle; this one is %(status)s.")
    BROKEN_PAYMENTS = _(
        "%(count)s payments cannot be instructed, so no file was made: %(problems)s. Correct their "
        "accounts and export again."
    )
    INVALID_FILE = _(
        "The file for %(provider)s (batch %(message_id)s) does not conform to the ISO 20022 pain.001 "
        "schema, so it was not released and none of its payments were marked: %(error)s"
    )
    TOTALS_DIFFER = _(
        "Batch %(message_id)s was not made: its payments changed while it was written (%(written)s "
        "payments of Rs %(total)s written, %(expected)s of Rs %(expected_total)s expected). Export again."
    )
    NO_FILE = _("This batch has no file: it went to the provider's API.")
    FILE_MISSING = _("The file of batch %(message_id)s is no longer on the server (%(file)s).")
    FILE_TAMPERED = _(
        "The file of batch %(message_id)s on the server no longer matches the SHA-256 recorded when it was "
        "made, so it is not served: it has been changed since. Recorded %(recorded)s, found %(found)s."
    )
    NO_DEBTOR = _("The paying account is not configured: set PAYMENT_DEBTOR_IBAN and PAYMENT_DEBTOR_BIC.")


# Why a payment cannot be instructed, as the export reports it.
NO_PROVIDER = _("no provider")
NO_ACCOUNT = _("no account number")
NOT_IBAN = _("account is not an IBAN")
NO_BIC = _("the provider has no BIC")
NOT_MSISDN = _("wallet number is not a mobile number")


@dataclass(frozen=True)
class PlannedBatch:
    provider_id: int
    first_id: int
    last_id: int
    transactions: int
    control_sum: int


@dataclass
class Export:
    """What an export made: the new batches (none when everything was already made)."""

    cycle: PaymentCycle
    batches: list[InstructionBatch]

    @property
    def transactions(self) -> int:
        return sum(batch.transactions for batch in self.batches)


# --- selectors and fetchers -------------------------------------------------------------------------


def cycle_get_for_files(*, user, pk: int) -> PaymentCycle:
    """A cycle whose instruction batches the user may see."""
    if not user.has_perm("payments.view_instructionbatch"):
        raise PermissionDenied
    return get_object_or_404(PaymentCycle.objects.select_related("programme"), pk=pk)


def batch_get_for_release(*, user, pk: int) -> InstructionBatch:
    """A batch whose file the user may download: only those who release payments."""
    if not user.has_perm("payments.release_payments"):
        raise PermissionDenied
    return get_object_or_404(InstructionBatch.objects.select_related("provider", "cycle"), pk=pk)


def cycle_batches(*, cycle: PaymentCycle) -> QuerySet[InstructionBatch]:
    return (
        InstructionBatch.objects.filter(cycle=cycle)
        .select_related("provider", "submission", "created_by")
        .order_by("provider__name", "sequence")
    )


def cycle_pending_count(*, cycle: PaymentCycle) -> int:
    """Payments of the cycle still waiting for instructions to their provider."""
    return _exportable(cycle).count()


def _exportable(cycle: PaymentCycle) -> QuerySet[Payment]:
    return Payment.objects.filter(
        cycle=cycle, status=PaymentStatus.PENDING, batch__isnull=True,
        provider__instruction_format__in=SENT_FORMATS,
    )  # fmt: skip


def batch_file_path(batch: InstructionBatch) -> Path:
    return Path(settings.PAYMENT_FILES_DIR) / batch.file_name


def batch_file_checked(*, batch: InstructionBatch) -> Path:
    """The batch's file as it was made: refused when missing or when its SHA-256 differs."""
    if not batch.file_name:
        raise InstructionsRefused(InstructionsRefused.NO_FILE)
    path = batch_file_path(batch)
    if not path.is_file():
        raise InstructionsRefused(
            InstructionsRefused.FILE_MISSING, params={"message_id": batch.message_id, "file": batch.file_name}
        )
    found = file_sha256(path)
    if found != batch.sha256:
        raise InstructionsRefused(InstructionsRefused.FILE_TAMPERED, params={
            "message_id": batch.message_id, "recorded": batch.sha256, "found": found,
        })  # fmt: skip
    return path


# --- the export -------------------------------------------------------------------------------------


def instructions_export(*, cycle: PaymentCycle, acting_user, progress: Progress | None = None) -> Export:
    """Make the instruction batches of an approved cycle: every pending payment of a provider taking
    files or API calls, in batches of at most PAYMENT_BATCH_SIZE in id order, one transaction each.
    Refused (nothing made) when the cycle is not approved or a payment cannot be instructed."""
    progress = progress or NoProgress()
    cycle.refresh_from_db(fields=["status"])
    if cycle.status != CycleStatus.APPROVED:
        raise InstructionsRefused(
            InstructionsRefused.NOT_APPROVED, params={"status": cycle.get_status_display().lower()}
        )
    _check_payments(cycle)
    plan = _plan(cycle)
    progress.start(sum(part.transactions for part in plan), str(_("Writing instructions")), unit="payments")
    providers = Provider.objects.in_bulk({part.provider_id for part in plan})
    made = []
    try:
        for part in plan:
            made.append(instruction_batch_make(cycle=cycle, provider=providers[part.provider_id], part=part,
                                               acting_user=acting_user))  # fmt: skip
            progress.advance(part.transactions)
    finally:
        progress.close()
    return Export(cycle=cycle, batches=made)


def _check_payments(cycle: PaymentCycle) -> None:
    """Refuse the export, naming the first few, when any payment to go out lacks what its file needs."""
    pending = _exportable(cycle)
    bank = Q(provider__instruction_format=InstructionFormat.PAIN001)
    wallet = Q(provider__instruction_format__in=[InstructionFormat.WALLET_CSV, InstructionFormat.API])
    checks = [
        (Q(account_number=""), NO_ACCOUNT),
        (bank & ~Q(account_number__regex=IBAN_PATTERN), NOT_IBAN),
        (bank & ~Q(provider__bic__regex=BIC_PATTERN), NO_BIC),
        (wallet & ~Q(account_number__regex=MSISDN_PATTERN), NOT_MSISDN),
    ]
    broken = Q()
    for condition, _reason in checks:
        broken |= condition
    orphans = Payment.objects.filter(
        cycle=cycle, status=PaymentStatus.PENDING, provider__isnull=True, channel__in=["bank", "wallet"]
    )
    count = pending.filter(broken).count() + orphans.count()
    if not count:
        return
    problems = [
        f"{reference_of(pk)} ({NO_PROVIDER})" for pk in orphans.values_list("pk", flat=True)[:SHOWN_PROBLEMS]
    ]
    for condition, reason in checks:
        shown = SHOWN_PROBLEMS - len(problems)
        if shown > 0:
            ids = pending.filter(condition).order_by("pk").values_list("pk", flat=True)[:shown]
            problems += [f"{reference_of(pk)} ({reason})" for pk in ids]
    raise InstructionsRefused(
        InstructionsRefused.BROKEN_PAYMENTS, params={"count": count, "problems": "; ".join(problems)}
    )


def _plan(cycle: PaymentCycle) -> list[PlannedBatch]:
    """Every batch to make, in one query: the cycle's pending payments numbered per provider in id
    order, cut every PAYMENT_BATCH_SIZE."""
    payments, providers = Payment._meta.db_table, Provider._meta.db_table
    formats = ", ".join(["%s"] * len(SENT_FORMATS))
    query = f"""
        SELECT provider_id, (n - 1) / %s AS part, min(id), max(id), count(*), sum(amount)
        FROM (SELECT p.id, p.provider_id, p.amount,
                     row_number() OVER (PARTITION BY p.provider_id ORDER BY p.id) AS n
              FROM {payments} p JOIN {providers} v ON v.id = p.provider_id
              WHERE p.cycle_id = %s AND p.status = %s AND p.batch_id IS NULL
                AND v.instruction_format IN ({formats})) numbered
        GROUP BY provider_id, part
        ORDER BY provider_id, part
    """  # table names from the models, values as parameters
    with connection.cursor() as cursor:
        cursor.execute(query, [settings.PAYMENT_BATCH_SIZE, cycle.pk, PaymentStatus.PENDING, *SENT_FORMATS])
        return [PlannedBatch(row[0], row[2], row[3], row[4], int(row[5])) for row in cursor.fetchall()]


def message_id_for(cycle: PaymentCycle, provider: Provider, sequence: int) -> str:
    """EHS-<cycle>-<provider>-<sequence>, at most 35 characters (ISO 20022 Max35Text): a long provider
    code is cut."""
    fixed = f"EHS-{cycle.pk}--{sequence}"
    return f"EHS-{cycle.pk}-{provider.code[: 35 - len(fixed)]}-{sequence}"


def debtor() -> Debtor:
    return Debtor(
        name=settings.PAYMENT_DEBTOR_NAME, iban=settings.PAYMENT_DEBTOR_IBAN, bic=settings.PAYMENT_DEBTOR_BIC
    )


@transaction.atomic
def instruction_batch_make(*, cycle: PaymentCycle, provider: Provider, part: PlannedBatch,
                           acting_user) -> InstructionBatch:  # fmt: skip
    """One batch: its row, its payments marked instructed and attached, and its file written, checked and
    put in place (or its API submission waiting), all or nothing."""
    cycle = PaymentCycle.objects.select_for_update().get(pk=cycle.pk)  # one export of a cycle at a time
    if cycle.status != CycleStatus.APPROVED:
        raise InstructionsRefused(
            InstructionsRefused.NOT_APPROVED, params={"status": cycle.get_status_display().lower()}
        )
    last = InstructionBatch.objects.filter(cycle=cycle, provider=provider).aggregate(last=Max("sequence"))
    sequence = (last["last"] or 0) + 1
    message_id = message_id_for(cycle, provider, sequence)
    extension = EXTENSIONS.get(provider.instruction_format)
    batch = InstructionBatch.objects.create(
        cycle=cycle, provider=provider, sequence=sequence, instruction_format=provider.instruction_format,
        message_id=message_id, transactions=part.transactions, control_sum=part.control_sum,
        file_name=f"{cycle.pk}/{message_id}.{extension}" if extension else "", created_by=_user(acting_user),
    )  # fmt: skip
    marked = Payment.objects.filter(
        cycle=cycle, provider=provider, status=PaymentStatus.PENDING, batch__isnull=True,
        pk__gte=part.first_id, pk__lte=part.last_id,
    ).update(batch=batch, status=PaymentStatus.INSTRUCTED, status_at=timezone.now())  # fmt: skip
    if marked != part.transactions:
        _refuse_changed(batch, Written(marked, -1))
    if extension:
        _file_write(batch)
    else:
        ProviderSubmission.objects.create(batch=batch)
    audit_record(actor=acting_user, action="payments.instructions_made", subject=batch,
                 summary=f"{message_id}: {batch.transactions} payments of Rs {batch.control_sum} to "
                         f"{provider.code}" + (f", SHA-256 {batch.sha256}" if batch.sha256 else ", for its API"))  # fmt: skip
    return batch


def _user(acting_user):
    return acting_user if getattr(acting_user, "is_authenticated", False) else None


def _refuse_changed(batch: InstructionBatch, written: Written) -> None:
    raise InstructionsRefused(InstructionsRefused.TOTALS_DIFFER, params={
        "message_id": batch.message_id, "written": written.transactions,
        "total": written.control_sum if written.control_sum >= 0 else "?",
        "expected": batch.transactions, "expected_total": batch.control_sum,
    })  # fmt: skip


def _file_write(batch: InstructionBatch) -> None:
    """Write the batch's file beside its final name, check it, then move it into place with its
    .sha256; on any failure the partial file is removed (and the transaction rolls back)."""
    final = batch_file_path(batch)
    final.parent.mkdir(parents=True, exist_ok=True)
    partial = final.with_name(final.name + ".part")
    try:
        rows = batch_rows(batch)
        if batch.instruction_format == InstructionFormat.PAIN001:
            if not (batch.provider.bic and settings.PAYMENT_DEBTOR_IBAN and settings.PAYMENT_DEBTOR_BIC):
                raise InstructionsRefused(InstructionsRefused.NO_DEBTOR)
            now = timezone.localtime()
            written = pain001_write(
                partial, rows, message_id=batch.message_id, created=now, execution=now.date(), debtor=debtor(),
                creditor_bic=batch.provider.bic, transactions=batch.transactions, control_sum=batch.control_sum,
            )  # fmt: skip
        else:
            written = wallet_csv_write(partial, rows, message_id=batch.message_id)
        if (written.transactions, written.control_sum) != (batch.transactions, batch.control_sum):
            _refuse_changed(batch, written)
        if batch.instruction_format == InstructionFormat.PAIN001:
            try:
                pain001_validate(partial)
            except SchemaError as error:
                raise InstructionsRefused(InstructionsRefused.INVALID_FILE, params={
                    "provider": batch.provider.name, "message_id": batch.message_id, "error": str(error),
                }) from None  # fmt: skip
        batch.sha256 = file_sha256(partial)
        os.replace(partial, final)
        final.with_name(final.name + ".sha256").write_text(
            f"{batch.sha256}  {final.name}\n", encoding="utf-8"
        )
        batch.save(update_fields=["sha256"])
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def batch_rows(batch: InstructionBatch) -> Iterator[Row]:
    """The batch's payments in id order, streamed (a server-side cursor on PostgreSQL): id, amount,
    account and the name the account is held in (the woman's, else her household's reference)."""
    query = f"""
        SELECT p.id, p.amount, p.account_number, COALESCE(m.full_name, h.household_ref)
        FROM {Payment._meta.db_table} p
        JOIN {Household._meta.db_table} h ON h.id = p.household_id
        LEFT JOIN {Member._meta.db_table} m ON m.id = p.member_id
        WHERE p.batch_id = %s
        ORDER BY p.id
    """  # table names from the models
    with connection.chunked_cursor() as cursor:
        cursor.execute(query, [batch.pk])
        while chunk := cursor.fetchmany(FETCH):
            yield from chunk
