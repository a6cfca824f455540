"""Writes of programmes: configuring a programme (its rules checked before anything is saved), switching
it on and off, running enrolment as a job, approving and confirming the list (two different people),
and changing one beneficiary's status. Each checks who may act, refuses with a message constant, and
records an audit event in the same transaction."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ehsaas.core.models import Job
from ehsaas.core.services import audit_record, job_create
from ehsaas.programs.application_fields import parameters_check
from ehsaas.programs.choices import BeneficiaryStatus, ComplianceFileKind, ProgrammeStatus, RunStatus
from ehsaas.programs.compliance import (
    ComplianceImport,
    attendance_file_read,
    attendance_write,
    visits_file_read,
    visits_write,
)
from ehsaas.programs.enrolment import enrolment_apply, enrolment_run_create
from ehsaas.programs.evaluations import conditions_evaluate as conditions_evaluate  # the service, re-exported
from ehsaas.programs.evaluations import evaluation_check
from ehsaas.programs.fields import rule_fields
from ehsaas.programs.models import (
    Beneficiary,
    BeneficiaryStatusChange,
    BenefitRule,
    ComplianceFile,
    ConditionRule,
    EnrolmentRun,
    HealthVisit,
    Programme,
)
from ehsaas.programs.reevaluation import NotDue
from ehsaas.programs.rules import compile_rules, parse_rule
from ehsaas.programs.tasks import (
    ENROLMENT_KIND,
    EVALUATION_KIND,
    compute_enrolment_job,
    evaluate_conditions_job,
    reevaluate_programmes,
    reevaluation_queue,
)

MSG_CODE_TAKEN = _("A programme with the code “%(code)s” exists already.")
MSG_CODE_RESERVED = _("“%(code)s” names a page of the programmes section; choose another code.")
# Codes that would be taken for the pages beside the programmes' own (/programmes/new/ and so on).
RESERVED_CODES = ("new", "runs", "beneficiaries", "compliance", "applications", "households")
MSG_NOT_ACTIVE = _("Only an active programme enrols; this one is %(status)s.")
MSG_RUN_NOT_READY = _("Only a list awaiting approval can be approved or rejected; this one is %(status)s.")
MSG_RUN_NOT_APPROVED = _("Only an approved list can be confirmed; this one is %(status)s.")
MSG_OWN_CONFIRMATION = _("The person who approved a list cannot confirm it: another person must.")
MSG_RUN_STALE = _("A newer list of this programme exists: confirm that one instead.")
MSG_NOTE_REQUIRED = _("Say why: a note is required to reject a list.")
MSG_REASON_REQUIRED = _("Say why: a reason is required to change a beneficiary's status.")
MSG_SAME_STATUS = _("The beneficiary is %(status)s already.")
MSG_STATUS_MOVE = _("A beneficiary who is %(status)s cannot be made %(to)s here.")
MSG_MOVE = {"activate": (ProgrammeStatus.DRAFT, ProgrammeStatus.PAUSED), "pause": (ProgrammeStatus.ACTIVE,),
            "close": (ProgrammeStatus.ACTIVE, ProgrammeStatus.PAUSED, ProgrammeStatus.DRAFT)}  # fmt: skip
MSG_CANNOT = _("A programme that is %(status)s cannot be %(action)s.")
MSG_BY_APPLICATION = _("%(programme)s takes its people from applications: rank and decide them instead.")
ACTION_DONE = {"activate": _("activated"), "pause": _("paused"), "close": _("closed")}
# Which status changes a person may make by hand (enrolment makes the others).
STATUS_MOVES = {
    BeneficiaryStatus.ACTIVE: (
        BeneficiaryStatus.SUSPENDED,
        BeneficiaryStatus.GRADUATED,
        BeneficiaryStatus.EXITED,
    ),
    BeneficiaryStatus.SUSPENDED: (BeneficiaryStatus.ACTIVE, BeneficiaryStatus.EXITED),
    BeneficiaryStatus.POTENTIAL: (BeneficiaryStatus.ACTIVE, BeneficiaryStatus.EXITED),
}


class ProgrammeRefused(ValidationError):
    """A step that cannot be taken, with the reason why."""


def _require(user, permission: str) -> None:
    if not user.has_perm(f"programs.{permission}"):
        raise PermissionDenied


@transaction.atomic
def programme_save(
    *, acting_user, programme: Programme | None, fields: dict, benefits: list[dict], conditions: list[dict]
) -> Programme:
    """Create a programme (as a draft) or change one, with its benefit table and conditions replaced
    whole. Every rule is checked first: nothing is saved when one is wrong."""
    _require(acting_user, "configure_programme")
    code = fields["code"]
    if code in RESERVED_CODES:
        raise ProgrammeRefused(MSG_CODE_RESERVED, params={"code": code})
    taken = Programme.objects.filter(code=code).exclude(pk=programme.pk if programme else None)
    if taken.exists():
        raise ProgrammeRefused(MSG_CODE_TAKEN, params={"code": code})
    others = list(Programme.objects.exclude(code=code).values_list("code", flat=True))
    compile_rules(
        code=code, unit=fields["unit"], eligibility=fields["eligibility"],
        benefits=[(b["kind"], b["label"], b.get("condition", ""), b["amount"]) for b in benefits],
        cap=fields.get("benefit_cap"), programme_codes=others,
    )  # fmt: skip
    parameters_check(
        fields.get("parameters") or {}, takes_applications=fields.get("takes_applications", False)
    )
    catalogue = rule_fields(fields["unit"], others)
    for condition in conditions:
        if condition.get("applies_when", "").strip():
            parse_rule(condition["applies_when"], catalogue, label=str(_("Condition “applies when”")))
    created = programme is None
    if created:
        programme = Programme(created_by=acting_user, status=ProgrammeStatus.DRAFT)
    for name, value in fields.items():
        setattr(programme, name, value)
    programme.save()
    programme.benefit_rules.all().delete()
    BenefitRule.objects.bulk_create(
        BenefitRule(programme=programme, order=order, **line) for order, line in enumerate(benefits, start=1)
    )
    programme.condition_rules.all().delete()
    ConditionRule.objects.bulk_create(ConditionRule(programme=programme, **rule) for rule in conditions)
    audit_record(
        actor=acting_user, action="programme.created" if created else "programme.changed", subject=programme,
        summary=f"Programme {programme.code} {'created' if created else 'changed'}",
    )  # fmt: skip
    return programme


@transaction.atomic
def programme_set_status(*, acting_user, programme: Programme, action: str) -> Programme:
    """activate, pause or close a programme."""
    _require(acting_user, "activate_programme")
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    if programme.status not in MSG_MOVE[action]:
        raise ProgrammeRefused(
            MSG_CANNOT, params={"status": programme.get_status_display(), "action": ACTION_DONE[action]}
        )
    programme.status = {"activate": ProgrammeStatus.ACTIVE, "pause": ProgrammeStatus.PAUSED,
                        "close": ProgrammeStatus.CLOSED}[action]  # fmt: skip
    programme.save(update_fields=["status", "updated_at"])
    audit_record(actor=acting_user, action=f"programme.{action}", subject=programme,
                 summary=f"Programme {programme.code}: {programme.status}")  # fmt: skip
    return programme


@transaction.atomic
def enrolment_start(*, acting_user, programme: Programme) -> EnrolmentRun:
    """Queue an enrolment run of an active programme, followed by a Job; runs of the programme not yet
    confirmed are superseded by it."""
    _require(acting_user, "run_enrolment")
    if programme.status != ProgrammeStatus.ACTIVE:
        raise ProgrammeRefused(MSG_NOT_ACTIVE, params={"status": programme.get_status_display()})
    if programme.takes_applications:
        raise ProgrammeRefused(MSG_BY_APPLICATION, params={"programme": programme.name})
    job = job_create(
        kind=ENROLMENT_KIND,
        acting_user=acting_user,
        params={"programme": programme.code},
        message=str(_("Waiting for the worker")),
    )
    run = enrolment_run_create(programme, started_by=acting_user, job=job)
    job.params["run"] = run.pk
    job.save(update_fields=["params"])
    audit_record(actor=acting_user, action="enrolment.started", subject=run,
                 summary=f"Enrolment run of {programme.code} queued")  # fmt: skip
    transaction.on_commit(lambda: compute_enrolment_job.enqueue(job.pk))
    return run


def reevaluation_start(*, acting_user, programme: Programme) -> EnrolmentRun:
    """Queue, by hand, a re-evaluation of the households changed since the programme's last settled run
    (the platform queues one itself on every change); refused with the reason when none is due."""
    _require(acting_user, "run_enrolment")
    try:
        return reevaluation_queue(programme, acting_user=acting_user)
    except NotDue as reason:
        raise ProgrammeRefused(str(reason)) from None


def _locked(run: EnrolmentRun) -> EnrolmentRun:
    return EnrolmentRun.objects.select_for_update().select_related("programme").get(pk=run.pk)


@transaction.atomic
def enrolment_approve(*, acting_user, run: EnrolmentRun, note: str = "") -> EnrolmentRun:
    _require(acting_user, "approve_enrolment")
    run = _locked(run)
    if run.status != RunStatus.READY:
        raise ProgrammeRefused(MSG_RUN_NOT_READY, params={"status": run.get_status_display()})
    run.status, run.approved_by, run.approved_at = RunStatus.APPROVED, acting_user, timezone.now()
    run.approval_note = note.strip()
    run.save(update_fields=["status", "approved_by", "approved_at", "approval_note"])
    audit_record(actor=acting_user, action="enrolment.approved", subject=run,
                 summary=f"Enrolment list of {run.programme.code} approved")  # fmt: skip
    return run


@transaction.atomic
def enrolment_reject(*, acting_user, run: EnrolmentRun, note: str) -> EnrolmentRun:
    """Reject a list awaiting approval or confirmation; nobody's status changes."""
    _require(acting_user, "approve_enrolment")
    run = _locked(run)
    if run.status not in (RunStatus.READY, RunStatus.APPROVED):
        raise ProgrammeRefused(MSG_RUN_NOT_READY, params={"status": run.get_status_display()})
    if not note.strip():
        raise ProgrammeRefused(MSG_NOTE_REQUIRED)
    run.status, run.decision_note = RunStatus.REJECTED, note.strip()
    run.save(update_fields=["status", "decision_note"])
    audit_record(actor=acting_user, action="enrolment.rejected", subject=run, summary=note.strip())
    return run


