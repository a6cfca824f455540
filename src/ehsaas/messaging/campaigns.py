"""Campaign announcements: one message to each active beneficiary of a programme (in some districts, or
all), from the "campaign" template or a text written for the occasion, queued set-based as a job.

The outbox sits below the programmes and the registry in the delivery chain and imports neither: the
recipients are read by SQL from their tables (programs_programme, programs_beneficiary,
registry_household, registry_member), which is all a campaign needs of them. A beneficiary's phone is
the member's own number when the benefit is theirs and they have one, else the household's.
"""

import traceback
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils.translation import gettext as _
from django_tasks import task

from ehsaas.core.models import Job
from ehsaas.core.services import audit_record, job_create, job_fail, job_start, job_succeed
from ehsaas.messaging.services import messages_queue_sql

CAMPAIGN_KIND = "messaging.campaign"
CAMPAIGN_TEMPLATE = "campaign"
EVENT_PREFIX = "campaign:"


@dataclass(frozen=True)
class ProgrammeChoice:
    id: int
    code: str
    name_en: str
    name_ur: str

    def name_in(self, language: str) -> str:
        return self.name_ur if language == "ur" and self.name_ur else self.name_en


def programmes() -> list[ProgrammeChoice]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, code, name_en, name_ur FROM programs_programme ORDER BY name_en")
        return [ProgrammeChoice(*row) for row in cursor.fetchall()]


def recipients_sql(*, programme: ProgrammeChoice, districts: list[int], language: str) -> tuple[str, dict]:
    """The query of a campaign's recipients, with the columns messages_queue_sql takes (phone, language,
    programme), and its parameters."""
    params = {"programme_id": programme.id, "language": language, "programme": programme.name_in(language)}
    in_districts = ""
    if districts:
        names = [f"district_{index}" for index in range(len(districts))]
        params |= dict(zip(names, districts, strict=True))
        in_districts = "AND h.district_id IN (" + ", ".join(f"%({name})s" for name in names) + ")"
    sql = f"""
        SELECT COALESCE(NULLIF(m.phone, ''), h.phone) AS phone, %(language)s AS language,
            %(programme)s AS programme
        FROM programs_beneficiary b
        JOIN registry_household h ON h.id = b.household_id
        LEFT JOIN registry_member m ON m.id = b.member_id
        WHERE b.programme_id = %(programme_id)s AND b.status = 'active' {in_districts}"""
    return sql, params


def recipients_count(*, programme: ProgrammeChoice, districts: list[int], language: str) -> int:
    """How many of the campaign's recipients have a phone number at all (invalid ones are left out when
    it is queued)."""
    sql, params = recipients_sql(programme=programme, districts=districts, language=language)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM ({sql}) r WHERE r.phone <> ''", params)
        return cursor.fetchone()[0]


def campaign_queue(
    *, acting_user, name: str, programme: ProgrammeChoice, districts: list[int], language: str, text: str
) -> Job:
    """Start a job queueing the campaign `name` (the event campaign:<name>: a campaign queued again
    reaches nobody twice) to the programme's active beneficiaries, in `language`, with `text` (empty: the
    campaign template)."""
    with transaction.atomic():
        job = job_create(
            kind=CAMPAIGN_KIND,
            acting_user=acting_user,
            params={
                "event": EVENT_PREFIX + name,
                "programme": programme.id,
                "districts": districts,
                "language": language,
                "text": text,
            },
            message=_("Waiting for the worker"),
        )
        audit_record(actor=acting_user, action="messaging.campaign_started", subject=job,
                     summary=f"Campaign {name} to the active beneficiaries of {programme.code}"
                             + (f" in {len(districts)} districts" if districts else ""),
                     changes={"text": text or f"template {CAMPAIGN_TEMPLATE}", "language": language})  # fmt: skip
        transaction.on_commit(lambda: queue_campaign_job.enqueue(job.pk))
    return job


@task()
def queue_campaign_job(job_id: int) -> dict:
    job = Job.objects.get(pk=job_id)
    params = job.params
    programme = next(p for p in programmes() if p.id == params["programme"])
    job_start(job=job, message=_("Queueing the messages"))
    sql, sql_params = recipients_sql(
        programme=programme, districts=params["districts"], language=params["language"]
    )
    text = params["text"]
    try:
        with transaction.atomic():
            queued = messages_queue_sql(
                template=CAMPAIGN_TEMPLATE, sql=sql, params=sql_params, event=params["event"],
                text={"en": text, "ur": text} if text else None,
            )  # fmt: skip
    except Exception:
        job_fail(job=job, error=traceback.format_exc())
        raise
    recipients = recipients_count(
        programme=programme, districts=params["districts"], language=params["language"]
    )
    result = {"event": params["event"], "recipients": recipients, "queued": queued}
    job_succeed(job=job, result=result, message=_("%(queued)s messages queued") % {"queued": queued})
    return result
