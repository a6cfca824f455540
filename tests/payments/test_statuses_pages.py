"""The status files' pages (list, upload as a job, a file's counts and problem lines), providers'
signed callbacks, and each role's access."""

import hashlib
import hmac
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from ehsaas.core.models import Job
from ehsaas.payments.choices import PaymentStatus
from ehsaas.payments.models import Provider, StatusFile
from ehsaas.payments.statuses.services import status_file_apply
from ehsaas.payments.statuses.tasks import apply_status_file_job
from tests.payments.test_statuses_apply import csv_file, make_cycle, make_payments, refreshed

SECRETS = {"easypaisa": "a-callback-secret"}


@pytest.fixture
def paid_out(kafaalat, finance, second_finance, women):
    cycle = make_cycle(kafaalat, finance, second_finance)
    bank, wallet, shared_a, shared_b, cash = make_payments(cycle, women.active)
    return {"bank": bank, "wallet": wallet, "shared_a": shared_a, "shared_b": shared_b, "cash": cash}


def test_a_finance_officer_uploads_a_status_file_and_the_worker_applies_it(client_as, finance, paid_out):
    wallet = paid_out["wallet"]
    upload = SimpleUploadedFile(
        "jc-status.csv", csv_file([f"{wallet.reference},paid,13500,,", "EP0099999999,paid,1,,"])
    )
    response = client_as(finance).post(
        reverse("payments:status_files"), {"provider": "jazzcash", "file": upload}
    )
    job = Job.objects.get(kind="payments.status_file")
    assert response.status_code == 302 and response.url == reverse("job_detail", args=[job.pk])
    apply_status_file_job.call(job.pk)
    job.refresh_from_db()
    assert job.status == "succeeded" and job.result["paid"] == 1 and job.result["problems"] == 1
    assert refreshed(wallet).status == PaymentStatus.PAID
    status_file = StatusFile.objects.get()
    assert status_file.job == job and status_file.received_by == finance
    page = client_as(finance).get(reverse("payments:status_file_of_job", args=[job.pk]), follow=True)
    assert b"EP0099999999" in page.content and b"No such payment" in page.content


def test_a_refused_file_fails_its_job_with_the_reason(client_as, finance, paid_out):
    wallet = paid_out["wallet"]
    upload = SimpleUploadedFile("jc.csv", csv_file([f"{wallet.reference},paid,13500,,"], count=5))
    client_as(finance).post(reverse("payments:status_files"), {"provider": "jazzcash", "file": upload})
    job = Job.objects.get(kind="payments.status_file")
    apply_status_file_job.call(job.pk)
    job.refresh_from_db()
    assert job.status == "failed" and "it says 5 transactions but has 1" in job.error
    assert refreshed(wallet).status == PaymentStatus.INSTRUCTED


def test_the_list_shows_the_files_applied(client_as, finance, paid_out):
    wallet = paid_out["wallet"]
    status_file_apply(provider=Provider.objects.get(code="jazzcash"), content=csv_file([f"{wallet.reference},paid,13500,,"]),
                      file_name="day1.csv", acting_user=finance)  # fmt: skip
    page = client_as(finance).get(reverse("payments:status_files"))
    assert page.status_code == 200 and b"day1.csv" in page.content and b"status-upload" in page.content


@pytest.mark.parametrize("role", ["auditor"])
def test_readers_see_the_status_files_but_not_the_upload(client_as, personas, role, paid_out):
    page = client_as(personas[role]).get(reverse("payments:status_files"))
    assert page.status_code == 200 and b"status-upload" not in page.content
    upload = SimpleUploadedFile("x.csv", b"reference,status,amount\n")
    response = client_as(personas[role]).post(
        reverse("payments:status_files"), {"provider": "jazzcash", "file": upload}
    )
    assert response.status_code == 403
    assert not Job.objects.exists()


@pytest.mark.parametrize(
    "role", ["me_analyst", "registration_officer", "partner", "payment_agent", "no_role"]
)
def test_other_roles_may_not_see_status_files(client_as, personas, role, paid_out):
    assert client_as(personas[role]).get(reverse("payments:status_files")).status_code == 403


def test_an_anonymous_visitor_is_sent_to_sign_in(client):
    assert client.get(reverse("payments:status_files")).status_code == 302


# --- Callbacks ---