@transaction.atomic
def enrolment_confirm(*, acting_user, run: EnrolmentRun, note: str = "") -> EnrolmentRun:
    """The second person's confirmation: the list is applied, once, and each joiner is told by SMS in
    the same transaction."""
    _require(acting_user, "confirm_enrolment")
    run = _locked(run)
    if run.status != RunStatus.APPROVED:
        raise ProgrammeRefused(MSG_RUN_NOT_APPROVED, params={"status": run.get_status_display()})
    if run.approved_by_id == acting_user.pk:
        raise ProgrammeRefused(MSG_OWN_CONFIRMATION)
    if EnrolmentRun.objects.filter(
        programme=run.programme, pk__gt=run.pk, status=RunStatus.CONFIRMED
    ).exists():
        raise ProgrammeRefused(MSG_RUN_STALE)
    enrolment_apply(run, acting_user=acting_user)
    run.status, run.confirmed_by, run.confirmed_at = RunStatus.CONFIRMED, acting_user, timezone.now()
    run.decision_note = note.strip()
    run.save(update_fields=["status", "confirmed_by", "confirmed_at", "decision_note"])
    audit_record(
        actor=acting_user, action="enrolment.confirmed", subject=run,
        summary=f"Enrolment list of {run.programme.code} confirmed: {run.joining} join, {run.leaving} leave",
    )  # fmt: skip
    # What changed while the list waited, and the programmes whose rules read this one's enrolment, are
    # judged again.
    transaction.on_commit(reevaluate_programmes.enqueue)
    return run


