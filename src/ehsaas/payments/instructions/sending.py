"""Instructions to providers' HTTP APIs: each waiting submission of a cycle sent under its idempotency key,
the same on every attempt, so that a retry after a timeout can never make the provider pay twice."""

import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ehsaas.core.services import audit_record
from ehsaas.payments.choices import PaymentStatus, SubmissionStatus
from ehsaas.payments.instructions.adapter import (
    ProviderApi,
    ProviderRefused,
    ProviderTimeout,
    ProviderUnavailable,
    api_for,
)
from ehsaas.payments.instructions.services import batch_rows
from ehsaas.payments.instructions.writers import msisdn, reference_of, rupees
from ehsaas.payments.models import InstructionBatch, Payment, PaymentCycle, Provider, ProviderSubmission


@dataclass
class Sending:
    accepted: int = 0
    refused: int = 0
    waiting: int = 0


def batch_payload(batch: InstructionBatch) -> dict:
    """The JSON body of a batch sent to a provider's API."""
    payments = [
        {"reference": reference_of(pk), "msisdn": msisdn(account), "name": name, "amount": rupees(amount)}
        for pk, amount, account, name in batch_rows(batch)
    ]
    return {"batch_id": batch.message_id, "currency": "PKR", "count": batch.transactions,
            "control_total": rupees(batch.control_sum), "payments": payments}  # fmt: skip


def instructions_send(*, cycle: PaymentCycle, acting_user, api_for: Callable[[Provider], ProviderApi] = api_for,
                      sleep: Callable[[float], None] = time.sleep) -> Sending:  # fmt: skip
    """Send each waiting API submission of the cycle (see submission_send)."""
    outcome = Sending()
    waiting = (
        ProviderSubmission.objects.filter(batch__cycle=cycle, status=SubmissionStatus.WAITING)
        .select_related("batch__provider", "batch__cycle")
        .order_by("batch__provider__name", "batch__sequence")
    )
    for submission in waiting:
        status = submission_send(submission=submission, api=api_for(submission.batch.provider),
                                 acting_user=acting_user, sleep=sleep)  # fmt: skip
        setattr(outcome, status, getattr(outcome, status) + 1)
    return outcome


def submission_send(*, submission: ProviderSubmission, api: ProviderApi, acting_user,
                    sleep: Callable[[float], None] = time.sleep) -> str:  # fmt: skip
    """Send one batch to its provider's API under the submission's idempotency key, the same on every
    attempt: up to PAYMENT_API_ATTEMPTS attempts, waiting PAYMENT_API_BACKOFF seconds and twice as long
    after each timeout or failure. Accepted: the provider's reference kept. Refused: the provider's
    words kept and the batch's payments failed with them. No answer after every attempt: still waiting,
    with the reason, for the next send (with the same key, so it cannot pay twice)."""
    batch = submission.batch
    payload = batch_payload(batch)
    key = str(submission.idempotency_key)
    attempts = settings.PAYMENT_API_ATTEMPTS
    for attempt in range(attempts):
        # Counted before the call, in its own commit: a crash during the call still counts it.
        ProviderSubmission.objects.filter(pk=submission.pk).update(attempts=F("attempts") + 1)
        try:
            reference = api.submit(payload, key)
        except (ProviderTimeout, ProviderUnavailable) as error:
            reason = _("Attempt %(attempt)s of %(attempts)s got no answer (%(error)s); sent again with the same "
                       "idempotency key, so it cannot be paid twice.") % {
                "attempt": attempt + 1, "attempts": attempts, "error": error}  # fmt: skip
            ProviderSubmission.objects.filter(pk=submission.pk).update(last_error=str(reason)[:300])
            if attempt + 1 < attempts:
                sleep(settings.PAYMENT_API_BACKOFF * 2**attempt)
            continue
        except ProviderRefused as refusal:
            submission_refused(submission=submission, words=str(refusal), acting_user=acting_user)
            return SubmissionStatus.REFUSED.value
        submission_accepted(submission=submission, reference=reference, acting_user=acting_user)
        return SubmissionStatus.ACCEPTED.value
    reason = _("No answer after %(attempts)s attempts; it stays waiting and will be sent again with the same "
               "idempotency key.") % {"attempts": attempts}  # fmt: skip
    ProviderSubmission.objects.filter(pk=submission.pk).update(last_error=str(reason)[:300])
    return SubmissionStatus.WAITING.value


@transaction.atomic
def submission_accepted(*, submission: ProviderSubmission, reference: str, acting_user) -> None:
    ProviderSubmission.objects.filter(pk=submission.pk).update(
        status=SubmissionStatus.ACCEPTED, provider_reference=reference[:100], accepted_at=timezone.now()
    )
    submission.refresh_from_db()
    audit_record(actor=acting_user, action="payments.instructions_accepted", subject=submission.batch,
                 summary=f"{submission.batch.message_id} accepted by {submission.batch.provider.code} as "
                         f"{reference} after {submission.attempts} attempts")  # fmt: skip


@transaction.atomic
def submission_refused(*, submission: ProviderSubmission, words: str, acting_user) -> None:
    """The provider refused the batch: kept in its words, and the batch's payments failed with them (so
    that the programme's rules may pay them again in the next cycle)."""
    words = words.strip()[:300] or str(_("refused without a reason"))
    ProviderSubmission.objects.filter(pk=submission.pk).update(
        status=SubmissionStatus.REFUSED, last_error=words
    )
    Payment.objects.filter(batch=submission.batch, status=PaymentStatus.INSTRUCTED).update(
        status=PaymentStatus.FAILED, status_reason=words, status_at=timezone.now()
    )
    submission.refresh_from_db()
    audit_record(actor=acting_user, action="payments.instructions_refused", subject=submission.batch,
                 summary=f"{submission.batch.message_id} refused by {submission.batch.provider.code}: {words}")  # fmt: skip
