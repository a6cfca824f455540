"""Writes of applications: submitting one (on the public site, or by staff for the applicant), deciding
one with a reason, ranking a programme's applications within its quotas and confirming what the ranking
proposes, and the quota table. Each checks who may act, refuses with a message, records the status
history and an audit event in the same transaction, and queues an SMS to the applicant when a
decision is taken (see `notices`). An accepted applicant becomes a beneficiary of the programme in the
same transaction (see `application_beneficiaries` for the rules: only someone in the registry is
accepted)."""

from datetime import date

import polars as pl
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from ehsaas.core.frames import frame_insert
from ehsaas.core.identity import InvalidIdentifier, format_cnic, normalize_cnic, normalize_mobile
from ehsaas.core.services import audit_record
from ehsaas.messaging.choices import MessageLanguage
from ehsaas.programs.application_beneficiaries import BeneficiaryFigures, applicants_enrol
from ehsaas.programs.application_fields import answers_clean, application_fields, ranking
from ehsaas.programs.choices import (
    APPLICATION_MOVES,
    FINAL_DECISIONS,
    OPEN_APPLICATION,
    ApplicationChannel,
    ApplicationStatus,
    ProgrammeStatus,
)
from ehsaas.programs.models import (
    Application,
    ApplicationDocument,
    ApplicationQuota,
    ApplicationStatusChange,
    Programme,
)
from ehsaas.programs.notices import decision_messages_queue
from ehsaas.programs.ranking import RankingFigures, applicants_match, proposals, ranks_compute, ranks_write
from ehsaas.registry.models import Identifier

MAX_DOCUMENTS = 3
MAX_DOCUMENT_SIZE = 5 * 1024 * 1024
# What a document may be, told by its first bytes (never by its name): PDF, JPEG, PNG.
DOCUMENT_TYPES = {
    b"%PDF-": "application/pdf",
    b"\xff\xd8\xff": "image/jpeg",
    b"\x89PNG\r\n\x1a\n": "image/png",
}

MSG_NOT_TAKING = _("%(programme)s is not taking applications now.")
MSG_OPEN_ALREADY = _(
    "An application with this CNIC to %(programme)s is open already: follow it with the tracking number "
    "you were given."
)
MSG_CNIC = _("The CNIC %(problem)s.")
MSG_PHONE = _("The mobile number %(problem)s.")
MSG_NAME = _("Write the applicant's full name.")
MSG_TOO_MANY_DOCUMENTS = _("Attach at most %(count)s documents.")
MSG_DOCUMENT_SIZE = _("%(name)s is larger than 5 MB.")
MSG_DOCUMENT_TYPE = _("%(name)s is not a PDF, JPEG or PNG file.")
MSG_DECISION_REASON = _("Say why: the applicant reads the reason.")
MSG_DECISION_MOVE = _("An application that is %(status)s cannot be made %(to)s.")
MSG_NO_APPLICATIONS = _("%(programme)s does not take applications.")
MSG_NOT_REGISTERED = _(
    "%(number)s cannot be accepted: nobody in the registry holds the CNIC %(cnic)s. An accepted applicant "
    "becomes a beneficiary, and a beneficiary is a member of a registered household: the applicant must "
    "register first (at an Ehsaas registration desk); accept the application once they are registered."
)
SUBMITTED_PUBLIC = _("submitted on the public site")
SUBMITTED_STAFF = _("submitted by staff for the applicant")
RANKED = _("ranked within its quota")


class ApplicationRefused(ValidationError):
    """An application or a decision that cannot be taken, with the reason why."""


def _require(user, permission: str) -> None:
    if not user.has_perm(f"programs.{permission}"):
        raise PermissionDenied


def programme_takes_applications_now(programme: Programme, today: date) -> bool:
    return (
        programme.takes_applications
        and programme.status == ProgrammeStatus.ACTIVE
        and programme.starts_on <= today
        and (programme.ends_on is None or today <= programme.ends_on)
    )


def quota_universities(programme: Programme) -> list[str]:
    return sorted(set(programme.quotas.values_list("university", flat=True)))


