"""Re-evaluation: when a household's data, score or wealth flags change (or its place in a programme that
another programme's rules read, such as `in_kafaalat`), each active programme judges those households
again. The result is an enrolment run like any other, scoped to the households changed since the start
of the programme's last settled run, and approved and confirmed by two people like any other; a
re-evaluation that finds nothing to change ends "nothing to change", with nobody to bother.

At most one re-evaluation waits for a decision per programme: a newer one supersedes it (it covers the
same households and any changed since). While a run over the whole registry is under way, nothing is
re-evaluated; confirming that run re-evaluates what changed while it waited.
"""

from datetime import UTC, datetime

from django.db import connection
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from ehsaas.core.choices import JobStatus
from ehsaas.core.progress import NoProgress, Progress
from ehsaas.programs.choices import ProgrammeStatus, RunScope, RunStatus
from ehsaas.programs.enrolment import enrolment_compute
from ehsaas.programs.models import EnrolmentRun, Programme
from ehsaas.programs.rules import programme_rules
from ehsaas.registry.models import Household

SETTLED = (RunStatus.CONFIRMED, RunStatus.UNCHANGED)  # runs whose judgement stands
PENDING = (RunStatus.COMPUTING, RunStatus.READY, RunStatus.APPROVED)


def _changes_sql(flag_programmes: list[int]) -> str:
    """(household_id, changed_at) of every change a programme's judgement may depend on, from
    `%(since)s` on: the household's audit trail (registration, change requests, imports, merges), its
    score, wealth flags raised or ended, and the status of its beneficiaries in the programmes the
    rules read."""
    parts = [
        "SELECT subject_id AS household_id, at AS changed_at FROM core_auditevent "
        "WHERE subject_type = 'registry.household' AND at >= %(since)s",
        "SELECT household_id, scored_at FROM targeting_householdscore WHERE scored_at >= %(since)s",
        "SELECT household_id, flagged_at FROM registry_wealthflag WHERE flagged_at >= %(since)s",
        "SELECT household_id, ended_at FROM registry_wealthflag WHERE ended_at >= %(since)s",
        "SELECT household_id, decided_at FROM registry_wealthoverride WHERE decided_at >= %(since)s",
    ]
    if flag_programmes:
        ids = ", ".join(str(int(pk)) for pk in flag_programmes)
        parts.append(
            "SELECT b.household_id, c.changed_at FROM programs_beneficiarystatuschange c "
            "JOIN programs_beneficiary b ON b.id = c.beneficiary_id "
            f"WHERE b.programme_id IN ({ids}) AND c.changed_at >= %(since)s"
        )
    return " UNION ALL ".join(parts)


def _flag_programmes(programme: Programme) -> list[int]:
    codes = list(programme_rules(programme).flags.values())
    return list(Programme.objects.filter(code__in=codes).values_list("pk", flat=True))


def changed_households(programme: Programme, since: datetime) -> tuple[list[int], datetime | None]:
    """The households whose judgement by `programme` may have changed from `since`, and the moment of
    the latest such change (None when nothing changed)."""
    query = (
        "SELECT household_id, MAX(changed_at) FROM ("
        + _changes_sql(_flag_programmes(programme))
        + ") changes GROUP BY household_id ORDER BY household_id"
    )
    with connection.cursor() as cursor:
        cursor.execute(query, {"since": connection.ops.adapt_datetimefield_value(since)})
        rows = cursor.fetchall()
    if not rows:
        return [], None
    latest = max(_aware(at) for _household, at in rows)
    return [household for household, _at in rows], latest


def _aware(value) -> datetime:
    # SQLite hands back text or naive datetimes from a raw query; PostgreSQL aware ones.
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if timezone.is_aware(value) else timezone.make_aware(value, UTC)


def last_settled_run(programme: Programme) -> EnrolmentRun | None:
    return (
        EnrolmentRun.objects.filter(programme=programme, status__in=SETTLED).order_by("-started_at").first()
    )


class NotDue(Exception):
    """No re-evaluation is due, with the reason (a message for the person who asked for one)."""


MSG_NOT_ACTIVE = _("Only an active programme is re-evaluated; this one is %(status)s.")
MSG_BY_APPLICATION = _("%(programme)s takes its people from applications; they are not re-evaluated.")
MSG_NEVER_SETTLED = _(
    "Nothing to re-evaluate yet: run enrolment over the whole registry and confirm it first."
)
MSG_REGISTRY_RUN = _("A run over the whole registry is under way; it judges every household again.")
MSG_NOTHING_CHANGED = _("No household has changed since the last settled run (%(when)s).")
MSG_COVERED = _("The re-evaluation waiting for a decision covers every change already.")


def reevaluation_due(programme: Programme) -> datetime:
    """The moment a re-evaluation of `programme` would start from (the start of its last settled run).
    Raises NotDue when the programme is not active, takes its people from applications, has never been
    settled, has a run over the whole registry under way, has had nothing change since, or has a waiting
    re-evaluation that covers every change already."""
    if programme.status != ProgrammeStatus.ACTIVE:
        raise NotDue(MSG_NOT_ACTIVE % {"status": programme.get_status_display()})
    if programme.takes_applications:
        raise NotDue(MSG_BY_APPLICATION % {"programme": programme.name})
    settled = last_settled_run(programme)
    if settled is None:
        raise NotDue(MSG_NEVER_SETTLED)
    pending = EnrolmentRun.objects.filter(programme=programme, status__in=PENDING)
    if pending.filter(scope=RunScope.REGISTRY).exists():
        raise NotDue(MSG_REGISTRY_RUN)
    # One still waiting for the worker finds the changed households when it starts: every change so far.
    if pending.filter(scope=RunScope.CHANGED, job__status=JobStatus.QUEUED).exists():
        raise NotDue(MSG_COVERED)
    households, latest = changed_households(programme, settled.started_at)
    if not households:
        raise NotDue(MSG_NOTHING_CHANGED % {"when": formats.date_format(
            timezone.localtime(settled.started_at), "DATETIME_FORMAT")})  # fmt: skip
    newest = pending.filter(scope=RunScope.CHANGED).order_by("-started_at").first()
    if newest is not None and newest.started_at > latest:
        raise NotDue(MSG_COVERED)
    return settled.started_at


def reevaluation_run_create(
    programme: Programme, since: datetime, *, started_by=None, job=None
) -> EnrolmentRun:
    """A new re-evaluation of `programme`; waiting re-evaluations are superseded by it (runs over the
    whole registry are not: reevaluation_due keeps re-evaluations out of their way)."""
    EnrolmentRun.objects.filter(programme=programme, status__in=PENDING, scope=RunScope.CHANGED).update(
        status=RunStatus.SUPERSEDED
    )
    return EnrolmentRun.objects.create(
        programme=programme, scope=RunScope.CHANGED, changed_since=since, started_by=started_by, job=job
    )


def reevaluation_compute(run: EnrolmentRun, *, progress: Progress | None = None) -> None:
    """Judge again the households changed since `run.changed_since`; a run that changes nobody's place
    ends "nothing to change"."""
    progress = progress or NoProgress()
    households, _latest = changed_households(run.programme, run.changed_since)
    # When most of the registry changed (a rescoring, a new survey round), judging it all is quicker than
    # naming the households, and finds the same changes for them.
    everyone = len(households) > Household.objects.count() // 2
    enrolment_compute(run, progress=progress, households=None if everyone else households)
    run.households = len(households)
    fields = ["households"]
    if run.status == RunStatus.READY and not run.changes.exists():
        run.status = RunStatus.UNCHANGED
        fields.append("status")
    run.save(update_fields=fields)
