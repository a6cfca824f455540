"""The simulation pages: programme officers, analysts and administrators run a scenario as a job and read
its report by province and district (and its errors, on a survey); everyone who may run simulations
sees them all; others may not open them. A scenario can be changed and run again, and its district
table downloaded."""

import csv
import io

import pytest
from django.test import TestCase
from django.urls import reverse

from ehsaas.core.models import Job
from ehsaas.targeting.models import HouseholdScore
from tests.targeting.conftest import ILLUSTRATIVE
from tests.targeting.test_pages import upload

pytestmark = pytest.mark.django_db

RUNNERS = ["administrator", "programme_officer", "me_analyst"]
NOT_RUNNERS = ["auditor", "partner", "registration_officer", "finance_officer", "no_role"]
SCENARIO = {"model": ILLUSTRATIVE, "cutoff": "100", "disabled_cutoff": "100", "benefit": "13500",
            "wealth_filters": "on", "source": "registry", "poor_share": "25"}  # fmt: skip


@pytest.fixture
def run_now(settings, tmp_path):
    """Jobs run as soon as they are queued (the worker's part, done in the test)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path / "media"


def start(client, data: dict) -> Job:
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(reverse("targeting:simulation"), data)
    assert response.status_code == 302, response.text
    return Job.objects.filter(kind="targeting.simulate").latest("id")


@pytest.mark.parametrize("role", RUNNERS)
def test_programme_staff_and_analysts_run_a_simulation_and_read_it_by_province_and_district(
    client_as, personas, households, run_now, role
):
    client = client_as(personas[role])
    assert client.get(reverse("targeting:simulation")).status_code == 200

    job = start(client, SCENARIO)

    assert job.status == "succeeded" and job.result["qualifying"] == 2
    assert job.result["quarterly_cost"] == 27_000
    page = client.get(reverse("targeting:simulation_report", args=[job.pk])).text
    for household in households:
        assert household.district.name_en in page and household.province.name_en in page
    assert "27,000" in page and "Nothing was changed" in page


@pytest.mark.parametrize("role", NOT_RUNNERS)
def test_others_may_neither_run_nor_read_simulations(client_as, personas, role):
    job = Job.objects.create(kind="targeting.simulate", params={}, result={"report": "simulation"})
    client = client_as(personas[role])
    assert client.get(reverse("targeting:simulation")).status_code == 403
    assert client.post(reverse("targeting:simulation"), SCENARIO).status_code == 403
    assert client.get(reverse("targeting:simulation_report", args=[job.pk])).status_code == 403
    assert client.get(reverse("targeting:simulation_districts", args=[job.pk])).status_code == 403


def test_every_one_who_runs_simulations_sees_the_others_simulations(client_as, personas, households, run_now):
    job = start(client_as(personas["programme_officer"]), SCENARIO)
    analyst = client_as(personas["me_analyst"])
    listing = analyst.get(reverse("targeting:simulation")).text
    assert reverse("targeting:simulation_report", args=[job.pk]) in listing
    assert analyst.get(reverse("targeting:simulation_report", args=[job.pk])).status_code == 200


def test_a_simulation_leaves_the_scores_as_they_were(client_as, personas, households, run_now):
    start(client_as(personas["programme_officer"]), SCENARIO)
    assert not HouseholdScore.objects.exists()


def test_the_district_table_downloads_as_csv(client_as, personas, households, run_now):
    client = client_as(personas["programme_officer"])
    job = start(client, SCENARIO)

    response = client.get(reverse("targeting:simulation_districts", args=[job.pk]))

    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert response["Content-Type"].startswith("text/csv")
    assert sorted(row["district"] for row in rows) == sorted(h.district.name_en for h in households)
    assert sum(int(row["qualifying_people"]) for row in rows) == 11


def test_change_this_scenario_fills_the_form_with_the_earlier_one(client_as, personas, households, run_now):
    client = client_as(personas["programme_officer"])
    job = start(client, SCENARIO | {"cutoff": "21.5", "disabled_cutoff": "27", "benefit": "9000"})

    form = client.get(reverse("targeting:simulation") + f"?from={job.pk}").context["form"]

    assert (form.initial["cutoff"], form.initial["disabled_cutoff"], form.initial["benefit"]) == (
        21.5,
        27,
        9000,
    )


def test_a_second_cutoff_below_the_first_is_refused_on_the_page(client_as, personas):
    response = client_as(personas["programme_officer"]).post(
        reverse("targeting:simulation"), SCENARIO | {"cutoff": "32", "disabled_cutoff": "20"}
    )
    assert response.status_code == 200 and "It must be at least the cutoff" in response.text
    assert not Job.objects.filter(kind="targeting.simulate").exists()


def test_a_survey_run_needs_both_files(client_as, personas):
    response = client_as(personas["programme_officer"]).post(
        reverse("targeting:simulation"), SCENARIO | {"source": "survey"}
    )
    assert response.status_code == 200 and "A survey needs both files." in response.text


def test_a_survey_simulation_from_the_page_shows_its_errors(client_as, personas, survey_files, run_now):
    households_file, members_file = survey_files
    client = client_as(personas["me_analyst"])

    job = start(
        client,
        SCENARIO | {"cutoff": "32", "disabled_cutoff": "37", "source": "survey",
                    "households": upload(households_file), "members": upload(members_file)},
    )  # fmt: skip

    assert job.status == "succeeded" and 0 < job.result["exclusion_error"] < 1
    page = client.get(reverse("targeting:simulation_report", args=[job.pk])).text
    assert "Inclusion error" in page and "Exclusion error" in page and households_file.name in page


def test_the_report_names_places_in_urdu_on_an_urdu_page(client_as, personas, households, run_now):
    client = client_as(personas["programme_officer"])
    job = start(client, SCENARIO)
    client.cookies["django_language"] = "ur"
    page = client.get(reverse("targeting:simulation_report", args=[job.pk])).text
    assert households[0].district.name_ur in page and households[0].province.name_ur in page


def test_the_menu_offers_the_simulation_to_analysts_but_not_to_auditors(client_as, personas):
    assert (
        reverse("targeting:simulation")
        in client_as(personas["me_analyst"]).get(reverse("targeting:models")).text
    )
    assert (
        reverse("targeting:simulation")
        not in client_as(personas["auditor"]).get(reverse("targeting:models")).text
    )
