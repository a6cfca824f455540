"""Payroll pages: the cycles, opening one, a cycle's generation, review, approval and payments, each
role's access (finance officers act; auditors, M&E analysts and desk officers read; others get 403)."""

import pytest
from django.urls import reverse

from ehsaas.payments.choices import CycleStatus, PaymentStatus
from ehsaas.payments.models import Payment, PaymentCycle
from ehsaas.payments.payroll.services import MSG_OWN_APPROVAL, MSG_STOPPED, cycle_open, payroll_generate
from ehsaas.payments.payroll.tasks import generate_payroll_job

READERS = ["auditor", "me_analyst", "programme_officer", "registration_officer", "grievance_officer"]
REFUSED = ["partner", "payment_agent", "investigator", "no_role"]


@pytest.fixture
def cycle(kafaalat, finance):
    return cycle_open(programme=kafaalat, period="2026-Q3", acting_user=finance)


@pytest.fixture
def generated(women, cycle, finance):
    return payroll_generate(cycle, acting_user=finance)


def test_a_finance_officer_sees_the_cycles_and_the_form_to_open_one(client_as, finance, cycle):
    response = client_as(finance).get(reverse("payments:cycles"))
    assert response.status_code == 200
    assert b'data-testid="open-cycle"' in response.content
    assert reverse("payments:cycle", args=[cycle.pk]).encode() in response.content
    assert (
        f'href="{reverse("payments:cycles")}"'.encode() in response.content
    )  # the Payments link in the menu


def test_the_menu_links_to_payments_only_for_those_who_see_them(client_as, personas):
    link = f'href="{reverse("payments:cycles")}"'
    assert link in client_as(personas["auditor"]).get("/").content.decode()
    assert link not in client_as(personas["partner"]).get("/").content.decode()


@pytest.mark.parametrize("role", READERS)
def test_readers_see_the_cycles_without_the_form(client_as, personas, role, generated):
    response = client_as(personas[role]).get(reverse("payments:cycles"))
    assert response.status_code == 200
    assert b'data-testid="open-cycle"' not in response.content
    page = client_as(personas[role]).get(reverse("payments:cycle", args=[generated.pk]))
    assert page.status_code == 200
    assert b'data-testid="generate"' not in page.content and b'data-testid="approve"' not in page.content


@pytest.mark.parametrize("role", REFUSED)
def test_others_are_refused_the_payroll_pages(client_as, personas, role, generated):
    client = client_as(personas[role])
    assert client.get(reverse("payments:cycles")).status_code == 403
    assert client.get(reverse("payments:cycle", args=[generated.pk])).status_code == 403
    assert client.post(reverse("payments:cycle_generate", args=[generated.pk])).status_code == 403
    assert client.post(reverse("payments:cycle_approve", args=[generated.pk])).status_code == 403


def test_an_anonymous_visitor_is_sent_to_sign_in(client, cycle):
    response = client.get(reverse("payments:cycle", args=[cycle.pk]))
    assert response.status_code == 302 and "login" in response["Location"]


@pytest.mark.parametrize("role", ["auditor", "me_analyst"])
def test_readers_may_neither_open_generate_nor_approve(client_as, personas, role, kafaalat, generated):
    client = client_as(personas[role])
    opened = client.post(reverse("payments:cycle_open"), {"programme": kafaalat.pk, "period": "2026-Q4"})
    assert opened.status_code == 403
    assert client.post(reverse("payments:cycle_generate", args=[generated.pk])).status_code == 403
    assert client.post(reverse("payments:cycle_approve", args=[generated.pk])).status_code == 403
    assert not PaymentCycle.objects.filter(period="2026-Q4").exists()


def test_a_finance_officer_opens_a_cycle(client_as, finance, kafaalat):
    response = client_as(finance).post(reverse("payments:cycle_open"),
                                       {"programme": kafaalat.pk, "period": "2026-Q4"})  # fmt: skip
    cycle = PaymentCycle.objects.get(programme=kafaalat, period="2026-Q4")
    assert response.status_code == 302 and response["Location"] == reverse("payments:cycle", args=[cycle.pk])


