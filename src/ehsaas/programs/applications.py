"""Writes of applications: submitting one (on the public site, or by staff for the applicant), deciding
one with a reason, ranking a programme's applications within its quotas and confirming what the ranking
proposes, and the quota table. Each checks who may act, refuses with a message, records the status
history and an audit event in the same transaction, and queues a notice to the applicant when a
decision is taken."""

from datetime import date

import polars as pl
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from ehsaas.core.frames import frame_insert, sql_frame
from ehsaas.core.identity import InvalidIdentifier, normalize_cnic, normalize_mobile
from ehsaas.core.services import audit_record
from ehsaas.programs.application_fields import answers_clean, application_fields, ranking
from ehsaas.programs.choices import (
    APPLICATION_MOVES,
    OPEN_APPLICATION,
    ApplicationChannel,
    ApplicationStatus,
    NoticeKind,
    ProgrammeStatus,
)
from ehsaas.programs.conditions import NOTICE_LANGUAGE
from ehsaas.programs.models import (
    TRACKING_PREFIX,
    Application,
    ApplicationDocument,
    ApplicationQuota,
    ApplicationStatusChange,
    Notice,
    Programme,
)
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
FINAL = (ApplicationStatus.ACCEPTED, ApplicationStatus.REJECTED, ApplicationStatus.WAITLISTED)

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
SUBMITTED_PUBLIC = _("submitted on the public site")
SUBMITTED_STAFF = _("submitted by staff for the applicant")
RANKED = _("ranked within its quota")
NOTICE_DECIDED = _(
    "Ehsaas: your application %(number)s to %(programme)s is %(status)s. See why with your tracking number "
    "and CNIC on the Ehsaas website."
)


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
    documents: list | tuple = (), today: date | None = None,
) -> Application:  # fmt: skip
    """An application received on the public site (`acting_user` None or anonymous) or by staff for the
    applicant. Everything is checked before anything is written; the applicant is matched to the
    registry by CNIC."""
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
                submitted_by=user,
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


def _notice_phone(application: Application) -> str:
    if application.phone:
        return application.phone
    if application.member_id and application.member.phone:
        return application.member.phone
    return application.household.phone if application.household_id else ""


@transaction.atomic
def application_decide(*, acting_user, application: Application, status: str, reason: str) -> Application:
    """A person's decision on one application, with the reason the applicant reads; a notice tells the
    applicant."""
    _require(acting_user, "decide_application")
    application = Application.objects.select_for_update().select_related("programme").get(pk=application.pk)
    reason = (reason or "").strip()
    if status not in APPLICATION_MOVES.get(application.status, ()):
        raise ApplicationRefused(MSG_DECISION_MOVE, params={
            "status": application.get_status_display(), "to": ApplicationStatus(status).label
            if status in ApplicationStatus.values else status,
        })  # fmt: skip
    if status in FINAL and not reason:
        raise ApplicationRefused(MSG_DECISION_REASON)
    now = timezone.now()
    change = _history(application, application.status, status, reason, acting_user, now)
    application.status, application.decision_reason = status, reason
    application.decided_at, application.decided_by = now, acting_user
    application.save(update_fields=["status", "decision_reason", "decided_at", "decided_by"])
    if status in FINAL:
        _decision_notice(change).save()
    audit_record(actor=acting_user, action="application.decided", subject=application,
                 summary=f"{application.tracking_number}: {status}", reason=reason)  # fmt: skip
    return application


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
    accepted, the others waitlisted, each with the reason (its rank and the places) and a notice."""
    programme = _open_for_ranking(acting_user, programme, "decide_application")
    decided = proposals(programme, ranking(programme.parameters))
    if decided.height == 0:
        return {"accepted": 0, "waitlisted": 0}
    moment = timezone.now()
    table = "application_decisions"
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {table}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {table} (application_id bigint, to_status varchar(12), reason text)"
        )
    frame_insert(table, decided)
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
    _decision_notices_queue(programme, params)
    counts = {"accepted": decided.filter(decided["to_status"] == "accepted").height}
    counts["waitlisted"] = decided.height - counts["accepted"]
    audit_record(actor=acting_user, action="applications.decided", subject=programme,
                 summary=f"{programme.code}: ranking confirmed, {counts['accepted']} accepted, "
                 f"{counts['waitlisted']} waitlisted")  # fmt: skip
    return counts


def _decision_notice_text(programme: Programme, status: str, number: str) -> str:
    """The notice of a decision, in NOTICE_LANGUAGE (`number` may be "{}", to be filled per row)."""
    with translation.override(NOTICE_LANGUAGE):
        return _g(NOTICE_DECIDED) % {
            "number": number, "programme": programme.name, "status": ApplicationStatus(status).label,
        }  # fmt: skip


def _decision_notice(change: ApplicationStatusChange) -> Notice:
    application = change.application
    return Notice(
        key=f"application-change:{change.pk}", kind=NoticeKind.APPLICATION_DECIDED, application=application,
        phone=_notice_phone(application), language=NOTICE_LANGUAGE, created_at=change.changed_at,
        text=_decision_notice_text(application.programme, change.to_status, application.tracking_number),
    )  # fmt: skip


def _decision_notices_queue(programme: Programme, params: dict) -> None:
    """A notice for each status change just written (at params["now"] by params["user"]), set-based."""
    changes = sql_frame(
        """SELECT c.id AS change_id, a.id AS application_id, c.to_status,
               COALESCE(NULLIF(a.phone, ''), NULLIF(m.phone, ''), h.phone, '') AS phone
        FROM programs_applicationstatuschange c
        JOIN programs_application a ON a.id = c.application_id
        LEFT JOIN registry_member m ON m.id = a.member_id
        LEFT JOIN registry_household h ON h.id = a.household_id
        WHERE a.programme_id = %(programme)s AND c.changed_at = %(now)s AND c.changed_by_id = %(user)s""",
        params | {"programme": programme.pk},
        schema={
            "change_id": pl.Int64,
            "application_id": pl.Int64,
            "to_status": pl.String,
            "phone": pl.String,
        },
    )
    number = pl.lit(TRACKING_PREFIX) + pl.col("application_id").cast(pl.String).str.zfill(6)
    text = pl.lit(None, dtype=pl.String)
    for status in changes["to_status"].unique().to_list():
        template = _decision_notice_text(programme, status, "{}")
        text = pl.when(pl.col("to_status") == status).then(pl.format(template, number)).otherwise(text)
    table = "application_notices"
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {table}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {table} (change_id bigint, application_id bigint, phone varchar(16), text text)"
        )
    frame_insert(table, changes.select("change_id", "application_id", "phone", text.alias("text")))
    with connection.cursor() as cursor:
        cursor.execute(
            f"""INSERT INTO programs_notice (key, kind, beneficiary_id, application_id, phone, language, text, status,
                    created_at, attempts, error)
                SELECT 'application-change:' || n.change_id, %(kind)s, NULL, n.application_id, n.phone, %(language)s,
                       n.text, 'pending', %(now)s, 0, ''
                FROM {table} n""",
            params | {"kind": NoticeKind.APPLICATION_DECIDED.value, "language": NOTICE_LANGUAGE},
        )
        cursor.execute(f"DROP TABLE {table}")


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
