"""Reads of targeting. Models are read by those allowed to view them; a household's scores only by
those allowed to view scores, and only for households they may see (the registry's fetchers apply the
district scope of partner users)."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from ehsaas.core.models import Job
from ehsaas.registry.models import Household
from ehsaas.registry.selectors import households_for_user
from ehsaas.targeting.choices import ModelStatus
from ehsaas.targeting.models import HouseholdScore, PmtModel, ScoreHistory, ScoringRun
from ehsaas.targeting.scoring import Contribution, ScoreCard, explain
from ehsaas.targeting.simulation import SimulationReport
from ehsaas.targeting.tasks import SIMULATION_KIND, SIMULATION_REPORT
from ehsaas.targeting.traits import registry_trait_batches

HISTORY_LIMIT = 50
TOP_CONTRIBUTIONS = 5


def pmt_models_for_user(*, user) -> QuerySet[PmtModel]:
    if not user.has_perm("targeting.view_pmtmodel"):
        raise PermissionDenied
    return PmtModel.objects.select_related("author", "reviewer", "activated_by")


def pmt_model_get_for_user(*, user, pk: int) -> PmtModel:
    model = pmt_models_for_user(user=user).filter(pk=pk).first()
    if model is None:
        raise Http404
    return model


def active_pmt_model() -> PmtModel | None:
    return PmtModel.objects.filter(status=ModelStatus.ACTIVE).first()


def scoring_runs_for_user(*, user) -> QuerySet[ScoringRun]:
    if not user.has_perm("targeting.view_scoringrun"):
        raise PermissionDenied
    return ScoringRun.objects.select_related("model", "started_by", "job")


@dataclass
class HouseholdScoreView:
    """What a household's score panel shows."""

    current: HouseholdScore | None
    history: list[ScoreHistory]
    raised: list[Contribution]  # the traits that raised the score most, largest first
    lowered: list[Contribution]  # the traits that lowered it most
    reference_score: float | None


def household_score_for_user(*, user, household: Household) -> HouseholdScoreView | None:
    """The household's current score, history and explanation; None when the user may not see scores
    or may not see this household."""
    if not user.has_perm("targeting.view_householdscore"):
        return None
    if not households_for_user(user=user).filter(pk=household.pk).exists():
        return None
    current = HouseholdScore.objects.select_related("model", "run").filter(household=household).first()
    history = list(
        ScoreHistory.objects.filter(household=household)
        .select_related("model")
        .order_by("-scored_at")[:HISTORY_LIMIT]
    )
    raised, lowered, reference = [], [], None
    if current is not None:
        traits = next(registry_trait_batches(household_ids=[household.pk]), None)
        if traits is not None:
            card = ScoreCard.of(current.model)
            contributions = explain(card, traits)
            raised = [c for c in contributions if c.points > 0][:TOP_CONTRIBUTIONS]
            lowered = [c for c in contributions if c.points < 0][:TOP_CONTRIBUTIONS]
            reference = card.reference_score
    return HouseholdScoreView(
        current=current, history=history, raised=raised, lowered=lowered, reference_score=reference
    )


def simulations_for_user(*, user) -> QuerySet[Job]:
    """Everyone who may run simulations sees them all: a scenario is shared work, not private."""
    if not user.has_perm("targeting.run_simulation"):
        raise PermissionDenied
    return (
        Job.objects.filter(kind=SIMULATION_KIND).select_related("created_by").order_by("-created_at", "-id")
    )


def simulation_report_for_user(*, user, pk: int) -> tuple[Job, SimulationReport]:
    job = simulations_for_user(user=user).filter(pk=pk).first()
    if job is None or SIMULATION_REPORT not in job.result:
        raise Http404
    return job, SimulationReport.from_dict(job.result[SIMULATION_REPORT])
