"""Changes of a beneficiary's channel and account: asked for by one user with a reason, decided by
another (maker-checker); approving writes her PaymentAccount. A bank's file of the accounts it opened
is imported as one request per beneficiary, checked whole first, and approved together by a second user."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from ehsaas.core.choices import JobStatus
from ehsaas.core.identity import InvalidIdentifier, normalize_cnic
from ehsaas.core.line_files import (
    FileRefused,
    LineProblem,
    csv_lines,
    decoded,
    header_of,
    refuse_bad_lines,
    refuse_missing_columns,
)
from ehsaas.core.maker_checker import maker_checker_decide, maker_checker_ensure_open
from ehsaas.core.models import Job
from ehsaas.core.services import audit_record, job_create
from ehsaas.payments.accounts.validation import account_problems
from ehsaas.payments.choices import AccountRequestStatus
from ehsaas.payments.models import AccountChangeRequest, PaymentAccount, Provider
from ehsaas.programs.choices import BeneficiaryStatus
from ehsaas.programs.models import Beneficiary
from ehsaas.registry.models import Identifier

IMPORT_KIND = "payments.accounts_import"
OPEN_STATUSES = (BeneficiaryStatus.POTENTIAL, BeneficiaryStatus.ACTIVE, BeneficiaryStatus.SUSPENDED)

MSG_REASON = _("Say why the account changes.")
MSG_OPEN_REQUEST = _("This beneficiary already has an account change waiting for a decision.")
MSG_OWN = _("You asked for this change: another user decides it.")
MSG_DECIDED = _("This change was decided already (%(status)s).")
MSG_NOT_AN_IMPORT = _("There is no import of accounts %(id)s.")
MSG_OWN_IMPORT = _("You imported these accounts: another user approves them.")
MSG_NONE_WAITING = _("No account change of this import waits for a decision.")
MSG_UNKNOWN_CNIC = _("No beneficiary holds this CNIC.")
MSG_UNKNOWN_PROVIDER = _("There is no provider with this code.")
MSG_REPEATED = _("This CNIC is on an earlier line of the file.")
MSG_CNIC = _("The CNIC must be 13 digits.")
IMPORT_REASON = _("Account opened by %(provider)s, from the file %(file)s")

COLUMNS = {
    "cnic": ("cnic",),
    "channel": ("channel",),
    "provider": ("provider",),
    "account_number": ("account_number", "account", "iban"),
    "account_title": ("account_title", "title"),
}


class AccountChangeRefused(ValidationError):
    """An account change that cannot be asked for or decided, with the reason why."""


class AccountsFileRefused(FileRefused):
    """A file of opened accounts that cannot be imported: nothing was written."""


def _require(user, permission: str) -> None:
    if not user.has_perm(f"payments.{permission}"):
        raise PermissionDenied


@transaction.atomic
def account_change_request(*, beneficiary: Beneficiary, channel: str, provider: Provider | None,
                           account_number: str, account_title: str, reason: str, acting_user) -> AccountChangeRequest:  # fmt: skip
    """Ask for `beneficiary`'s channel and account to change; checked now, written when another user
    approves it."""
    _require(acting_user, "add_accountchangerequest")
    problems, number = account_problems(channel=channel, provider=provider, account_number=account_number)
    if problems:
        raise AccountChangeRefused({field: [message] for field, message in problems})
    if not (reason or "").strip():
        raise AccountChangeRefused({"reason": [MSG_REASON]})
    if AccountChangeRequest.objects.filter(
        beneficiary=beneficiary, status=AccountRequestStatus.SUBMITTED
    ).exists():
        raise AccountChangeRefused(MSG_OPEN_REQUEST)
    request = AccountChangeRequest.objects.create(
        beneficiary=beneficiary, channel=channel, provider=provider, account_number=number,
        account_title=(account_title or "").strip(), reason=reason.strip(), requested_by=acting_user,
    )  # fmt: skip
    audit_record(actor=acting_user, action="payment_account.change_requested", subject=request,
                 summary=_("Account change asked for %(beneficiary)s: %(channel)s")
                 % {"beneficiary": beneficiary.pk, "channel": request.get_channel_display()},
                 reason=request.reason, changes={"channel": channel, "provider": provider.code if provider else ""})  # fmt: skip
    return request


def _apply(requests: list[AccountChangeRequest], *, chunk: int = 2000) -> None:
    """Write the accounts the approved `requests` ask for, a chunk at a time (one query to read, two to
    write per chunk)."""
    now = timezone.now()
    for start in range(0, len(requests), chunk):
        part = requests[start : start + chunk]
        existing = PaymentAccount.objects.in_bulk(
            [r.beneficiary_id for r in part], field_name="beneficiary_id"
        )
        changed, created = [], []
        for request in part:
            account = existing.get(request.beneficiary_id) or PaymentAccount(
                beneficiary_id=request.beneficiary_id
            )
            account.channel, account.provider_id = request.channel, request.provider_id
            account.account_number, account.account_title = request.account_number, request.account_title
            account.changed_at = now
            (changed if account.pk else created).append(account)
        PaymentAccount.objects.bulk_update(
            changed, ["channel", "provider", "account_number", "account_title", "changed_at"]
        )
        PaymentAccount.objects.bulk_create(created)


@transaction.atomic
def account_change_decide(*, request: AccountChangeRequest, acting_user, approve: bool, note: str = "") -> AccountChangeRequest:  # fmt: skip
    """Approve (her account becomes what was asked for) or reject a change another user asked for."""
    _require(acting_user, "decide_accountchangerequest")
    request = AccountChangeRequest.objects.select_for_update().get(pk=request.pk)
    maker_checker_ensure_open(request, acting_user=acting_user, refused=AccountChangeRefused,
                              own_message=MSG_OWN, decided_message=MSG_DECIDED)  # fmt: skip
    status = AccountRequestStatus.APPROVED if approve else AccountRequestStatus.REJECTED
    maker_checker_decide(request, acting_user=acting_user, status=status, note=note)
    if approve:
        _apply([request])
    audit_record(actor=acting_user, action=f"payment_account.change_{status}", subject=request,
                 summary=_("Account change %(id)s %(status)s") % {"id": request.pk, "status": request.get_status_display()},
                 reason=request.decision_note)  # fmt: skip
    return request


def _read_file(data: bytes, label: str) -> list[dict]:
    text = decoded(data, label=label, refused=AccountsFileRefused)
    header, records = csv_lines(text, label=label, refused=AccountsFileRefused)
    names = header_of(",".join(header), COLUMNS) if header else []
    refuse_missing_columns(names, COLUMNS, label=label, columns=COLUMNS, refused=AccountsFileRefused)
    return [{"_line": line, **{name: (values[i].strip() if i < len(values) else "") for i, name in enumerate(names)}}
            for line, values in records]  # fmt: skip


@transaction.atomic
def accounts_import(*, data: bytes, label: str, acting_user) -> Job:
    """A bank's or operator's file of the accounts it opened (cnic, channel, provider, account_number,
    account_title), checked whole: every bad line is named and nothing is written if one is bad. Each
    line becomes a change request of the CNIC's beneficiaries (read and written set-based), decided
    together by a second user (`accounts_import_approve`). Returns the import (a Job), whose id names it."""
    _require(acting_user, "add_accountchangerequest")
    rows = _read_file(data, label)
    providers = {p.code: p for p in Provider.objects.all()}
    cnics, problems, seen = {}, [], set()
    for row in rows:
        try:
            cnics[row["_line"]] = normalize_cnic(row["cnic"])
        except InvalidIdentifier:
            problems.append(LineProblem(row["_line"], "cnic", row["cnic"], _g(MSG_CNIC)))
    holders = dict(Identifier.objects.filter(number__in=set(cnics.values()), active=True).values_list("number", "member_id"))  # fmt: skip
    beneficiaries: dict[int, list[int]] = {}
    for member_id, beneficiary_id in Beneficiary.objects.filter(
        member_id__in=set(holders.values()), status__in=OPEN_STATUSES
    ).values_list("member_id", "id"):
        beneficiaries.setdefault(member_id, []).append(beneficiary_id)
    waiting = set(AccountChangeRequest.objects.filter(
        beneficiary_id__in=[b for ids in beneficiaries.values() for b in ids], status=AccountRequestStatus.SUBMITTED,
    ).values_list("beneficiary_id", flat=True))  # fmt: skip
    planned = []
    for row in rows:
        line, cnic = row["_line"], cnics.get(row["_line"])
        provider = providers.get(row["provider"].lower()) if row["provider"] else None
        if row["provider"] and provider is None:
            problems.append(LineProblem(line, "provider", row["provider"], _g(MSG_UNKNOWN_PROVIDER)))
        found, number = account_problems(channel=row["channel"].lower(), provider=provider,
                                         account_number=row["account_number"])  # fmt: skip
        problems += [LineProblem(line, column, row.get(column, ""), str(message)) for column, message in found
                     if not (column == "provider" and row["provider"] and provider is None)]  # fmt: skip
        if cnic is None:
            continue
        ids = beneficiaries.get(holders.get(cnic), [])
        if not ids:
            problems.append(LineProblem(line, "cnic", row["cnic"], _g(MSG_UNKNOWN_CNIC)))
        elif cnic in seen:
            problems.append(LineProblem(line, "cnic", row["cnic"], _g(MSG_REPEATED)))
        elif waiting & set(ids):
            problems.append(LineProblem(line, "cnic", row["cnic"], _g(MSG_OPEN_REQUEST)))
        seen.add(cnic)
        planned += [(b, row["channel"].lower(), provider, number, row["account_title"]) for b in ids]
    problems.sort(key=lambda p: (p.line, p.column))
    refuse_bad_lines(label, problems, refused=AccountsFileRefused)
    job = job_create(kind=IMPORT_KIND, acting_user=acting_user, params={"file": label})
    reason = str(IMPORT_REASON) % {"provider": ", ".join(sorted({p.code for *_x, p, _n, _t in planned if p})) or "-",
                                   "file": label}  # fmt: skip
    AccountChangeRequest.objects.bulk_create([
        AccountChangeRequest(beneficiary_id=b, channel=channel, provider=provider, account_number=number,
                             account_title=title, reason=reason, requested_by=acting_user, import_job=job)
        for b, channel, provider, number, title in planned
    ], batch_size=2000)  # fmt: skip
    now = timezone.now()
    job.status, job.started_at, job.finished_at = JobStatus.SUCCEEDED, now, now
    job.total = job.done = len(planned)
    job.result = {"lines": len(rows), "requests": len(planned)}
    job.save(update_fields=["status", "started_at", "finished_at", "total", "done", "result"])
    audit_record(actor=acting_user, action="payment_account.imported", subject=job,
                 summary=_("%(count)s account changes asked for from %(file)s") % {"count": len(planned), "file": label})  # fmt: skip
    return job


def account_import_get(pk: int) -> Job:
    job = Job.objects.filter(pk=pk, kind=IMPORT_KIND).first()
    if job is None:
        raise AccountChangeRefused(MSG_NOT_AN_IMPORT, params={"id": pk})
    return job


@transaction.atomic
def accounts_import_approve(*, job: Job, acting_user, note: str = "") -> int:
    """Approve every waiting request of an import at once (by a user other than the importer), writing
    the accounts set-based. Returns how many were approved."""
    _require(acting_user, "decide_accountchangerequest")
    if job.created_by_id == acting_user.pk:
        raise AccountChangeRefused(MSG_OWN_IMPORT)
    waiting = AccountChangeRequest.objects.select_for_update().filter(import_job=job, status=AccountRequestStatus.SUBMITTED)  # fmt: skip
    requests = list(waiting.exclude(requested_by=acting_user))
    if not requests:
        raise AccountChangeRefused(MSG_NONE_WAITING)
    now = timezone.now()
    waiting.exclude(requested_by=acting_user).update(
        status=AccountRequestStatus.APPROVED, decided_by=acting_user, decided_at=now, decision_note=(note or "").strip()
    )  # fmt: skip
    _apply(requests)
    audit_record(actor=acting_user, action="payment_account.import_approved", subject=job,
                 summary=_("%(count)s account changes of import %(id)s approved") % {"count": len(requests), "id": job.pk},
                 reason=note)  # fmt: skip
    return len(requests)
