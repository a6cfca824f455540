"""The targeting pages and the household page's score panel: who may see and do what. Analysts and
auditors read the models; programme officers and administrators also draft, review, activate and
score; partners never see the models, and see scores only of households in their districts."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse

from ehsaas.core.models import Job
from ehsaas.targeting.choices import ModelStatus, RunReason
from ehsaas.targeting.models import PmtModel
from ehsaas.targeting.runs import scoring_run
from ehsaas.targeting.selectors import household_score_for_user
from ehsaas.targeting.services import pmt_model_submit
from tests.registry.factories import household_with_members
from tests.targeting.conftest import ILLUSTRATIVE, draft

pytestmark = pytest.mark.django_db

MANAGERS = ["administrator", "programme_officer"]
READERS = [*MANAGERS, "me_analyst", "auditor"]
NOT_READERS = ["partner", "registration_officer", "finance_officer", "no_role"]
NOT_MANAGERS = ["me_analyst", "auditor", *NOT_READERS]


def illustrative() -> PmtModel:
    return PmtModel.objects.get(version=ILLUSTRATIVE)


@pytest.mark.parametrize("role", READERS)
def test_readers_see_the_models_and_their_weights_with_labels(client_as, personas, role):
    response = client_as(personas[role]).get(reverse("targeting:models"))
    assert response.status_code == 200
    assert ILLUSTRATIVE in response.text
    response = client_as(personas[role]).get(reverse("targeting:model", args=[illustrative().pk]))
    assert response.status_code == 200
    assert "Owns a refrigerator" in response.text
    assert 'data-testid="illustrative"' in response.text


@pytest.mark.parametrize("role", NOT_READERS)
def test_others_do_not_see_the_models(client_as, personas, role):
    assert client_as(personas[role]).get(reverse("targeting:models")).status_code == 403
    assert (
        client_as(personas[role]).get(reverse("targeting:model", args=[illustrative().pk])).status_code == 403
    )


def test_anonymous_visitors_are_sent_to_sign_in(client):
    assert client.get(reverse("targeting:models")).status_code == 302


@pytest.mark.parametrize("role", MANAGERS)
def test_managers_draft_a_model_from_a_weights_file(client_as, personas, role):
    upload = SimpleUploadedFile("w.csv", b"indicator,weight\nhousehold_size,-0.05\nasset_car,0.2\n")
    response = client_as(personas[role]).post(
        reverse("targeting:model_new"),
        {"version": "2027-page", "name": "From the page", "intercept": "9", "scale_low": "8",
         "scale_high": "10", "weights_file": upload},
    )  # fmt: skip
    model = PmtModel.objects.get(version="2027-page")
    assert response.status_code == 302 and model.author == personas[role]
    assert model.weights.count() == 2


def test_a_bad_weights_file_is_shown_with_its_line(client_as, personas):
    upload = SimpleUploadedFile("w.csv", b"indicator,weight\nhousehold_size,abc\n")
    response = client_as(personas["programme_officer"]).post(
        reverse("targeting:model_new"),
        {"version": "2027-bad", "name": "Bad", "intercept": "9", "scale_low": "8", "scale_high": "10",
         "weights_file": upload},
    )  # fmt: skip
    assert response.status_code == 200
    assert "Line 2: the weight of “household_size” is not a number: “abc”." in response.text
    assert not PmtModel.objects.filter(version="2027-bad").exists()


@pytest.mark.parametrize("role", NOT_MANAGERS)
def test_others_cannot_draft_or_score(client_as, personas, role):
    assert client_as(personas[role]).get(reverse("targeting:model_new")).status_code == 403
    assert client_as(personas[role]).get(reverse("targeting:scoring")).status_code == 403
    assert client_as(personas[role]).post(reverse("targeting:scoring")).status_code == 403


def test_a_model_goes_through_review_and_activation_from_its_page(client_as, author, checker):
    model = draft(author)
    client_as(author).post(reverse("targeting:model_submit", args=[model.pk]))
    page = client_as(author).get(reverse("targeting:model", args=[model.pk]))
    assert "Record the review" not in page.text  # the author is not offered their own review
    client_as(checker).post(reverse("targeting:model_review", args=[model.pk]), {"decision": "approve"})
    client_as(checker).post(reverse("targeting:model_activate", args=[model.pk]))
    model.refresh_from_db()
    assert model.status == ModelStatus.ACTIVE and model.reviewer == checker


def test_the_author_reviewing_from_the_page_is_told_why_not(client_as, author):
    model = pmt_model_submit(acting_user=author, model=draft(author))
    response = client_as(author).post(
        reverse("targeting:model_review", args=[model.pk]), {"decision": "approve"}, follow=True
    )
    assert "The author of a model cannot review it" in response.text
    assert PmtModel.objects.get(pk=model.pk).status == ModelStatus.SUBMITTED


@pytest.mark.parametrize("role", ["me_analyst", "auditor"])
def test_readers_cannot_step_a_model(client_as, author, personas, role):
    model = pmt_model_submit(acting_user=author, model=draft(author))
    response = client_as(personas[role]).post(
        reverse("targeting:model_review", args=[model.pk]), {"decision": "approve"}
    )
    assert response.status_code == 403


def test_a_draft_is_edited_from_its_page(client_as, author):
    model = draft(author)
    response = client_as(author).post(
        reverse("targeting:model_edit", args=[model.pk]),
        {
            "version": model.version,
            "name": "Renamed",
            "intercept": "9.5",
            "scale_low": "8",
            "scale_high": "10",
        },
    )
    model.refresh_from_db()
    assert response.status_code == 302 and (model.name, model.intercept) == ("Renamed", 9.5)


@pytest.mark.parametrize("role", MANAGERS)
def test_managers_start_a_scoring_run_that_a_job_follows(client_as, personas, role, settings, district_a):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    household_with_members(3, district=district_a)
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client_as(personas[role]).post(reverse("targeting:scoring"), {"model": ""})
    job = Job.objects.get(kind="targeting.score")
    assert response.status_code == 302 and response.url == reverse("job_detail", args=[job.pk])
    job.refresh_from_db()
    assert job.status == "succeeded" and job.result["households"] == 1


@pytest.fixture
def scored(district_a, district_b):
    here = household_with_members(3, district=district_a)
    elsewhere = household_with_members(2, district=district_b)
    scoring_run(acting_user=None, reason=RunReason.COMMAND)
    return here, elsewhere


@pytest.mark.parametrize("role", [*READERS, "partner"])
def test_the_household_page_shows_the_score_its_explanation_and_history(client_as, personas, scored, role):
    response = client_as(personas[role]).get(reverse("registry:household", args=[scored[0].pk]))
    assert response.status_code == 200
    assert 'data-testid="pmt-score"' in response.text
    assert ILLUSTRATIVE in response.text and 'data-testid="illustrative"' in response.text
    assert 'data-testid="raised"' in response.text and 'data-testid="score-history"' in response.text


@pytest.mark.parametrize("role", ["registration_officer", "finance_officer"])
def test_staff_without_the_right_see_the_household_but_not_its_score(client_as, personas, scored, role):
    response = client_as(personas[role]).get(reverse("registry:household", args=[scored[0].pk]))
    assert response.status_code == 200 and 'data-testid="pmt-score"' not in response.text


def test_a_partner_cannot_see_another_districts_household_or_score(client_as, personas, scored):
    response = client_as(personas["partner"]).get(reverse("registry:household", args=[scored[1].pk]))
    assert response.status_code == 404


def test_the_score_panel_is_refused_for_a_household_outside_the_partners_districts(personas, scored):
    assert household_score_for_user(user=personas["partner"], household=scored[1]) is None
    assert household_score_for_user(user=personas["partner"], household=scored[0]) is not None


def test_the_explanation_is_in_urdu_on_the_urdu_page(client_as, personas, scored):
    client = client_as(personas["programme_officer"])
    client.cookies["django_language"] = "ur"
    response = client.get(reverse("registry:household", args=[scored[0].pk]), HTTP_ACCEPT_LANGUAGE="ur")
    assert response.status_code == 200
    assert 'data-testid="pmt-score"' in response.text


def upload(path):
    return SimpleUploadedFile(path.name, path.read_bytes(), content_type="text/csv")


def test_a_calibration_from_the_page_reports_and_saves_its_model_as_a_draft(
    client_as, author, survey_files, settings, tmp_path
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path / "media"
    households, members = survey_files
    client = client_as(author)
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(
            reverse("targeting:calibration"),
            {
                "households": upload(households),
                "members": upload(members),
                "cutoff": "32",
                "poor_share": "25",
            },
        )
    job = Job.objects.get(kind="targeting.calibrate")
    job.refresh_from_db()
    assert response.status_code == 302 and job.status == "succeeded"
    assert 0.3 < job.result["r2"] < 0.7 and len(job.result["deciles"]) == 10
    report = client.get(reverse("targeting:calibration_report", args=[job.pk]))
    assert report.status_code == 200 and "Inclusion error" in report.text
    chart = client.get(reverse("targeting:calibration_chart", args=[job.pk]))
    assert b"".join(chart.streaming_content).startswith(b"\x89PNG")
    client.post(
        reverse("targeting:calibration_report", args=[job.pk]), {"version": "2027-page-fit", "name": "Fitted"}
    )
    model = PmtModel.objects.get(version="2027-page-fit")
    assert model.status == ModelStatus.DRAFT and model.author == author and model.fit["r2_held_out"] > 0.3


def test_a_survey_without_consumption_fails_its_calibration_with_the_reason(
    client_as, author, survey_files, settings, tmp_path
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path / "media"
    households, members = survey_files
    lines = households.read_text().splitlines()
    drop = lines[0].split(",").index("monthly_consumption")
    households.write_text("\n".join(",".join(line.split(",")[:drop]) for line in lines) + "\n")
    with TestCase.captureOnCommitCallbacks(execute=True):
        client_as(author).post(
            reverse("targeting:calibration"),
            {"households": upload(households), "members": upload(members), "poor_share": "25"},
        )
    job = Job.objects.get(kind="targeting.calibrate")
    assert job.status == "failed" and "monthly_consumption" in job.error


@pytest.mark.parametrize("role", NOT_MANAGERS)
def test_others_cannot_calibrate(client_as, personas, role):
    assert client_as(personas[role]).get(reverse("targeting:calibration")).status_code == 403


def test_a_calibration_report_is_only_for_the_one_who_started_it(client_as, author, checker):
    job = Job.objects.create(kind="targeting.calibrate", created_by=author, params={}, result={"report": "x"})
    assert client_as(checker).get(reverse("targeting:calibration_report", args=[job.pk])).status_code == 404


@pytest.mark.parametrize("role", ["me_analyst", "auditor"])
def test_the_menu_offers_readers_the_models_but_not_scoring_or_calibration(client_as, personas, role):
    page = client_as(personas[role]).get(reverse("targeting:models")).text
    assert reverse("targeting:models") in page
    assert reverse("targeting:scoring") not in page and reverse("targeting:calibration") not in page


def test_the_menu_offers_programme_officers_scoring_and_calibration(client_as, author):
    page = client_as(author).get(reverse("targeting:models")).text
    assert reverse("targeting:scoring") in page and reverse("targeting:calibration") in page
