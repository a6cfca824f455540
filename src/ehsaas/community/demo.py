"""Community feedback for the demonstration (`ehsaas demo-data`): a few sessions and town halls of this
quarter and the last, with issues and actions in every state; an advisory board with its members, a
meeting and recommendations; and a satisfaction survey of Kafaalat answered by some of its beneficiaries
(when enrolment has made some). Everything is written through the services, as the programme officer,
so that the audit trail reads as it would. Loading twice adds nothing."""

import random
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ehsaas.community import services
from ehsaas.community.choices import ActionStatus, BoardRole, RecommendationStatus, SessionKind, Sex, Topic
from ehsaas.community.models import FeedbackSession, SurveyRound
from ehsaas.community.surveys import survey_responses_import, survey_round_save
from ehsaas.core.models import District
from ehsaas.programs.models import Beneficiary, Programme
from ehsaas.programs.quarters import Quarter

DEMO_OFFICER = "programme"  # the demo's programme officer (registry.demo.DEMO_ACCOUNTS)
DEMO_DISTRICTS = ("Lahore", "Muzaffargarh", "Karachi Central")
SURVEY_PROGRAMME = "kafaalat"
SURVEY_HOUSEHOLDS = 300
SURVEY_QUESTIONS = [
    {"code": "paid_on_time", "text_en": "Was your last payment on time?",
     "text_ur": "کیا آپ کی پچھلی ادائیگی وقت پر ہوئی؟", "scale": "yes_no"},
    {"code": "payment_point", "text_en": "How satisfied are you with the payment point?",
     "text_ur": "آپ ادائیگی کے مقام سے کتنے مطمئن ہیں؟", "scale": "score"},
    {"code": "treated_with_respect", "text_en": "How satisfied are you with how staff treated you?",
     "text_ur": "عملے کے برتاؤ سے آپ کتنے مطمئن ہیں؟", "scale": "score"},
]  # fmt: skip


def community_demo_load(*, today: date | None = None, seed: int = 8171) -> dict[str, int]:
    """Load the demonstration's community feedback, unless some is recorded already. Returns what was
    made (all zeros when nothing was)."""
    made = {"sessions": 0, "boards": 0, "survey_responses": 0}
    officer = get_user_model().objects.filter(username=DEMO_OFFICER).first()
    districts = list(District.objects.filter(name_en__in=DEMO_DISTRICTS).order_by("name_en"))
    if officer is None or not districts or FeedbackSession.objects.exists():
        return made
    today = today or timezone.localdate()
    rng = random.Random(seed)
    with transaction.atomic():
        made["sessions"] = _sessions(officer, districts, today, rng)
        made["boards"] = _board(officer, districts[0], today)
        made["survey_responses"] = _survey(officer, today, rng)
    return made


def _sessions(officer, districts: list[District], today: date, rng: random.Random) -> int:
    programme = Programme.objects.filter(code=SURVEY_PROGRAMME).first()
    quarter = Quarter.of(today)
    days = [quarter.previous().first_day + timedelta(days=20), quarter.previous().last_day - timedelta(days=10),
            max(quarter.first_day, today - timedelta(days=12)), today]  # fmt: skip
    count = 0
    for district in districts:
        for number, held_on in enumerate(days):
            kind = SessionKind.TOWN_HALL if number % 2 else SessionKind.FEEDBACK
            tehsil = district.tehsils.order_by("name_en").first()
            session = services.session_record(
                acting_user=officer, today=today,
                fields={
                    "kind": kind, "held_on": held_on, "district": district, "tehsil": tehsil,
                    "venue": f"{'Town hall' if kind == SessionKind.TOWN_HALL else 'Community centre'}, "
                    f"{tehsil.name_en if tehsil else district.name_en}",
                    "programme": programme if number != 1 else None,
                    "facilitator": rng.choice(["Sadia Khan", "Imran Ali", "Rubina Shah"]),
                    "organisation": "Demo partner organisation",
                    "women": rng.randint(15, 80), "men": rng.randint(5, 40), "transgender": rng.choice([0, 0, 1, 3]),
                    "notes": "",
                },
                issues=[
                    {"topic": Topic.PAYMENTS, "description": "Payments arrive weeks after the SMS."},
                    {"topic": Topic.DEDUCTIONS, "description": "An agent keeps Rs 500 from each payment."},
                    {"topic": Topic.TARGETING, "description": "Poor families left out after the survey."},
                ][: 1 + number % 3],
                actions=[
                    {"description": "Visit the payment agents of the tehsil with the bank.",
                     "responsible": "District officer", "due_on": held_on + timedelta(days=14)},
                    {"description": "Hold a registration desk for the families left out.",
                     "responsible": "Tehsil office", "due_on": held_on + timedelta(days=30)},
                ],
            )  # fmt: skip
            for action in session.actions.all():
                if action.due_on < today and rng.random() < 0.7:
                    done_on = min(today, action.due_on + timedelta(days=rng.choice([-5, -1, 0, 4])))
                    services.action_follow_up(acting_user=officer, action=action, status=ActionStatus.DONE,
                                              done_on=max(done_on, held_on), today=today)  # fmt: skip
            count += 1
    return count


