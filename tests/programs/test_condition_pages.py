"""The conditionality pages: programme officers and administrators import the files of schools and
health centres (a refused file lists every bad line), evaluate a quarter from the programme's page (as
a job the browser follows) and read who was suspended or resumed; registration officers record a visit
from a household's page; everyone who reads beneficiaries reads their compliance there; the command
does what the button does."""

from datetime import date
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from ehsaas.core.models import Job
from ehsaas.programs.choices import BeneficiaryStatus
from ehsaas.programs.models import Beneficiary, HealthVisit, Programme, SchoolAttendance
from ehsaas.registry import choices as c
from tests.programs.conftest import family

pytestmark = pytest.mark.django_db
QUARTER = "2025-Q3"  # long over, whenever the tests run


@pytest.fixture
def pupil(district_a):
    household = family(
        district_a, score=20, ref="HH-PUPIL", children=[(c.Sex.FEMALE, date(2016, 3, 1), True)]
    )
    member = household.members.get(relationship=c.Relationship.DAUGHTER)
    return Beneficiary.objects.create(
        programme=Programme.objects.get(code="taleemi-wazaif"), household=household, member=member,
        status=BeneficiaryStatus.ACTIVE, status_since=timezone.now(),
    )  # fmt: skip


@pytest.fixture
def run_now(settings):
    """Jobs run as soon as they are queued (the worker's part, done in the test)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def evaluate_on_the_page(client, quarter: str = QUARTER) -> Job:
    """Press "Evaluate conditions" and let the worker run the job; the job, followed to its end."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(reverse("programs:evaluate", args=["taleemi-wazaif"]), {"quarter": quarter})
    job = Job.objects.filter(kind="programs.evaluate_conditions").latest("id")
    assert response.url == reverse("job_detail", args=[job.pk]) and job.status == "succeeded", job.error
    return job