@transaction.atomic
def beneficiary_set_status(*, acting_user, beneficiary: Beneficiary, status: str, reason: str) -> Beneficiary:
    """A beneficiary suspended, resumed, graduated or exited by hand, with the reason, recorded."""
    _require(acting_user, "configure_programme")
    beneficiary = Beneficiary.objects.select_for_update().get(pk=beneficiary.pk)
    if not reason.strip():
        raise ProgrammeRefused(MSG_REASON_REQUIRED)
    if beneficiary.status == status:
        raise ProgrammeRefused(MSG_SAME_STATUS, params={"status": beneficiary.get_status_display()})
    if status not in STATUS_MOVES.get(beneficiary.status, ()):
        raise ProgrammeRefused(
            MSG_STATUS_MOVE,
            params={"status": beneficiary.get_status_display(), "to": BeneficiaryStatus(status).label},
        )
    now = timezone.now()
    BeneficiaryStatusChange.objects.create(
        beneficiary=beneficiary, from_status=beneficiary.status, to_status=status, reason=reason.strip(),
        changed_at=now, changed_by=acting_user,
    )  # fmt: skip
    beneficiary.status, beneficiary.status_reason, beneficiary.status_since = status, reason.strip(), now
    beneficiary.save(update_fields=["status", "status_reason", "status_since"])
    audit_record(actor=acting_user, action="beneficiary.status", subject=beneficiary,
                 summary=f"{status}: {reason.strip()}")  # fmt: skip
    return beneficiary


