"""The 8171 eligibility check: one CNIC in, one of four answers out, the same on the page, by SMS, by
the API and on the command line.

    answer = eligibility_for_cnic("35202-1234567-1")
    answer.status          # "eligible" | "not_eligible" | "under_review" | "not_registered"
    answer.programme_codes # ["kafaalat"]
    answer.message         # what it means and what happens next, in the active language

How the answer is decided, first rule that holds:

1. nobody living in the registry holds the CNIC: **not registered** (and how to register);
2. the household, or one of its members, is a beneficiary (potential or active) of a running programme:
   **eligible** for those programmes;
3. its only places in running programmes are suspended (a condition such as school attendance was not
   met): **under review**, with those programmes and a message that their payments are on hold until
   the conditions are met again. Suspension is neither a yes nor a no, and the family can act on it;
4. a change to the household awaits a decision, or the household has no poverty score yet: **under
   review** (the two are not told apart: which one it is would say something about the household);
5. otherwise: **not eligible** (and that a re-survey or a complaint is possible).

A household that is eligible stays eligible while a change waits for a decision: its enrolment stands
until it is re-evaluated. The answer carries programme codes and names and nothing else about the
household: no names, no scores, no reasons.
"""

from dataclasses import dataclass

from django.utils.translation import get_language

from ehsaas.portal.choices import EligibilityStatus
from ehsaas.portal.cnic import parse_cnic
from ehsaas.portal.messages import answer_text, sms_text
from ehsaas.portal.selectors import Enrolment, Holder, household_facts_for_cnic
from ehsaas.programs.choices import BeneficiaryStatus

ENROLLED = (BeneficiaryStatus.POTENTIAL, BeneficiaryStatus.ACTIVE)


@dataclass(frozen=True)
class ProgrammeName:
    code: str
    name_en: str
    name_ur: str

    @property
    def name(self) -> str:
        return self.name_ur if (get_language() or "").startswith("ur") and self.name_ur else self.name_en


@dataclass(frozen=True)
class EligibilityAnswer:
    status: EligibilityStatus
    programmes: tuple[ProgrammeName, ...] = ()
    on_hold: bool = False

    @property
    def programme_codes(self) -> list[str]:
        return [programme.code for programme in self.programmes]

    def programme_names(self) -> list[str]:
        return [programme.name for programme in self.programmes]

    @property
    def message(self) -> str:
        """The full answer, in the active language."""
        return answer_text(self)

    @property
    def sms(self) -> str:
        """The short answer for an SMS, in the active language."""
        return sms_text(self)

    def as_json(self) -> dict:
        """The answer as the API and `check-eligibility --json` give it."""
        return {"status": self.status.value, "programmes": self.programme_codes, "message": self.message}


def _programmes(enrolments: list[Enrolment], statuses) -> tuple[ProgrammeName, ...]:
    """The programmes of the enrolments in these statuses, each once, in the order given."""
    named = {e.code: ProgrammeName(e.code, e.name_en, e.name_ur) for e in enrolments if e.status in statuses}
    return tuple(named.values())


def eligibility_of(holder: Holder | None, enrolments: list[Enrolment]) -> EligibilityAnswer:
    """The decision itself, from what the selectors found (the rules are in the module's docstring)."""
    if holder is None:
        return EligibilityAnswer(EligibilityStatus.NOT_REGISTERED)
    enrolled = _programmes(enrolments, ENROLLED)
    if enrolled:
        return EligibilityAnswer(EligibilityStatus.ELIGIBLE, enrolled)
    suspended = _programmes(enrolments, (BeneficiaryStatus.SUSPENDED,))
    if suspended:
        return EligibilityAnswer(EligibilityStatus.UNDER_REVIEW, suspended, on_hold=True)
    if holder.change_awaits_decision or not holder.scored:
        return EligibilityAnswer(EligibilityStatus.UNDER_REVIEW)
    return EligibilityAnswer(EligibilityStatus.NOT_ELIGIBLE)


def eligibility_for_cnic(cnic_text: str) -> EligibilityAnswer:
    """The answer for a CNIC as a person typed it; InvalidIdentifier (with a message saying what is
    wrong) when it is not one."""
    return eligibility_of(*household_facts_for_cnic(parse_cnic(cnic_text)))