def _document_type(upload) -> str | None:
    head = upload.read(8)
    upload.seek(0)
    return next((kind for magic, kind in DOCUMENT_TYPES.items() if head.startswith(magic)), None)


def _documents_check(documents: list) -> list[tuple[object, str]]:
    if len(documents) > MAX_DOCUMENTS:
        raise ValidationError({"documents": _g(MSG_TOO_MANY_DOCUMENTS) % {"count": MAX_DOCUMENTS}})
    checked, problems = [], []
    for upload in documents:
        kind = _document_type(upload)
        if upload.size > MAX_DOCUMENT_SIZE:
            problems.append(_g(MSG_DOCUMENT_SIZE) % {"name": upload.name})
        elif kind is None:
            problems.append(_g(MSG_DOCUMENT_TYPE) % {"name": upload.name})
        checked.append((upload, kind))
    if problems:
        raise ValidationError({"documents": problems})
    return checked


def _applicant(*, cnic: str, full_name: str, phone: str) -> tuple[str, str, str]:
    errors = {}
    try:
        cnic = normalize_cnic(cnic)
    except InvalidIdentifier as error:
        errors["cnic"] = [_g(MSG_CNIC) % {"problem": error}]
    full_name = " ".join((full_name or "").split())[:150]
    if not full_name:
        errors["full_name"] = [_g(MSG_NAME)]
    if (phone or "").strip():
        try:
            phone = normalize_mobile(phone)
        except InvalidIdentifier as error:
            errors["phone"] = [_g(MSG_PHONE) % {"problem": error}]
    if errors:
        raise ValidationError(errors)
    return cnic, full_name, (phone or "").strip()


def _history(application: Application, from_status: str, to_status: str, reason: str, user, now):
    return ApplicationStatusChange.objects.create(
        application=application, from_status=from_status, to_status=to_status, reason=reason, changed_at=now,
        changed_by=user,
    )  # fmt: skip


@transaction.atomic
def application_submit(
    *, acting_user, programme: Programme, cnic: str, full_name: str, phone: str = "", answers: dict,
    documents: list | tuple = (), today: date | None = None, language: str = MessageLanguage.URDU,
) -> Application:  # fmt: skip
    """An application received on the public site (`acting_user` None or anonymous) or by staff for the
    applicant. Everything is checked before anything is written; the applicant is matched to the
    registry by CNIC. `language` ("ur" or "en") is the one the applicant used, in which they are told
    of the decision."""
    if language not in MessageLanguage.values:
        raise ValueError(f"An application's language is one of {MessageLanguage.values}, not {language!r}")
    staff = getattr(acting_user, "is_authenticated", False)
    if staff:
        _require(acting_user, "add_application")
    if not programme_takes_applications_now(programme, today or timezone.localdate()):
        raise ApplicationRefused(MSG_NOT_TAKING, params={"programme": programme.name})
    errors = {}
    try:
        cnic, full_name, phone = _applicant(cnic=cnic, full_name=full_name, phone=phone)
    except ValidationError as error:
        errors |= error.message_dict
    try:
        answers = answers_clean(
            application_fields(programme.parameters), answers, universities=quota_universities(programme)
        )
    except ValidationError as error:
        errors |= error.message_dict
    try:
        checked = _documents_check(list(documents))
    except ValidationError as error:
        errors |= error.message_dict
    if errors:
        raise ApplicationRefused(errors)
    if Application.objects.filter(programme=programme, cnic=cnic, status__in=OPEN_APPLICATION).exists():
        raise ApplicationRefused(MSG_OPEN_ALREADY, params={"programme": programme.name})
    holder = (
        Identifier.objects.filter(number=cnic, active=True, member__status="active")
        .select_related("member")
        .first()
    )
    now, user = timezone.now(), acting_user if staff else None
    try:
        with transaction.atomic():
            application = Application.objects.create(
                programme=programme, cnic=cnic, full_name=full_name, phone=phone, answers=answers,
                member=holder.member if holder else None, household_id=holder.member.household_id if holder else None,
                channel=ApplicationChannel.STAFF if staff else ApplicationChannel.PUBLIC, submitted_at=now,
                submitted_by=user, language=language,
            )  # fmt: skip
    except IntegrityError:  # the same person applying twice at the same moment
        raise ApplicationRefused(MSG_OPEN_ALREADY, params={"programme": programme.name}) from None
    _history(
        application,
        "",
        ApplicationStatus.SUBMITTED,
        str(SUBMITTED_STAFF if staff else SUBMITTED_PUBLIC),
        user,
        now,
    )
    for upload, kind in checked:
        ApplicationDocument.objects.create(
            application=application, file=upload, name=upload.name[:150], content_type=kind, size=upload.size,
            uploaded_at=now,
        )  # fmt: skip
    audit_record(actor=user, action="application.submitted", subject=application,
                 summary=f"{application.tracking_number} to {programme.code} ({application.channel})")  # fmt: skip
    return application