def signed_post(client, code: str, payload: dict, *, secret=SECRETS["easypaisa"]):
    body = json.dumps(payload).encode()
    signature = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return client.post(reverse("payments:status_callback", args=[code]), body, content_type="application/json",
                       headers={"X-Ehsaas-Signature": f"sha256={signature}"})  # fmt: skip


@override_settings(PAYMENT_CALLBACK_SECRETS=SECRETS)
def test_a_signed_callback_sets_the_payment_paid(client, paid_out):
    shared = paid_out["shared_a"]
    response = signed_post(
        client, "easypaisa", {"reference": shared.reference, "status": "paid", "amount": 13500}
    )
    assert response.status_code == 200 and response.json()["outcome"] == "paid"
    assert refreshed(shared).status == PaymentStatus.PAID


@override_settings(PAYMENT_CALLBACK_SECRETS=SECRETS)
def test_the_same_callback_twice_changes_nothing(client, paid_out):
    shared = paid_out["shared_a"]
    payload = {"reference": shared.reference, "status": "failed", "amount": 13500, "reason": "AC04 Closed"}
    signed_post(client, "easypaisa", payload)
    again = signed_post(client, "easypaisa", payload)
    assert again.status_code == 200 and again.json() == {"outcome": "failed", "already_applied": True}
    assert StatusFile.objects.count() == 1
    assert refreshed(shared).status_reason == "AC04 Closed"


@override_settings(PAYMENT_CALLBACK_SECRETS=SECRETS)
def test_a_callback_with_a_bad_signature_is_refused(client, paid_out):
    shared = paid_out["shared_a"]
    response = signed_post(client, "easypaisa", {"reference": shared.reference, "status": "paid", "amount": 13500},
                           secret="guessed")  # fmt: skip
    assert response.status_code == 403
    assert refreshed(shared).status == PaymentStatus.INSTRUCTED


@override_settings(PAYMENT_CALLBACK_SECRETS=SECRETS)
def test_a_provider_without_a_secret_cannot_call_back(client, paid_out):
    wallet = paid_out["wallet"]
    response = signed_post(
        client, "jazzcash", {"reference": wallet.reference, "status": "paid", "amount": 13500}
    )
    assert response.status_code == 403


@override_settings(PAYMENT_CALLBACK_SECRETS=SECRETS)
def test_a_callback_for_an_unknown_payment_answers_404(client, paid_out):
    response = signed_post(
        client, "easypaisa", {"reference": "EP0099999999", "status": "paid", "amount": 13500}
    )
    assert response.status_code == 404 and response.json()["error"] == "unknown"


@override_settings(PAYMENT_CALLBACK_SECRETS=SECRETS)
def test_a_callback_for_another_providers_payment_answers_404(client, paid_out):
    bank = paid_out["bank"]
    response = signed_post(
        client, "easypaisa", {"reference": bank.reference, "status": "paid", "amount": 13500}
    )
    assert response.status_code == 404
    assert refreshed(bank).status == PaymentStatus.INSTRUCTED


@override_settings(PAYMENT_CALLBACK_SECRETS=SECRETS)
def test_a_callback_with_another_amount_is_a_conflict(client, paid_out):
    shared = paid_out["shared_a"]
    response = signed_post(
        client, "easypaisa", {"reference": shared.reference, "status": "paid", "amount": 9000}
    )
    assert response.status_code == 409 and response.json()["error"] == "amount"
    assert refreshed(shared).status == PaymentStatus.INSTRUCTED


@override_settings(PAYMENT_CALLBACK_SECRETS=SECRETS)
def test_a_failed_callback_after_paid_leaves_the_payment_paid(client, paid_out):
    shared = paid_out["shared_a"]
    signed_post(client, "easypaisa", {"reference": shared.reference, "status": "paid", "amount": 13500})
    response = signed_post(
        client, "easypaisa", {"reference": shared.reference, "status": "failed", "amount": 13500}
    )
    assert response.status_code == 409 and response.json()["error"] == "conflict"
    assert refreshed(shared).status == PaymentStatus.PAID


@override_settings(PAYMENT_CALLBACK_SECRETS=SECRETS)
def test_a_callback_that_is_not_the_json_asked_for_is_refused(client, paid_out):
    response = signed_post(client, "easypaisa", {"payment": "x"})
    assert response.status_code == 400
