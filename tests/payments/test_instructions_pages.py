"""The files page of a cycle, its export and send buttons, the download of a file, and the command line:
who may do what (403 for the others), the refusal of a cycle not approved, a file changed on the server
refused on download, and the export through its job."""

import hashlib

import pytest
from django.core.management import CommandError, call_command
from django.test import TestCase
from django.urls import reverse

from ehsaas.core.choices import JobStatus
from ehsaas.core.models import Job
from ehsaas.payments.choices import CycleStatus, SubmissionStatus
from ehsaas.payments.instructions.services import instructions_export
from ehsaas.payments.instructions.simulator import simulated
from ehsaas.payments.models import InstructionBatch, PaymentCycle
from tests.payments.test_instructions_files import approved_cycle, files_in


@pytest.fixture
def files_dir(settings, tmp_path):
    yield from files_in(settings, tmp_path)


@pytest.fixture
def cycle(kafaalat, women, finance, second_finance, files_dir):
    return approved_cycle(kafaalat, women.active, generated_by=finance, approved_by=second_finance)


IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
MAY_RELEASE = ["finance_officer", "administrator"]
MAY_NOT_RELEASE = ["auditor", "me_analyst", "programme_officer", "registration_officer", "grievance_officer",
                   "partner", "payment_agent", "no_role"]  # fmt: skip


@pytest.fixture
def exported(cycle, finance):
    instructions_export(cycle=cycle, acting_user=finance)
    return cycle


def test_the_page_shows_each_providers_batches_with_count_total_and_checksum(client_as, finance, exported):
    response = client_as(finance).get(reverse("payments:cycle_files", args=[exported.pk]))

    assert response.status_code == 200
    nbp = InstructionBatch.objects.get(cycle=exported, provider__code="nbp")
    body = response.content.decode()
    assert nbp.message_id in body and nbp.sha256 in body
    assert reverse("payments:batch_download", args=[nbp.pk]) in body
    assert "Waiting to be sent" in body  # Easypaisa's API batch


@pytest.mark.parametrize("role", ["auditor"])
def test_an_auditor_sees_the_batches_but_no_download_or_button(client_as, personas, exported, role):
    response = client_as(personas[role]).get(reverse("payments:cycle_files", args=[exported.pk]))

    assert response.status_code == 200
    assert "/download/" not in response.content.decode()
    assert "Export instructions" not in response.content.decode()


@pytest.mark.parametrize("role", ["me_analyst", "programme_officer", "partner", "payment_agent", "no_role"])
def test_roles_without_the_batches_may_not_see_the_page(client_as, personas, cycle, role):
    response = client_as(personas[role]).get(reverse("payments:cycle_files", args=[cycle.pk]))

    assert response.status_code == 403


@pytest.mark.parametrize("role", MAY_NOT_RELEASE)
def test_roles_that_do_not_release_payments_may_not_export_send_or_download(
    client_as, personas, exported, role
):
    client = client_as(personas[role])
    batch = InstructionBatch.objects.filter(cycle=exported).exclude(file_name="").first()

    assert client.post(reverse("payments:instructions_export", args=[exported.pk])).status_code == 403
    assert client.post(reverse("payments:instructions_send", args=[exported.pk])).status_code == 403
    assert client.get(reverse("payments:batch_download", args=[batch.pk])).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client, cycle):
    response = client.get(reverse("payments:cycle_files", args=[cycle.pk]))

    assert response.status_code == 302 and "/accounts/login/" in response.url