# Conditionalities: what schools and centres report, and a quarter judged.

MSG_VISIT_TWICE = _("This visit is recorded already.")
MSG_VISIT_FUTURE = _("A visit is recorded once it has happened: the date is after today.")
MSG_MEMBER_GONE = _("Visits are recorded for active members of a household only.")


def _require_unless_system(user, permission: str) -> None:
    """`user` None is the system (a command run by the operator), who may do what the command does."""
    if user is not None:
        _require(user, permission)


def _actor(user):
    return user if getattr(user, "is_authenticated", False) else None


@transaction.atomic
def compliance_file_import(
    *, acting_user, kind: str, data: bytes, file_name: str, today: date | None = None
) -> ComplianceImport:
    """Import a school's attendance file or a health centre's visits file, whole or not at all: a file
    with a bad line raises ComplianceFileRefused naming every bad line, and nothing is written."""
    _require_unless_system(acting_user, "record_compliance")
    today = today or timezone.localdate()
    now, user = timezone.now(), _actor(acting_user)
    if kind == ComplianceFileKind.ATTENDANCE:
        rows = attendance_file_read(data, label=file_name, today=today)
        result = attendance_write(rows, source=file_name, now=now, user_id=getattr(user, "pk", None))
    else:
        rows = visits_file_read(data, label=file_name, today=today)
        result = visits_write(rows, source=file_name, now=now, user_id=getattr(user, "pk", None))
    record = ComplianceFile.objects.create(
        kind=kind, file_name=file_name[:255], imported_at=now, imported_by=user, **result.as_dict()
    )
    audit_record(
        actor=acting_user, action=f"compliance.{kind}_imported", subject=record,
        summary=f"{file_name}: {result.new} new, {result.changed} corrected, {result.unchanged} already recorded",
        changes=result.as_dict(),
    )  # fmt: skip
    return result


@transaction.atomic
def health_visit_record(
    *, acting_user, member, kind: str, visited_on: date, centre: str = "", today: date | None = None
) -> HealthVisit:
    """One visit seen on a health card, recorded from the household's page."""
    _require(acting_user, "record_health_visit")
    if member.status != "active":
        raise ProgrammeRefused(MSG_MEMBER_GONE)
    if visited_on > (today or timezone.localdate()):
        raise ProgrammeRefused(MSG_VISIT_FUTURE)
    try:
        with transaction.atomic():
            visit = HealthVisit.objects.create(
                member=member, kind=kind, visited_on=visited_on, centre=centre.strip()[:120],
                recorded_at=timezone.now(), recorded_by=acting_user,
            )  # fmt: skip
    except IntegrityError:
        raise ProgrammeRefused(MSG_VISIT_TWICE) from None
    audit_record(actor=acting_user, action="compliance.visit_recorded", subject=visit,
                 summary=f"{visit.get_kind_display()} on {visited_on} (member {member.pk})")  # fmt: skip
    return visit


@transaction.atomic
def conditions_evaluation_start(
    *, acting_user, programme: Programme, quarter: str, today: date | None = None
) -> Job:
    """Queue the evaluation of a programme's conditions for a quarter, followed by a Job; a quarter that
    cannot be evaluated is refused here, with the reason, and nothing is queued. The worker runs
    `conditions_evaluate`."""
    _require(acting_user, "evaluate_conditions")
    judged = evaluation_check(programme, quarter, today)
    job = job_create(
        kind=EVALUATION_KIND,
        acting_user=acting_user,
        params={"programme": programme.code, "quarter": str(judged)},
        message=str(_("Waiting for the worker")),
    )
    audit_record(actor=acting_user, action="conditions.evaluation_started", subject=programme,
                 summary=f"Evaluation of {programme.code}'s conditions for {judged} queued")  # fmt: skip
    transaction.on_commit(lambda: evaluate_conditions_job.enqueue(job.pk))
    return job
