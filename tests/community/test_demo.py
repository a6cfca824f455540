"""The demonstration's community feedback: sessions in three districts this quarter and the last (with
actions followed up), a board with members, a meeting and recommendations, and a Kafaalat survey
answered by its beneficiaries; loaded once, through the services."""

import pytest

from ehsaas.community.demo import community_demo_load
from ehsaas.community.models import AdvisoryBoard, AgreedAction, FeedbackSession, SurveyResponse
from ehsaas.core.choices import Role
from ehsaas.core.models import AuditEvent, District
from tests.community.conftest import TODAY, beneficiary_household
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def test_the_demo_records_sessions_a_board_and_a_survey_once(reference_data, kafaalat):
    make_user("programme", Role.PROGRAMME_OFFICER)
    lahore = District.objects.get(name_en="Lahore")
    for number in range(4):
        beneficiary_household(lahore, kafaalat, ref=f"HH-DEMO-{number}")

    made = community_demo_load(today=TODAY)

    assert made == {"sessions": 12, "boards": 1, "survey_responses": 4}
    assert set(FeedbackSession.objects.values_list("district__name_en", flat=True)) == {
        "Lahore", "Muzaffargarh", "Karachi Central",
    }  # fmt: skip
    assert AgreedAction.objects.filter(status="done").exists()
    assert AdvisoryBoard.objects.get().members.count() == 4
    assert AuditEvent.objects.filter(action="community.session_recorded").count() == 12
    assert community_demo_load(today=TODAY) == {"sessions": 0, "boards": 0, "survey_responses": 0}
    assert SurveyResponse.objects.count() == 4


def test_without_the_demo_s_programme_officer_nothing_is_loaded(reference_data):
    assert community_demo_load(today=TODAY) == {"sessions": 0, "boards": 0, "survey_responses": 0}
    assert not FeedbackSession.objects.exists()
