"""Cash paid out at payment points.

An agent's device sends the beneficiary's CNIC and the biometric provider's reference for her
fingerprint scan (`collection_verify`). The reference is confirmed with the provider and recorded once;
a match pays her latest collectable cash payment out. After the programme's allowed failed attempts
(PaymentPolicy.biometric_attempts) collection falls back to a bank branch: a one-time code goes by SMS
to her phone, and a branch pays her out with her CNIC and that code (`collection_by_code`).

Paying out writes the Collection (one per payment, held by the database) and marks the payment paid,
in one transaction with the payment row locked: a payment collected once cannot be collected again."""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from ehsaas.core.identity import InvalidIdentifier, normalize_cnic
from ehsaas.core.services import audit_record
from ehsaas.messaging.services import MessageRefused, message_queue, phone_normalise
from ehsaas.payments.choices import CollectionMethod, CycleStatus, PaymentStatus, PointKind
from ehsaas.payments.collection.adapters import VerificationNotGenuine, biometric_verifier
from ehsaas.payments.collection.selectors import collectable_payment_for_cnic, collected_payment_for_cnic
from ehsaas.payments.models import (
    BiometricAttempt,
    Collection,
    CollectionCode,
    Payment,
    PaymentPoint,
)
from ehsaas.payments.policies import payment_policy_of

CODE_VALID_HOURS = 48
CODE_ATTEMPTS = 5  # wrong codes a branch may type before the code is spent
CODE_TEMPLATE = "collection_code"

MSG_INVALID_CNIC = _("The CNIC must be 13 digits, written NNNNN-NNNNNNN-N (dashes optional).")
MSG_NOT_AGENT = _("You are not an agent of this payment point.")
MSG_NOT_BRANCH = _("Only a bank branch pays out with a one-time code.")
MSG_NOTHING = _("There is nothing to collect for this CNIC.")
MSG_ALREADY = _("This payment was already collected on %(when)s at %(point)s.")
MSG_NOT_GENUINE = _("The verification provider does not confirm this fingerprint result for this CNIC.")
MSG_REFERENCE_USED = _("This fingerprint result was already used: scan again.")
MSG_FALLEN_BACK = _(
    "The fingerprint failed too often: she collects at a bank branch with her CNIC and the code sent by SMS."
)
MSG_NO_CODE = _(
    "There is no valid one-time code for this payment: a new one is sent after a fingerprint attempt at an agent."
)
MSG_WRONG_CODE = _("The code is wrong. Attempts left: %(left)s.")

NOTHING, ALREADY, NOT_AGENT, NOT_BRANCH, NOT_GENUINE, WRONG_CODE, NO_CODE, INVALID_CNIC = (
    "nothing_to_collect", "already_collected", "not_agent", "not_branch", "not_genuine", "wrong_code",
    "no_code", "invalid_cnic",
)  # fmt: skip
PAID, NOT_MATCHED, FALLBACK = "paid", "not_matched", "fallback"


class CollectionRefused(ValidationError):
    """A collection that cannot be made, with the reason why; `kind` names it for the API."""

    def __init__(
        self, message, *, kind: str, params: dict | None = None, collection: Collection | None = None
    ):
        super().__init__(message, code=kind, params=params)
        self.kind, self.collection = kind, collection

    @property
    def text(self) -> str:
        return self.messages[0]


@dataclass(frozen=True)
class CollectionOutcome:
    """What an attempt did: PAID (with the collection), NOT_MATCHED (attempts left) or FALLBACK (whether
    a code was sent now)."""

    kind: str
    payment: Payment
    collection: Collection | None = None
    attempts_left: int = 0
    code_sent: bool = False


def cnic_digits(raw: str) -> str:
    try:
        return normalize_cnic(raw)
    except InvalidIdentifier:
        raise CollectionRefused(MSG_INVALID_CNIC, kind=INVALID_CNIC) from None