def upload(text: str, name: str = "school.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def test_a_programme_officer_imports_a_school_file_from_the_page(client_as, officer, pupil):
    client = client_as(officer)
    response = client.post(
        reverse("programs:compliance"),
        {
            "kind": "attendance",
            "file": upload(f"household_ref,member_no,quarter,attendance\nHH-PUPIL,3,{QUARTER},81\n"),
        },
        follow=True,
    )

    assert "school.csv imported: 1 new, 0 corrected, 0 already recorded." in response.text
    assert SchoolAttendance.objects.get().attendance == 81
    assert "school.csv" in response.content.decode()  # listed among the files imported


def test_a_refused_file_lists_every_bad_line_on_the_page(client_as, officer, pupil):
    response = client_as(officer).post(
        reverse("programs:compliance"),
        {"kind": "attendance", "file": upload("household_ref,member_no,quarter,attendance\nHH-PUPIL,3,2025-Q9,81\n"
                                              "HH-PUPIL,3,2025-Q2,abc\n")},
    )  # fmt: skip

    assert response.status_code == 200
    rows = response.text.split('data-testid="rejected-lines"')[1]
    assert "school.csv has 2 bad lines, listed below. Nothing was imported." in response.text
    assert "2025-Q9" in rows and "write the quarter as the year, a dash and Q1 to Q4" in rows
    assert "attendance is a number from 0 to 100" in rows
    assert not SchoolAttendance.objects.exists()


def test_a_file_that_is_not_csv_is_refused_by_the_form(client_as, officer):
    response = client_as(officer).post(
        reverse("programs:compliance"), {"kind": "visits", "file": upload("x", "a.xlsx")}
    )
    assert "Send a CSV file" in response.text


@pytest.mark.parametrize(
    "role", ["registration_officer", "finance_officer", "me_analyst", "auditor", "partner"]
)
def test_others_read_the_files_page_but_may_not_import(client_as, personas, role, pupil):
    client = client_as(personas[role])
    assert client.get(reverse("programs:compliance")).status_code == 200
    response = client.post(
        reverse("programs:compliance"),
        {
            "kind": "attendance",
            "file": upload(f"household_ref,member_no,quarter,attendance\nHH-PUPIL,3,{QUARTER},81\n"),
        },
    )
    assert response.status_code == 403
    assert not SchoolAttendance.objects.exists()


def test_a_person_without_a_role_sees_no_file_page(client_as, personas):
    assert client_as(personas["no_role"]).get(reverse("programs:compliance")).status_code == 403


def test_the_programme_page_evaluates_a_quarter_and_shows_who_was_suspended(
    client_as, officer, pupil, run_now
):
    client = client_as(officer)
    assert "Evaluate conditions" in client.get(reverse("programs:detail", args=["taleemi-wazaif"])).text

    job = evaluate_on_the_page(client)
    response = client.get(job.report_url, follow=True)

    assert response.redirect_chain[-1][0] == reverse("programs:evaluation", args=["taleemi-wazaif", QUARTER])
    outcomes = response.text.split('data-testid="outcomes"')[1]
    assert "HH-PUPIL" in outcomes
    assert f"School attendance (%) under 70 in {QUARTER}" in outcomes
    pupil.refresh_from_db()
    assert pupil.status == BeneficiaryStatus.SUSPENDED
    listing = client.get(reverse("programs:evaluations", args=["taleemi-wazaif"])).text
    assert QUARTER in listing.split('data-testid="evaluations"')[1]


def test_a_quarter_not_ended_is_refused_with_its_reason(client_as, officer, pupil):
    response = client_as(officer).post(
        reverse("programs:evaluate", args=["taleemi-wazaif"]), {"quarter": "2099-Q1"}, follow=True
    )
    assert "2099-Q1 has not ended yet" in response.text
    pupil.refresh_from_db()
    assert pupil.status == BeneficiaryStatus.ACTIVE and not Job.objects.exists()


@pytest.mark.parametrize(
    "role", ["registration_officer", "finance_officer", "me_analyst", "auditor", "partner"]
)
def test_others_may_not_evaluate_from_the_page(client_as, personas, role, pupil):
    client = client_as(personas[role])
    assert "Evaluate conditions" not in client.get(reverse("programs:detail", args=["taleemi-wazaif"])).text
    response = client.post(reverse("programs:evaluate", args=["taleemi-wazaif"]), {"quarter": QUARTER})
    assert response.status_code == 403 and not Job.objects.exists()


def test_a_partner_reads_only_the_outcomes_in_its_districts(
    client_as, officer, personas, pupil, district_b, run_now
):
    elsewhere = family(district_b, score=20, ref="HH-AWAY", children=[(c.Sex.MALE, date(2016, 1, 1), True)])
    Beneficiary.objects.create(
        programme=pupil.programme, household=elsewhere, member=elsewhere.members.get(relationship=c.Relationship.SON),
        status=BeneficiaryStatus.ACTIVE, status_since=timezone.now(),
    )  # fmt: skip
    evaluate_on_the_page(client_as(officer))

    text = (
        client_as(personas["partner"])
        .get(reverse("programs:evaluation", args=["taleemi-wazaif", QUARTER]))
        .text
    )

    assert "HH-PUPIL" in text and "HH-AWAY" not in text


def test_the_household_page_shows_a_beneficiary_s_compliance(client_as, officer, personas, pupil, run_now):
    SchoolAttendance.objects.create(
        member=pupil.member, quarter=QUARTER, attendance=64, recorded_at=timezone.now()
    )
    evaluate_on_the_page(client_as(officer))

    text = client_as(personas["auditor"]).get(reverse("registry:household", args=[pupil.household_id])).text

    compliance = text.split('data-testid="compliance"')[1].split("</table>")[0]
    assert QUARTER in compliance and "School attendance (%)" in compliance and "64 / 70" in compliance
    assert "missed" in compliance


def test_a_registration_officer_records_a_visit_from_the_household_page(client_as, personas, pupil):
    client = client_as(personas["registration_officer"])
    page = client.get(reverse("registry:household", args=[pupil.household_id])).text
    assert "Record visit" in page

    response = client.post(
        reverse("programs:health_visit", args=[pupil.household_id]),
        {"member": pupil.member_id, "kind": "check_up", "visited_on": "2025-08-02", "centre": "BHU Attock"},
        follow=True,
    )

    assert "Visit recorded." in response.text
    visit = HealthVisit.objects.get()
    assert (visit.member, visit.kind, visit.centre) == (pupil.member, "check_up", "BHU Attock")
    assert "BHU Attock" in response.text.split('data-testid="health-visits"')[1]


def test_a_visit_for_a_member_of_another_household_is_refused(client_as, personas, pupil, district_a):
    other = family(district_a, score=50)
    response = client_as(personas["registration_officer"]).post(
        reverse("programs:health_visit", args=[pupil.household_id]),
        {"member": other.members.first().pk, "kind": "check_up", "visited_on": "2025-08-02"}, follow=True,
    )  # fmt: skip
    assert "Choose the person, the visit and its date." in response.text
    assert not HealthVisit.objects.exists()


@pytest.mark.parametrize("role", ["finance_officer", "me_analyst", "auditor"])
def test_readers_see_no_visit_form_and_may_not_record_one(client_as, personas, role, pupil):
    client = client_as(personas[role])
    assert "Record visit" not in client.get(reverse("registry:household", args=[pupil.household_id])).text
    response = client.post(
        reverse("programs:health_visit", args=[pupil.household_id]),
        {"member": pupil.member_id, "kind": "check_up", "visited_on": "2025-08-02"},
    )
    assert response.status_code == 403


def test_the_command_evaluates_a_quarter_and_prints_the_figures(pupil):
    out = StringIO()
    call_command("conditions", "evaluate", "taleemi-wazaif", QUARTER, stdout=out)

    assert (
        f"taleemi-wazaif {QUARTER}: 1 judged, 0 met every condition, 1 missed one; 1 suspended"
        in out.getvalue()
    )
    pupil.refresh_from_db()
    assert pupil.status == BeneficiaryStatus.SUSPENDED
    assert pupil.status_changes.get().changed_by is None  # the system


def test_the_command_imports_a_file_and_prints_every_bad_line(pupil, tmp_path):
    good, bad = tmp_path / "good.csv", tmp_path / "bad.csv"
    good.write_text(
        f"household_ref,member_no,quarter,attendance\nHH-PUPIL,3,{QUARTER},81\n", encoding="utf-8"
    )
    bad.write_text("household_ref,member_no,quarter,attendance\nHH-NONE,3,2025-Q3,81\n", encoding="utf-8")
    out, err = StringIO(), StringIO()

    call_command("conditions", "import", "attendance", str(good), stdout=out)
    with pytest.raises(CommandError, match=r"bad\.csv has 1 bad lines"):
        call_command("conditions", "import", "attendance", str(bad), stderr=err)

    assert "good.csv: 1 records; 1 new" in out.getvalue()
    assert "bad.csv:2: household_ref «HH-NONE / 3»: household HH-NONE has no member 3" in err.getvalue()


def test_the_command_names_the_programmes_when_one_is_unknown(pupil):
    with pytest.raises(CommandError, match=r"no programme nowhere; the programmes are: .*kafaalat"):
        call_command("conditions", "evaluate", "nowhere", QUARTER)
