"""A quarter's conditions evaluated from the page run as a job: pressing the button queues a job and
leads to its page, nothing is evaluated until the worker runs it, the job counts the beneficiaries
judged and links to the evaluation it made; a quarter that cannot be evaluated is refused on the page
with its reason and no job is queued; a refusal met only when the job runs fails the job with the
message; only programme officers and administrators start one."""

from datetime import date

import pytest
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from ehsaas.core.models import Job
from ehsaas.programs.choices import BeneficiaryStatus
from ehsaas.programs.models import Beneficiary, ConditionEvaluation, Programme, SchoolAttendance
from ehsaas.programs.tasks import evaluate_conditions_job
from ehsaas.registry import choices as c
from tests.programs.conftest import family

pytestmark = pytest.mark.django_db
QUARTER = "2025-Q3"  # long over, whenever the tests run
KIND = "programs.evaluate_conditions"


@pytest.fixture
def pupils(district_a) -> list[Beneficiary]:
    """Three children at school with their stipends active, in two households; the first attended too
    little in the quarter."""
    programme = Programme.objects.get(code="taleemi-wazaif")
    sisters = family(district_a, score=20, ref="HH-SISTERS", children=[(c.Sex.FEMALE, date(2015, 3, 1), True),
                                                                       (c.Sex.FEMALE, date(2017, 3, 1), True)])  # fmt: skip
    brother = family(district_a, score=20, ref="HH-BROTHER", children=[(c.Sex.MALE, date(2016, 1, 1), True)])
    children = [*sisters.members.filter(relationship=c.Relationship.DAUGHTER).order_by("member_no"),
                brother.members.get(relationship=c.Relationship.SON)]  # fmt: skip
    enrolled = [
        Beneficiary.objects.create(programme=programme, household=child.household, member=child,
                                   status=BeneficiaryStatus.ACTIVE, status_since=timezone.now())
        for child in children
    ]  # fmt: skip
    for beneficiary, attendance in zip(enrolled, (55, 90, 85), strict=True):
        SchoolAttendance.objects.create(
            member=beneficiary.member, quarter=QUARTER, attendance=attendance, recorded_at=timezone.now()
        )
    return enrolled


def press_evaluate(client, quarter: str = QUARTER, code: str = "taleemi-wazaif"):
    return client.post(reverse("programs:evaluate", args=[code]), {"quarter": quarter})


def test_pressing_evaluate_queues_a_job_and_leads_to_its_page_without_evaluating(client_as, officer, pupils):
    client = client_as(officer)

    response = press_evaluate(client)

    job = Job.objects.get()
    assert response.url == reverse("job_detail", args=[job.pk])
    assert (job.kind, job.status, job.created_by) == (KIND, "queued", officer)
    assert job.params == {"programme": "taleemi-wazaif", "quarter": QUARTER}
    assert not ConditionEvaluation.objects.exists()
    assert {b.status for b in Beneficiary.objects.all()} == {"active"}
    listing = client.get(reverse("programs:evaluations", args=["taleemi-wazaif"])).text
    running = listing.split('data-testid="running-evaluations"')[1]
    assert (
        f"The evaluation of {QUARTER} is running" in running
        and reverse("job_detail", args=[job.pk]) in running
    )


def test_the_job_evaluates_the_quarter_and_links_to_the_evaluation(client_as, officer, pupils):
    client = client_as(officer)
    press_evaluate(client)
    job = Job.objects.get()

    result = evaluate_conditions_job.call(job.pk)  # what the worker does

    job.refresh_from_db()
    evaluation = ConditionEvaluation.objects.get()
    assert (job.status, job.total, job.done) == ("succeeded", 3, 3)
    assert job.message == "3 judged: 1 suspended, 0 resumed"
    assert result == job.result == {
        "programme": "taleemi-wazaif", "quarter": QUARTER, "judged": 3, "met": 2, "missed": 1, "suspended": 1,
        "resumed": 0, "report": "evaluation",
    }  # fmt: skip
    assert (evaluation.quarter, evaluation.evaluated_by, evaluation.suspended) == (QUARTER, officer, 1)
    pupils[0].refresh_from_db()
    assert pupils[0].status == BeneficiaryStatus.SUSPENDED
    page = client.get(reverse("job_detail", args=[job.pk])).text
    figures = page.split('data-testid="job-result"')[1]
    assert "Suspended" in figures and "Met every condition" in figures and "See who was suspended" in page
    report = client.get(job.report_url, follow=True)
    assert report.redirect_chain[-1][0] == reverse("programs:evaluation", args=["taleemi-wazaif", QUARTER])
    assert "HH-SISTERS" in report.text.split('data-testid="outcomes"')[1]


