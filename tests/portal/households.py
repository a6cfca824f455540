"""Households in each situation the 8171 check tells apart, for the portal's tests and its browser
journey.

    cnic = household_in(enrolled=[("kafaalat", "active")])   # the head's CNIC, 13 digits
    cnic = household_in(scored=False)                          # a household with no score yet
"""

from datetime import date

from django.utils import timezone

from ehsaas.programs.models import Beneficiary, Programme
from ehsaas.registry import choices as c
from ehsaas.registry.models import ChangeRequest, Identifier
from ehsaas.targeting.illustrative import illustrative_model_load
from ehsaas.targeting.models import HouseholdScore, PmtModel, PmtWeight
from tests.registry.factories import household_with_members

# Programmes as the shipped ones are named (code, English, Urdu).
PROGRAMMES = {
    "kafaalat": ("Kafaalat", "کفالت"),
    "taleemi-wazaif": ("Education stipends (Taleemi Wazaif)", "تعلیمی وظائف"),
    "nashonuma": ("Nashonuma (nutrition)", "نشوونما"),
    "emergency-cash": ("Emergency Cash", "ایمرجنسی کیش"),
}
HOUSEHOLD_NAMES = ["Ghulam Rasool", "Zainab Bibi", "Bilal Ahmed"]


def programme(code: str, *, status: str = "active") -> Programme:
    name_en, name_ur = PROGRAMMES[code]
    found, _ = Programme.objects.update_or_create(
        code=code,
        defaults={"name_en": name_en, "name_ur": name_ur, "unit": "household", "eligibility": "pmt_score <= 32",
                  "frequency": "quarterly", "starts_on": date(2024, 1, 1), "status": status},
    )  # fmt: skip
    return found


def cnic_of(household, relationship=c.Relationship.HEAD) -> str:
    member = household.members.filter(relationship=relationship).order_by("member_no").first()
    return Identifier.objects.get(member=member, active=True).number


def household_in(
    *,
    enrolled=(),
    scored=True,
    score=21.5,
    change_pending=False,
    requested_by=None,
    programme_status="active",
) -> str:
    """A household of three (a head, his wife, a son) with the given places in programmes (the wife's,
    as Kafaalat enrols women), a score or none, and a change awaiting a decision (asked for by
    `requested_by`) or none; returns the head's CNIC, 13 digits."""
    household = household_with_members(3, names=HOUSEHOLD_NAMES)
    wife = household.members.get(relationship=c.Relationship.SPOUSE)
    for code, status in enrolled:
        Beneficiary.objects.create(
            programme=programme(code, status=programme_status), household=household, member=wife,
            status=status, status_since=timezone.now(), amount=13_500,
        )  # fmt: skip
    if scored:
        illustrative_model_load(PmtModel, PmtWeight)  # gone after a transactional test emptied the tables
        HouseholdScore.objects.create(
            household=household, model=PmtModel.objects.order_by("id").first(), run_id=0, score=score,
            scored_at=timezone.now(),
        )  # fmt: skip
    if change_pending:
        ChangeRequest.objects.create(
            household=household, kind=c.ChangeKind.CORRECT_FIELD, payload={"field": "rooms", "value": 3},
            reason="Built a room", requested_by=requested_by,
        )  # fmt: skip
    return cnic_of(household)


def dashed(digits: str) -> str:
    return f"{digits[:5]}-{digits[5:12]}-{digits[12]}"


def unregistered_cnic() -> str:
    return "4210199999993"