def _require_agent(agent, point: PaymentPoint) -> None:
    if not agent.has_perm("payments.collect_payment"):
        raise PermissionDenied
    if not point.active or not point.agents.filter(pk=agent.pk).exists():
        raise CollectionRefused(MSG_NOT_AGENT, kind=NOT_AGENT)


def _already(collection: Collection) -> CollectionRefused:
    when = date_format(timezone.localtime(collection.collected_at), "DATETIME_FORMAT")
    return CollectionRefused(
        MSG_ALREADY,
        kind=ALREADY,
        params={"when": when, "point": collection.point.name},
        collection=collection,
    )


def _payment_to_collect(cnic: str) -> Payment:
    payment = collectable_payment_for_cnic(cnic)
    if payment is not None:
        return payment
    collected = collected_payment_for_cnic(cnic)
    if collected is not None:
        raise _already(collected)
    raise CollectionRefused(MSG_NOTHING, kind=NOTHING)


def _pay_out(*, payment: Payment, point: PaymentPoint, agent, method: str, reference: str = "") -> Collection:
    """The payout itself, with the payment locked: refused when it was collected or ended meanwhile."""
    locked = Payment.objects.select_for_update().select_related("cycle").get(pk=payment.pk)
    existing = Collection.objects.filter(payment=locked).select_related("point").first()
    if existing is not None:
        raise _already(existing)
    if locked.status != PaymentStatus.INSTRUCTED or locked.cycle.status != CycleStatus.APPROVED:
        raise CollectionRefused(MSG_NOTHING, kind=NOTHING)
    now = timezone.now()
    try:
        with transaction.atomic():
            collection = Collection.objects.create(
                payment=locked, point=point, agent=agent, method=method, verification_reference=reference,
                collected_at=now,
            )  # fmt: skip
    except IntegrityError:  # collected at the same moment elsewhere: the one-per-payment constraint held
        raise _already(Collection.objects.select_related("point").get(payment=locked)) from None
    locked.status, locked.status_at, locked.status_reason = PaymentStatus.PAID, now, ""
    locked.save(update_fields=["status", "status_at", "status_reason"])
    audit_record(
        actor=agent, action="payment.collected", subject=locked,
        summary=_("%(reference)s collected in cash at %(point)s") % {"reference": locked.reference,
                                                                      "point": point.code},
        changes={"point": point.code, "method": method, "verification_reference": reference},
    )  # fmt: skip
    return collection


def _hash(payment_id: int, code: str) -> str:
    message = f"collection-code:{payment_id}:{code}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def _live_codes(payment: Payment):
    return CollectionCode.objects.filter(
        payment=payment, used_at__isnull=True, expires_at__gt=timezone.now(), attempts__lt=CODE_ATTEMPTS
    )


def _phone_of(payment: Payment) -> str:
    return (payment.member.phone if payment.member_id else "") or payment.household.phone


def live_code_exists(payment: Payment) -> bool:
    """Whether a one-time code sent for `payment` can still be used."""
    return _live_codes(payment).exists()


def _code_send(payment: Payment, *, agent) -> bool:
    """A new one-time code for `payment`, its hash kept and the code queued by SMS to her phone (in
    Urdu); False, and no code made, when she has no phone the SMS could go to."""
    try:
        phone = phone_normalise(_phone_of(payment))
    except MessageRefused:
        return False
    code = f"{secrets.randbelow(10**6):06d}"
    row = CollectionCode.objects.create(
        payment=payment, code_hash=_hash(payment.pk, code),
        expires_at=timezone.now() + timedelta(hours=CODE_VALID_HOURS),
    )  # fmt: skip
    audit_record(actor=agent, action="payment.collection_code_sent", subject=payment,
                 summary=_("One-time collection code sent for %(reference)s") % {"reference": payment.reference})  # fmt: skip
    message_queue(
        event=f"payments.collection_code.{row.pk}", phone=phone, template=CODE_TEMPLATE, language="ur",
        context={"code": code, "amount": f"{payment.amount:,}", "hours": CODE_VALID_HOURS},
    )  # fmt: skip
    return True