@transaction.atomic
def application_decide(*, acting_user, application: Application, status: str, reason: str) -> Application:
    """A person's decision on one application, with the reason the applicant reads; an SMS tells the
    applicant of a final decision. Accepting makes the applicant a beneficiary of the programme, and is
    refused while the applicant is not in the registry."""
    _require(acting_user, "decide_application")
    # The programme first, as confirming a ranking locks it, so that the two never accept one person twice.
    programme = Programme.objects.select_for_update().get(pk=application.programme_id)
    application = Application.objects.select_for_update().get(pk=application.pk)
    reason = (reason or "").strip()
    if status not in APPLICATION_MOVES.get(application.status, ()):
        raise ApplicationRefused(MSG_DECISION_MOVE, params={
            "status": application.get_status_display(), "to": ApplicationStatus(status).label
            if status in ApplicationStatus.values else status,
        })  # fmt: skip
    if status in FINAL_DECISIONS and not reason:
        raise ApplicationRefused(MSG_DECISION_REASON)
    if status == ApplicationStatus.ACCEPTED:
        applicants_match(programme, application_ids=[application.pk])
        application = Application.objects.select_related("member").get(pk=application.pk)
        if application.member_id is None:
            raise ApplicationRefused(
                MSG_NOT_REGISTERED, params={"number": application.tracking_number, "cnic": format_cnic(application.cnic)}
            )  # fmt: skip
    application.programme = programme
    now = timezone.now()
    _history(application, application.status, status, reason, acting_user, now)
    application.status, application.decision_reason = status, reason
    application.decided_at, application.decided_by = now, acting_user
    application.save(update_fields=["status", "decision_reason", "decided_at", "decided_by"])
    decision_messages_queue(programme=programme, decided_at=now, application_id=application.pk)
    audit_record(actor=acting_user, action="application.decided", subject=application,
                 summary=f"{application.tracking_number}: {status}", reason=reason)  # fmt: skip
    if status == ApplicationStatus.ACCEPTED:
        accepted = pl.DataFrame(
            {"application_id": [application.pk], "household_id": [application.member.household_id],
             "member_id": [application.member_id]},
            schema=_ACCEPTED,
        )  # fmt: skip
        _beneficiaries_audit(acting_user, programme, applicants_enrol(programme, accepted, now=now, user_id=acting_user.pk),
                             application.tracking_number)  # fmt: skip
    return application


_ACCEPTED = {"application_id": pl.Int64, "household_id": pl.Int64, "member_id": pl.Int64}


def _beneficiaries_audit(
    acting_user, programme: Programme, figures: BeneficiaryFigures, accepted: str
) -> None:
    audit_record(actor=acting_user, action="beneficiaries.from_applications", subject=programme,
                 summary=f"{programme.code}: {accepted} accepted; {figures.new} new beneficiaries, {figures.back} "
                 f"active again, {figures.already} in the programme already")  # fmt: skip


def _open_for_ranking(acting_user, programme: Programme, permission: str) -> Programme:
    _require(acting_user, permission)
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    if not programme.takes_applications:
        raise ApplicationRefused(MSG_NO_APPLICATIONS, params={"programme": programme.name})
    return programme