def test_with_the_immediate_backend_the_evaluation_is_done_when_the_page_is_followed(
    client_as, officer, pupils, settings
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

    with TestCase.captureOnCommitCallbacks(execute=True):
        press_evaluate(client_as(officer))

    assert Job.objects.get().status == "succeeded"
    assert ConditionEvaluation.objects.get().judged == 3


def test_evaluating_again_by_job_changes_nothing_new(client_as, officer, pupils):
    client = client_as(officer)
    for _time in range(2):
        press_evaluate(client)
        evaluate_conditions_job.call(Job.objects.latest("id").pk)

    assert Job.objects.filter(status="succeeded").count() == 2
    assert Beneficiary.objects.filter(status="suspended").count() == 1
    assert pupils[0].status_changes.count() == 1


@pytest.mark.parametrize(
    ("code", "quarter", "message"),
    [
        ("taleemi-wazaif", "2025-Q9", "write the quarter as the year, a dash and Q1 to Q4, e.g. 2026-Q3"),
        (
            "taleemi-wazaif",
            "2099-Q1",
            "2099-Q1 has not ended yet: a quarter is evaluated after its last day.",
        ),
        (
            "kafaalat",
            QUARTER,
            "Kafaalat has no conditions to keep the benefit: there is nothing to evaluate.",
        ),
    ],
)
def test_a_quarter_that_cannot_be_evaluated_is_refused_on_the_page_and_no_job_is_queued(
    client_as, officer, pupils, code, quarter, message
):
    response = client_as(officer).post(
        reverse("programs:evaluate", args=[code]), {"quarter": quarter}, follow=True
    )

    assert response.redirect_chain[-1][0] == reverse("programs:evaluations", args=[code])
    assert message in response.text
    assert not Job.objects.exists() and not ConditionEvaluation.objects.exists()


def test_a_closed_programme_is_refused_on_the_page(client_as, officer, pupils):
    Programme.objects.filter(code="taleemi-wazaif").update(status="closed")

    response = client_as(officer).post(
        reverse("programs:evaluate", args=["taleemi-wazaif"]), {"quarter": QUARTER}, follow=True
    )

    assert [str(message) for message in response.context["messages"]] == [
        "Only an active or paused programme's conditions are evaluated; this one is Closed."
    ]
    assert not Job.objects.exists()


def test_a_refusal_met_only_when_the_job_runs_fails_the_job_with_its_message(client_as, officer, pupils):
    press_evaluate(client_as(officer))
    Programme.objects.filter(code="taleemi-wazaif").update(status="closed")  # closed while the job waited
    job = Job.objects.get()

    evaluate_conditions_job.call(job.pk)

    job.refresh_from_db()
    assert job.status == "failed"
    assert job.error == "Only an active or paused programme's conditions are evaluated; this one is Closed."
    assert not ConditionEvaluation.objects.exists()
    assert {b.status for b in Beneficiary.objects.all()} == {"active"}


@pytest.mark.parametrize("role", ["administrator", "programme_officer"])
def test_administrators_and_programme_officers_start_an_evaluation(client_as, personas, role, pupils):
    response = press_evaluate(client_as(personas[role]))

    job = Job.objects.get()
    assert response.url == reverse("job_detail", args=[job.pk]) and job.created_by == personas[role]


@pytest.mark.parametrize(
    "role", ["registration_officer", "finance_officer", "me_analyst", "auditor", "partner"]
)
def test_others_start_no_evaluation(client_as, personas, role, pupils):
    assert press_evaluate(client_as(personas[role])).status_code == 403
    assert not Job.objects.exists()


def test_an_evaluation_job_s_report_is_only_for_those_who_see_the_job(
    client_as, officer, second_officer, pupils
):
    press_evaluate(client_as(officer))
    job = Job.objects.get()
    evaluate_conditions_job.call(job.pk)
    job.refresh_from_db()

    assert client_as(second_officer).get(job.report_url).status_code == 404
    assert client_as(officer).get(job.report_url).status_code == 302