def _board(officer, district: District, today: date) -> int:
    board = services.board_create(acting_user=officer, name=f"{district.name_en} community advisory board",
                                  district=district)  # fmt: skip
    joined = today - timedelta(days=200)
    members = [
        services.board_member_add(
            acting_user=officer, board=board, name=name, role=role, sex=sex, joined_on=joined, today=today
        )
        for name, role, sex in [
            ("Shahida Parveen", BoardRole.CHAIR, Sex.FEMALE),
            ("Muhammad Yousaf", BoardRole.SECRETARY, Sex.MALE),
            ("Nasreen Akhtar", BoardRole.MEMBER, Sex.FEMALE),
            ("Bindiya Rana", BoardRole.MEMBER, Sex.TRANSGENDER),
        ]
    ]
    services.board_meeting_record(acting_user=officer, board=board, held_on=today - timedelta(days=60),
                                  attendees=members[:3], minutes="Payment delays and agents' deductions discussed.",
                                  today=today)  # fmt: skip
    first = services.recommendation_add(acting_user=officer, board=board, today=today,
                                        text="Publish each payment point's opening hours.",
                                        made_on=today - timedelta(days=60))  # fmt: skip
    services.recommendation_decide(acting_user=officer, recommendation=first, today=today,
                                   status=RecommendationStatus.IMPLEMENTED, decided_on=today - timedelta(days=20),
                                   outcome="Hours posted at every payment point of the district.")  # fmt: skip
    services.recommendation_add(acting_user=officer, board=board, today=today, made_on=today - timedelta(days=60),
                                text="Add a women's counter at the tehsil office.")  # fmt: skip
    return 1


def _survey(officer, today: date, rng: random.Random) -> int:
    programme = Programme.objects.filter(code=SURVEY_PROGRAMME).first()
    if programme is None or SurveyRound.objects.exists():
        return 0
    quarter = Quarter.of(today).previous()
    survey_round = survey_round_save(
        acting_user=officer, survey_round=None, questions=SURVEY_QUESTIONS,
        fields={"programme": programme, "name": f"Kafaalat beneficiaries {quarter}", "starts_on": quarter.first_day,
                "ends_on": quarter.last_day},
    )  # fmt: skip
    households = list(
        Beneficiary.objects.filter(programme=programme)
        .values_list("household__household_ref", "household__district__code")
        .distinct()
        .order_by("household_id")[:SURVEY_HOUSEHOLDS]
    )
    if not households:
        return 0
    lines = ["household_ref,district," + ",".join(q["code"] for q in SURVEY_QUESTIONS)]
    for ref, district in households:
        lines.append(
            f"{ref},{district},{rng.choice(['yes', 'yes', 'no'])},{rng.randint(2, 5)},{rng.randint(1, 5)}"
        )
    imported = survey_responses_import(acting_user=officer, survey_round=survey_round,
                                       data="\n".join(lines).encode(), file_name="kafaalat-survey-demo.csv")  # fmt: skip
    return imported.responses


def demo_community() -> str:
    """The demo step (see ehsaas.core.demo): load the community feedback and say what was made."""
    made = community_demo_load()
    return _(
        "Recorded %(sessions)s feedback sessions and town halls, %(boards)s advisory board and "
        "%(responses)s satisfaction survey responses."
    ) % {"sessions": made["sessions"], "boards": made["boards"], "responses": made["survey_responses"]}
