"""Evaluating a programme's conditions for a quarter: the one service that does it, whoever asks (the
page, through a job the worker runs; the command, inline), and the checks that refuse a quarter before
any work starts.

It is re-exported by `services` as `services.conditions_evaluate`. It lives here, below `services`
and `tasks`, because the evaluation job calls it and `services` queues that job: a task importing
`services` would make the two modules import each other.
"""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ehsaas.core.progress import NoProgress, Progress
from ehsaas.core.services import audit_record
from ehsaas.programs.choices import ProgrammeStatus
from ehsaas.programs.conditions import conditions_compute
from ehsaas.programs.models import ConditionEvaluation, Programme
from ehsaas.programs.quarters import InvalidQuarter, Quarter

MSG_NO_CONDITIONS = _("%(programme)s has no conditions to keep the benefit: there is nothing to evaluate.")
MSG_QUARTER_NOT_ENDED = _("%(quarter)s has not ended yet: a quarter is evaluated after its last day.")
MSG_NOT_EVALUATED = _(
    "Only an active or paused programme's conditions are evaluated; this one is %(status)s."
)


class EvaluationRefused(ValidationError):
    """A quarter that cannot be evaluated, with the reason why."""


def evaluation_permitted(user) -> None:
    """`user` None is the system (a command run by the operator), who may do what the command does."""
    if user is not None and not user.has_perm("programs.evaluate_conditions"):
        raise PermissionDenied


def evaluation_check(programme: Programme, quarter: str, today: date | None = None) -> Quarter:
    """The quarter to evaluate, parsed; or EvaluationRefused saying why the programme's conditions
    cannot be evaluated for it (checked before a job is queued, and again when it runs)."""
    try:
        judged = Quarter.parse(quarter)
    except InvalidQuarter as error:
        raise EvaluationRefused(str(error)) from None
    if programme.status not in (ProgrammeStatus.ACTIVE, ProgrammeStatus.PAUSED):
        raise EvaluationRefused(MSG_NOT_EVALUATED, params={"status": programme.get_status_display()})
    if not programme.condition_rules.exists():
        raise EvaluationRefused(MSG_NO_CONDITIONS, params={"programme": programme.name})
    if judged.last_day >= (today or timezone.localdate()):
        raise EvaluationRefused(MSG_QUARTER_NOT_ENDED, params={"quarter": str(judged)})
    return judged


def _actor(user):
    return user if getattr(user, "is_authenticated", False) else None


@transaction.atomic
def conditions_evaluate(
    *,
    acting_user,
    programme: Programme,
    quarter: str,
    today: date | None = None,
    progress: Progress | None = None,
) -> ConditionEvaluation:
    """Judge a programme's conditions for a quarter that has ended: suspend those who missed a condition
    as many quarters in a row as it allows, resume those an evaluation suspended who meet them all
    again, each with a status history row and an SMS. The same quarter evaluated again changes only
    what changed since. `progress` follows the beneficiaries judged."""
    evaluation_permitted(acting_user)
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    judged = evaluation_check(programme, quarter, today)
    now, user = timezone.now(), _actor(acting_user)
    evaluation, created = ConditionEvaluation.objects.get_or_create(
        programme=programme, quarter=str(judged), defaults={"evaluated_at": now, "evaluated_by": user}
    )
    figures = conditions_compute(
        programme, judged, evaluation, acting_user=user, progress=progress or NoProgress()
    )
    if created or figures.changed:
        evaluation.evaluated_at, evaluation.evaluated_by = now, user
        evaluation.judged, evaluation.met = figures.judged, figures.met
        evaluation.missed = figures.judged - figures.met
        evaluation.suspended = evaluation.outcomes.filter(action="suspended").count()
        evaluation.resumed = evaluation.outcomes.filter(action="resumed").count()
        evaluation.save(update_fields=["evaluated_at", "evaluated_by", "judged", "met", "missed", "suspended",
                                       "resumed"])  # fmt: skip
    audit_record(
        actor=acting_user, action="conditions.evaluated", subject=evaluation,
        summary=f"{programme.code} {judged}: {figures.judged} judged, {figures.suspended} suspended, "
        f"{figures.resumed} resumed",
    )  # fmt: skip
    return evaluation