@transaction.atomic
def collection_verify(*, cnic: str, point: PaymentPoint, agent, reference: str) -> CollectionOutcome:
    """A fingerprint result from `agent`'s device at `point`: recorded once; a match pays out; a miss
    leaves attempts, or after the allowed failures sends a one-time code for a branch."""
    _require_agent(agent, point)
    digits = cnic_digits(cnic)
    payment = _payment_to_collect(digits)
    allowed = payment_policy_of(payment.cycle.programme_id).biometric_attempts
    Payment.objects.select_for_update().filter(pk=payment.pk).first()  # attempts on one payment in turn
    failures = BiometricAttempt.objects.filter(payment=payment, matched=False).count()
    if failures >= allowed:
        sent = False if live_code_exists(payment) else _code_send(payment, agent=agent)
        return CollectionOutcome(kind=FALLBACK, payment=payment, code_sent=sent)
    try:
        verification = biometric_verifier().check(reference=reference, cnic=digits)
    except VerificationNotGenuine:
        raise CollectionRefused(MSG_NOT_GENUINE, kind=NOT_GENUINE) from None
    if BiometricAttempt.objects.filter(verification_reference=verification.reference).exists():
        raise CollectionRefused(MSG_REFERENCE_USED, kind=NOT_GENUINE)
    BiometricAttempt.objects.create(
        payment=payment, point=point, agent=agent, matched=verification.matched,
        verification_reference=verification.reference,
    )  # fmt: skip
    if verification.matched:
        collection = _pay_out(payment=payment, point=point, agent=agent, method=CollectionMethod.BIOMETRIC,
                              reference=verification.reference)  # fmt: skip
        return CollectionOutcome(kind=PAID, payment=collection.payment, collection=collection)
    failures += 1
    if failures >= allowed:
        return CollectionOutcome(kind=FALLBACK, payment=payment, code_sent=_code_send(payment, agent=agent))
    return CollectionOutcome(kind=NOT_MATCHED, payment=payment, attempts_left=allowed - failures)


@transaction.atomic
def _code_check(*, cnic: str, code: str, point: PaymentPoint, agent) -> CollectionOutcome | CollectionRefused:
    """Pays out on the right code; a wrong one is counted (and the count kept: it is returned, not raised,
    so that this transaction commits)."""
    _require_agent(agent, point)
    if point.kind != PointKind.BRANCH:
        raise CollectionRefused(MSG_NOT_BRANCH, kind=NOT_BRANCH)
    payment = _payment_to_collect(cnic_digits(cnic))
    row = _live_codes(payment).select_for_update().order_by("-created_at", "-id").first()
    if row is None:
        raise CollectionRefused(MSG_NO_CODE, kind=NO_CODE)
    if not hmac.compare_digest(row.code_hash, _hash(payment.pk, (code or "").strip())):
        row.attempts += 1
        row.save(update_fields=["attempts"])
        return CollectionRefused(
            MSG_WRONG_CODE, kind=WRONG_CODE, params={"left": CODE_ATTEMPTS - row.attempts}
        )
    row.used_at = timezone.now()
    row.save(update_fields=["used_at"])
    collection = _pay_out(payment=payment, point=point, agent=agent, method=CollectionMethod.BRANCH_CODE)
    return CollectionOutcome(kind=PAID, payment=collection.payment, collection=collection)


def collection_by_code(*, cnic: str, code: str, point: PaymentPoint, agent) -> CollectionOutcome:
    """A branch pays out with her CNIC and the one-time code sent to her phone; CollectionRefused for a
    wrong code (counted: after CODE_ATTEMPTS wrong ones the code is spent)."""
    outcome = _code_check(cnic=cnic, code=code, point=point, agent=agent)
    if isinstance(outcome, CollectionRefused):
        raise outcome
    return outcome
