"""The demo's own steps after the population is in: every household scored, Kafaalat enrolled with a list
approved by the programme officer and confirmed by the administrator, and community feedback recorded."""

import io

import pytest
from django.core.management import call_command

from ehsaas.programs.choices import BeneficiaryStatus, RunStatus
from ehsaas.programs.models import Beneficiary, EnrolmentRun
from ehsaas.registry.models import Household
from ehsaas.targeting.models import HouseholdScore

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_output(settings, tmp_path, monkeypatch):
    settings.VAR_DIR = tmp_path
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    out = io.StringIO()
    call_command("demo-data", "--households", "200", "--seed", "4", stdout=out)
    return out.getvalue()


def test_the_demo_scores_every_household(demo_output):
    scored = HouseholdScore.objects.count()
    assert scored == Household.objects.filter(members__status="active").distinct().count()
    assert f"Scored {scored:,} households with the active model." in demo_output


def test_the_demo_enrols_kafaalat_with_a_list_approved_and_confirmed_by_two_people(demo_output):
    run = EnrolmentRun.objects.get(programme__code="kafaalat")
    enrolled = Beneficiary.objects.filter(programme__code="kafaalat", status=BeneficiaryStatus.ACTIVE)
    assert run.status == RunStatus.CONFIRMED
    assert (run.approved_by.username, run.confirmed_by.username) == ("programme", "admin")
    assert enrolled.count() == run.joining > 0
    assert f"Enrolled {run.joining:,} women in Kafaalat" in demo_output


def test_the_demo_steps_are_not_run_again_when_the_registry_has_households(demo_output):
    call_command("demo-data", "--households", "200", "--seed", "4", stdout=io.StringIO())

    assert EnrolmentRun.objects.count() == 1


def test_the_demo_records_community_feedback_after_the_enrolment(demo_output):
    from ehsaas.community.models import FeedbackSession

    assert FeedbackSession.objects.exists()
    assert "feedback sessions and town halls" in demo_output


def test_the_demo_records_complaints_from_every_channel_one_appealed_and_some_escalated(demo_output):
    from ehsaas.grievances.models import Complaint

    complaints = Complaint.objects.all()
    assert set(complaints.values_list("channel", flat=True)) == {
        "portal",
        "sms",
        "helpline",
        "walk_in",
        "town_hall",
    }
    assert complaints.filter(appealed_at__isnull=False).count() == 1
    assert complaints.filter(status="resolved").count() == 1
    assert complaints.filter(status="escalated").exists()
    assert f"Recorded {complaints.count()} complaints" in demo_output
