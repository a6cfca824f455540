"""The import page: who may use it, and an upload that runs as a job with a downloadable report."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from ehsaas.core.models import Job
from ehsaas.registry.models import Household
from ehsaas.registry.tasks.imports import import_registry
from tests.registry.survey import family, household_row, write_survey

pytestmark = pytest.mark.django_db
UPLOAD = reverse("registry:import")


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def upload_files(folder, district, *, bad: bool = False):
    rows = [household_row(district, "HH1"), household_row(district, "HH2", rooms="0" if bad else "2")]
    households, members = write_survey(folder, rows, family("HH1", 1) + family("HH2", 10))
    return {
        "households": SimpleUploadedFile("survey-households.csv", households.read_bytes(), "text/csv"),
        "members": SimpleUploadedFile("survey-members.csv", members.read_bytes(), "text/csv"),
    }


@pytest.mark.parametrize("role", ["administrator", "registration_officer"])
def test_registration_staff_can_open_the_import_page(client_as, personas, role):
    response = client_as(personas[role]).get(UPLOAD)
    assert response.status_code == 200
    assert b"household_ref" in response.content


@pytest.mark.parametrize(
    "role", ["programme_officer", "finance_officer", "partner", "me_analyst", "auditor", "no_role"]
)
def test_other_roles_may_not_import(client_as, personas, role):
    assert client_as(personas[role]).get(UPLOAD).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(UPLOAD)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_an_upload_queues_a_job_that_imports_and_offers_the_report(
    client_as, personas, district_a, tmp_path, media, django_capture_on_commit_callbacks
):
    client = client_as(personas["registration_officer"])

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(UPLOAD, upload_files(tmp_path, district_a, bad=True))

    job = Job.objects.get(kind="registry.import")
    assert response.status_code == 302 and response.url == reverse("job_detail", args=[job.pk])
    assert DBTaskResult.objects.filter(args_kwargs__args=[job.pk]).exists()

    import_registry.call(job.pk)

    job.refresh_from_db()
    assert job.status == "succeeded"
    assert (job.result["accepted"], job.result["rejected"]) == (1, 1)
    assert Household.objects.get().household_ref == "HH1"
    page = client.get(reverse("job_detail", args=[job.pk]))
    assert reverse("registry:import_report", args=[job.pk]).encode() in page.content
    report = client.get(reverse("registry:import_report", args=[job.pk]))
    assert b"rooms" in b"".join(report.streaming_content)


def test_an_unusable_file_fails_the_job_with_its_reason(client_as, personas, district_a, tmp_path, media):
    files = upload_files(tmp_path, district_a)
    files["members"] = SimpleUploadedFile("m.csv", b"household_ref\nHH1\n", "text/csv")
    client_as(personas["registration_officer"]).post(UPLOAD, files)

    job = Job.objects.get()
    import_registry.call(job.pk)

    job.refresh_from_db()
    assert job.status == "failed" and "required columns are missing" in job.error
    assert not Household.objects.exists()


def test_a_members_file_is_asked_for_unless_the_upload_is_a_workbook(
    client_as, personas, district_a, tmp_path, media
):
    files = upload_files(tmp_path, district_a)
    del files["members"]

    response = client_as(personas["registration_officer"]).post(UPLOAD, files)

    assert response.status_code == 200
    assert "A members file is needed" in response.content.decode()
    assert not Job.objects.exists()


def test_another_user_cannot_download_someone_elses_report(client_as, personas, district_a, tmp_path, media):
    client_as(personas["registration_officer"]).post(UPLOAD, upload_files(tmp_path, district_a, bad=True))
    job = Job.objects.get()
    import_registry.call(job.pk)

    other = client_as(personas["second_registration_officer"])
    assert other.get(reverse("registry:import_report", args=[job.pk])).status_code == 404