def test_opening_a_cycle_twice_says_why_it_is_refused(client_as, finance, kafaalat, cycle):
    response = client_as(finance).post(reverse("payments:cycle_open"),
                                       {"programme": kafaalat.pk, "period": "2026-Q3"})  # fmt: skip
    assert response.status_code == 400
    assert "has a cycle for 2026-Q3 already" in response.content.decode()


def test_generating_queues_a_job_and_the_page_follows_it(client_as, finance, women, cycle, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    client = client_as(finance)
    response = client.post(reverse("payments:cycle_generate", args=[cycle.pk]))
    assert response.status_code == 302
    cycle.refresh_from_db()
    page = client.get(reverse("payments:cycle", args=[cycle.pk])).content.decode()
    assert 'id="job-progress"' in page and reverse("job_detail", args=[cycle.job_id]) in page
    generate_payroll_job.call(cycle.job_id)
    job_page = client.get(reverse("job_detail", args=[cycle.job_id])).content.decode()
    assert reverse("payments:cycle_of_job", args=[cycle.job_id]) in job_page
    followed = client.get(reverse("payments:cycle_of_job", args=[cycle.job_id]))
    assert followed["Location"] == reverse("payments:cycle", args=[cycle.pk])


def test_a_generation_that_stopped_says_to_generate_again(client_as, finance, women, cycle):
    PaymentCycle.objects.filter(pk=cycle.pk).update(status=CycleStatus.GENERATING)
    page = client_as(finance).get(reverse("payments:cycle", args=[cycle.pk])).content.decode()
    assert str(MSG_STOPPED) in page
    assert 'data-testid="generate"' in page


def test_the_cycle_page_shows_the_review_and_the_exceptions(client_as, second_finance, generated, women):
    page = client_as(second_finance).get(reverse("payments:cycle", args=[generated.pk])).content.decode()
    for testid in ("by-district", "by-channel", "by-category", "exceptions", "approve"):
        assert f'data-testid="{testid}"' in page
    assert "03452222222" in page  # the shared wallet
    assert women.bank.household.district.name in page


def test_the_generator_is_told_another_officer_approves(client_as, finance, generated):
    page = client_as(finance).get(reverse("payments:cycle", args=[generated.pk])).content.decode()
    assert 'data-testid="approve"' not in page
    assert str(MSG_OWN_APPROVAL) in page


def test_an_approval_by_the_generator_is_refused_with_the_message(client_as, finance, generated):
    response = client_as(finance).post(reverse("payments:cycle_approve", args=[generated.pk]), follow=True)
    assert str(MSG_OWN_APPROVAL) in response.content.decode()
    generated.refresh_from_db()
    assert generated.status == CycleStatus.REVIEW


def test_a_second_finance_officer_approves_and_the_payroll_is_frozen(client_as, second_finance, generated):
    client = client_as(second_finance)
    client.post(reverse("payments:cycle_approve", args=[generated.pk]), {"note": "Totals checked"})
    generated.refresh_from_db()
    assert (generated.status, generated.approval_note) == (CycleStatus.APPROVED, "Totals checked")
    page = client.get(reverse("payments:cycle", args=[generated.pk])).content.decode()
    assert 'data-testid="frozen"' in page and 'data-testid="generate"' not in page


def test_the_payments_are_filtered_by_status_channel_district_and_reference(
    client_as, finance, generated, women
):
    client = client_as(finance)
    url = reverse("payments:cycle", args=[generated.pk])
    cash = Payment.objects.get(cycle=generated, beneficiary=women.cash)
    by_channel = client.get(url, {"channel": "cash"}).content.decode()
    assert cash.reference in by_channel
    assert Payment.objects.get(cycle=generated, beneficiary=women.bank).reference not in by_channel
    by_reference = client.get(url, {"reference": cash.reference.lower()}).content.decode()
    assert cash.reference in by_reference
    assert Payment.objects.get(cycle=generated, beneficiary=women.wallet).reference not in by_reference
    district = women.bank.household.district
    by_district = client.get(url, {"district": district.pk}).content.decode()
    assert Payment.objects.get(cycle=generated, beneficiary=women.bank).reference in by_district
    assert cash.reference not in by_district
    by_status = client.get(url, {"status": PaymentStatus.PAID}).content.decode()
    assert "No payments." in by_status