@pytest.mark.parametrize("role", MAY_RELEASE)
def test_the_export_button_makes_the_files_through_a_job_and_sends_the_api_batches(
    client_as, personas, cycle, settings, role
):
    settings.TASKS = IMMEDIATE
    with TestCase.captureOnCommitCallbacks(execute=True):  # the worker's part, done in the test
        response = client_as(personas[role]).post(reverse("payments:instructions_export", args=[cycle.pk]))

    export_job = Job.objects.get(kind="payments.instructions_export")
    assert response.url == reverse("job_detail", args=[export_job.pk])
    assert export_job.status == JobStatus.SUCCEEDED
    assert export_job.result["batches"] == 3
    assert InstructionBatch.objects.filter(cycle=cycle).count() == 3
    send_job = Job.objects.get(kind="payments.instructions_send")
    assert send_job.status == JobStatus.SUCCEEDED
    submission = InstructionBatch.objects.get(cycle=cycle, provider__code="easypaisa").submission
    assert submission.status == SubmissionStatus.ACCEPTED
    assert len(simulated("easypaisa").paid) == 2


def test_the_export_of_a_cycle_not_approved_is_refused_with_a_message(client_as, finance, cycle, settings):
    settings.TASKS = IMMEDIATE
    PaymentCycle.objects.filter(pk=cycle.pk).update(status=CycleStatus.REVIEW)

    response = client_as(finance).post(reverse("payments:instructions_export", args=[cycle.pk]), follow=True)

    assert (
        "Instructions go out only for an approved cycle; this one is awaiting approval."
        in response.content.decode()
    )
    assert not Job.objects.exists()
    assert not InstructionBatch.objects.exists()


def test_a_file_is_downloaded_byte_for_byte_as_it_was_made(client_as, finance, exported, files_dir):
    batch = InstructionBatch.objects.get(cycle=exported, provider__code="nbp")

    response = client_as(finance).get(reverse("payments:batch_download", args=[batch.pk]))

    content = b"".join(response.streaming_content)
    assert response.status_code == 200
    assert content == (files_dir / batch.file_name).read_bytes()
    assert hashlib.sha256(content).hexdigest() == batch.sha256
    assert response["Content-Disposition"].startswith("attachment")


def test_a_file_changed_on_the_server_is_refused_on_download_with_a_message(
    client_as, finance, exported, files_dir
):
    batch = InstructionBatch.objects.get(cycle=exported, provider__code="jazzcash")
    path = files_dir / batch.file_name
    path.write_bytes(path.read_bytes() + b"EP9999999999,923000000000,Someone,99999.00\n")

    response = client_as(finance).get(reverse("payments:batch_download", args=[batch.pk]), follow=True)

    assert response.redirect_chain[-1][0] == reverse("payments:cycle_files", args=[exported.pk])
    assert "no longer matches the SHA-256 recorded" in response.content.decode()


def test_the_command_prints_each_file_with_count_total_and_checksum_and_copies_them(
    cycle, finance, tmp_path, capsys
):
    call_command("payment-files", "export", str(cycle.pk), "--user", finance.username, "--no-progress",
                 "--out", str(tmp_path / "out"))  # fmt: skip

    output = capsys.readouterr().out
    for batch in InstructionBatch.objects.filter(cycle=cycle).exclude(file_name=""):
        assert (
            f"{batch.file_name}  {batch.transactions:,} payments  Rs {batch.control_sum:,}.00  {batch.sha256}"
            in output
        )
        copy = tmp_path / "out" / batch.file_name.split("/")[-1]
        assert hashlib.sha256(copy.read_bytes()).hexdigest() == batch.sha256
    assert "3 batches of 4 payments made" in output


def test_the_command_exports_nothing_new_the_second_time_and_sends_the_api_batches(cycle, finance, capsys):
    call_command("payment-files", "export", str(cycle.pk), "--user", finance.username, "--no-progress")
    call_command("payment-files", "export", str(cycle.pk), "--user", finance.username, "--no-progress")
    call_command("payment-files", "send", str(cycle.pk))

    output = capsys.readouterr().out
    assert "Nothing new: every payment of the cycle is already in a batch." in output
    assert "1 accepted, 0 refused, 0 waiting." in output


def test_the_command_refuses_a_user_who_may_not_release_payments(cycle, personas):
    with pytest.raises(CommandError, match="may not release payments"):
        call_command("payment-files", "export", str(cycle.pk), "--user", personas["auditor"].username)
