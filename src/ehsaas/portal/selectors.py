"""What the eligibility check reads from the chain, and nothing more: who holds a CNIC, whether their
household waits for a decision or a score, and the programmes it is in. Two queries, each by an index
(the identifiers' one-living-holder index; beneficiaries by household), so that the check stays fast
on a national registry."""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef

from ehsaas.core.models import AWAITING_DECISION
from ehsaas.programs.choices import ProgrammeStatus
from ehsaas.programs.models import Beneficiary
from ehsaas.registry.choices import MemberStatus
from ehsaas.registry.models import ChangeRequest, Identifier
from ehsaas.targeting.models import HouseholdScore

# Programmes whose beneficiaries hear about them: a paused programme keeps its beneficiaries; a draft
# has none yet and a closed one is over.
RUNNING_PROGRAMMES = (ProgrammeStatus.ACTIVE, ProgrammeStatus.PAUSED)


@dataclass(frozen=True)
class Holder:
    """The living member who holds a CNIC, and what the check needs to know of their household."""

    member_id: int
    household_id: int
    change_awaits_decision: bool
    scored: bool


@dataclass(frozen=True)
class Enrolment:
    """A programme the household (or one of its members) is in, with that beneficiary's status."""

    code: str
    name_en: str
    name_ur: str
    status: str


def holder_of_cnic(digits: str) -> Holder | None:
    """The active member holding these 13 digits, or None when nobody living in the registry does."""
    row = (
        Identifier.objects.filter(number=digits, active=True, member__status=MemberStatus.ACTIVE)
        .annotate(
            change_awaits_decision=Exists(
                ChangeRequest.objects.filter(
                    household_id=OuterRef("member__household_id"), status=AWAITING_DECISION
                )
            ),
            scored=Exists(HouseholdScore.objects.filter(household_id=OuterRef("member__household_id"))),
        )
        .values_list("member_id", "member__household_id", "change_awaits_decision", "scored")
        .first()
    )
    return Holder(*row) if row else None


def enrolments_of_household(household_id: int) -> list[Enrolment]:
    """The household's places in running programmes, whether the household or one of its members is the
    beneficiary: the check answers for the household."""
    rows = (
        Beneficiary.objects.filter(household_id=household_id, programme__status__in=RUNNING_PROGRAMMES)
        .order_by("programme__name_en", "programme_id", "status")
        .values_list("programme__code", "programme__name_en", "programme__name_ur", "status")
    )
    return [Enrolment(*row) for row in rows]
