"""What the community tests share: the shipped programmes, a tehsil of each of the two districts, a day
to call today, and shorthands that record a session, a board and a survey round through the services
(as a programme officer unless told otherwise)."""

from datetime import date

import pytest
from django.utils import timezone

from ehsaas.community import services
from ehsaas.community.choices import SessionKind, Topic
from ehsaas.community.surveys import survey_round_save
from ehsaas.programs.models import Beneficiary, BenefitRule, ConditionRule, Programme
from ehsaas.programs.shipped import shipped_programmes_load
from ehsaas.registry import choices as c
from tests.registry.records import make_household, make_member, new_cnic

TODAY = date(2026, 5, 20)  # in 2026-Q2


@pytest.fixture(autouse=True)
def shipped(reference_data):
    shipped_programmes_load(Programme, BenefitRule, ConditionRule)


@pytest.fixture
def kafaalat() -> Programme:
    return Programme.objects.get(code="kafaalat")


@pytest.fixture
def officer(personas):
    return personas["programme_officer"]


@pytest.fixture
def partner(personas):
    """A partner organisation's user, working in district_a only."""
    return personas["partner"]


def session_fields(district, **overrides) -> dict:
    fields = {
        "kind": SessionKind.TOWN_HALL, "held_on": date(2026, 5, 4), "district": district, "tehsil": None,
        "venue": "Government Girls School", "programme": None, "facilitator": "Sadia Khan",
        "organisation": "Rural Support Programme", "women": 40, "men": 25, "transgender": 2, "notes": "",
    }  # fmt: skip
    return fields | overrides


def record_session(user, district, *, issues=None, actions=None, today=TODAY, **overrides):
    return services.session_record(
        acting_user=user,
        fields=session_fields(district, **overrides),
        issues=issues
        if issues is not None
        else [{"topic": Topic.PAYMENTS, "description": "Payments are late."}],
        actions=actions
        if actions is not None
        else [
            {"description": "Meet the bank", "responsible": "District officer", "due_on": date(2026, 5, 18)}
        ],
        today=today,
    )


def record_board(user, district, name: str = "Lahore women's board"):
    return services.board_create(acting_user=user, name=name, district=district)


QUESTIONS = [
    {"code": "paid_on_time", "text_en": "Was your payment on time?", "text_ur": "کیا ادائیگی وقت پر ہوئی؟",
     "scale": "yes_no"},
    {"code": "payment_point", "text_en": "How satisfied are you with the payment point?",
     "text_ur": "آپ ادائیگی کے مقام سے کتنے مطمئن ہیں؟", "scale": "score"},
]  # fmt: skip


def make_round(user, programme, *, questions=None, name="Kafaalat 2026-Q1", starts_on=date(2026, 1, 1),
               ends_on=date(2026, 3, 31)):  # fmt: skip
    return survey_round_save(
        acting_user=user, survey_round=None, questions=questions or QUESTIONS,
        fields={"programme": programme, "name": name, "starts_on": starts_on, "ends_on": ends_on},
    )  # fmt: skip


def beneficiary_household(district, programme, *, ref: str, cnic: str | None = None):
    """A household with a woman (holding `cnic`, or a fresh one) who is a beneficiary of `programme`."""
    household = make_household(district, ref=ref)
    woman = make_member(household, "Shazia Parveen", relationship=c.Relationship.HEAD, sex=c.Sex.FEMALE,
                        cnic=cnic or new_cnic(female=True))  # fmt: skip
    Beneficiary.objects.create(programme=programme, household=household, member=woman, status="active",
                               status_since=timezone.now())  # fmt: skip
    return household