@transaction.atomic
def applications_rank(*, acting_user, programme: Programme) -> RankingFigures:
    """Rank the programme's open applications within their quotas (see `ranking`) and record what the
    ranking proposes; nobody's application is decided."""
    programme = _open_for_ranking(acting_user, programme, "rank_applications")
    settings = ranking(programme.parameters)
    applicants_match(programme)
    ranked = ranks_compute(programme, settings)
    ranks_write(ranked, now=timezone.now(), user_id=acting_user.pk, reason=str(RANKED))
    figures = RankingFigures(
        ranked=ranked.height,
        accept=ranked.filter(ranked["proposal"] == "accept").height,
        waitlist=ranked.filter(ranked["proposal"] == "waitlist").height,
        quotas=ranked.select("university", "province").unique().height,
    )
    audit_record(actor=acting_user, action="applications.ranked", subject=programme,
                 summary=f"{programme.code}: {figures.ranked} ranked, {figures.accept} proposed for acceptance, "
                 f"{figures.waitlist} for the waiting list")  # fmt: skip
    return figures


@transaction.atomic
def applications_confirm_ranking(*, acting_user, programme: Programme) -> dict[str, int]:
    """A person confirms what the ranking proposes: open applications proposed for acceptance are
    accepted and their applicants made beneficiaries, the others waitlisted, each with the reason (its
    rank and the places) and an SMS. An applicant proposed for acceptance who is not in the registry
    stays under review (counted as `unregistered`) until they register and are ranked again, or a
    person rejects them."""
    programme = _open_for_ranking(acting_user, programme, "decide_application")
    applicants_match(programme)
    decided = proposals(programme, ranking(programme.parameters))
    accepting = pl.col("to_status") == ApplicationStatus.ACCEPTED
    held = decided.filter(accepting & pl.col("member_id").is_null()).height
    decided = decided.filter(~accepting | pl.col("member_id").is_not_null())
    if decided.height == 0:
        return {"accepted": 0, "waitlisted": 0, "unregistered": held}
    moment = timezone.now()
    table = "application_decisions"
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {table}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {table} (application_id bigint, to_status varchar(12), reason text)"
        )
    frame_insert(table, decided.select("application_id", "to_status", "reason"))
    params = {"now": connection.ops.adapt_datetimefield_value(moment), "user": acting_user.pk}
    with connection.cursor() as cursor:
        cursor.execute(
            f"""INSERT INTO programs_applicationstatuschange
                    (application_id, from_status, to_status, reason, changed_at, changed_by_id)
                SELECT a.id, a.status, d.to_status, d.reason, %(now)s, %(user)s
                FROM {table} d JOIN programs_application a ON a.id = d.application_id""",
            params,
        )
        cursor.execute(
            f"""UPDATE programs_application AS a SET status = d.to_status, decision_reason = d.reason,
                    decided_at = %(now)s, decided_by_id = %(user)s
                FROM {table} d WHERE d.application_id = a.id""",
            params,
        )
        cursor.execute(f"DROP TABLE {table}")
    decision_messages_queue(programme=programme, decided_at=moment)
    accepted = decided.filter(accepting).select(list(_ACCEPTED))
    counts = {
        "accepted": accepted.height,
        "waitlisted": decided.height - accepted.height,
        "unregistered": held,
    }
    audit_record(actor=acting_user, action="applications.decided", subject=programme,
                 summary=f"{programme.code}: ranking confirmed, {counts['accepted']} accepted, "
                 f"{counts['waitlisted']} waitlisted, {held} proposed for acceptance but not registered")  # fmt: skip
    if accepted.height:
        figures = applicants_enrol(programme, accepted, now=moment, user_id=acting_user.pk)
        _beneficiaries_audit(acting_user, programme, figures, f"{accepted.height} applications")
    return counts


@transaction.atomic
def quotas_save(*, acting_user, programme: Programme, rows: list[dict]) -> None:
    """The programme's quota table replaced whole: (university, province, places) rows."""
    _require(acting_user, "configure_programme")
    programme.quotas.all().delete()
    ApplicationQuota.objects.bulk_create(
        ApplicationQuota(programme=programme, university=" ".join(row["university"].split()),
                         province=row["province"], places=row["places"])
        for row in rows
    )  # fmt: skip
    audit_record(actor=acting_user, action="programme.quotas", subject=programme,
                 summary=f"{programme.code}: {len(rows)} quotas, {sum(r['places'] for r in rows)} places")  # fmt: skip
