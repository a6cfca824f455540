"""The notices that tell applicants a decision on their application: one written with the decision,
or many written set-based when a ranking is confirmed, each waiting in the outbox for the SMS service, in
NOTICE_LANGUAGE."""

import polars as pl
from django.db import connection
from django.utils import translation
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from ehsaas.core.frames import frame_insert, sql_frame
from ehsaas.programs.choices import ApplicationStatus, NoticeKind
from ehsaas.programs.conditions import NOTICE_LANGUAGE
from ehsaas.programs.models import TRACKING_PREFIX, Application, ApplicationStatusChange, Notice, Programme

NOTICE_DECIDED = _(
    "Ehsaas: your application %(number)s to %(programme)s is %(status)s. See why with your tracking number "
    "and CNIC on the Ehsaas website."
)


def _notice_phone(application: Application) -> str:
    if application.phone:
        return application.phone
    if application.member_id and application.member.phone:
        return application.member.phone
    return application.household.phone if application.household_id else ""


def _decision_notice_text(programme: Programme, status: str, number: str) -> str:
    """The notice of a decision, in NOTICE_LANGUAGE (`number` may be "{}", to be filled per row)."""
    with translation.override(NOTICE_LANGUAGE):
        return _g(NOTICE_DECIDED) % {
            "number": number, "programme": programme.name, "status": ApplicationStatus(status).label,
        }  # fmt: skip


def decision_notice(change: ApplicationStatusChange) -> Notice:
    application = change.application
    return Notice(
        key=f"application-change:{change.pk}", kind=NoticeKind.APPLICATION_DECIDED, application=application,
        phone=_notice_phone(application), language=NOTICE_LANGUAGE, created_at=change.changed_at,
        text=_decision_notice_text(application.programme, change.to_status, application.tracking_number),
    )  # fmt: skip


def decision_notices_queue(programme: Programme, params: dict) -> None:
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
