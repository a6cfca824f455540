"""Instructions through a provider's API, our side of the contract: every attempt at a batch carries the
same idempotency key, so a timeout followed by a success is submitted twice and paid once; a refusal is
kept in the provider's words and fails the batch's payments; a provider that never answers leaves the
batch waiting, to be sent again with the same key. Tested through httpx.MockTransport against the
simulated provider, and through the simulator's own adapter."""

import json

import httpx
import pytest

from ehsaas.payments.choices import PaymentStatus, SubmissionStatus
from ehsaas.payments.instructions.adapter import (
    HttpProviderApi,
    ProviderRefused,
    ProviderTimeout,
    ProviderUnavailable,
)
from ehsaas.payments.instructions.sending import instructions_send
from ehsaas.payments.instructions.services import instructions_export
from ehsaas.payments.instructions.simulator import SimulatedProvider, SimulatedProviderApi, simulated
from ehsaas.payments.models import InstructionBatch, Payment, ProviderSubmission
from tests.payments.test_instructions_files import approved_cycle, files_in


@pytest.fixture
def files_dir(settings, tmp_path):
    yield from files_in(settings, tmp_path)


@pytest.fixture
def cycle(kafaalat, women, finance, second_finance, files_dir):
    return approved_cycle(kafaalat, women.active, generated_by=finance, approved_by=second_finance)


@pytest.fixture
def submission(cycle, finance) -> ProviderSubmission:
    instructions_export(cycle=cycle, acting_user=finance)
    return InstructionBatch.objects.get(cycle=cycle, provider__code="easypaisa").submission


def http_api(provider: SimulatedProvider, sent: list[httpx.Request]) -> HttpProviderApi:
    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return provider.handler(request)

    return HttpProviderApi(
        base_url="https://easypaisa.example/v1", timeout=5, transport=httpx.MockTransport(handler)
    )


def test_a_timeout_then_a_success_is_sent_twice_with_the_same_key_and_paid_once(cycle, finance, submission):
    provider, sent, waits = SimulatedProvider(code="easypaisa", timeouts=1), [], []

    outcome = instructions_send(cycle=cycle, acting_user=finance, api_for=lambda _p: http_api(provider, sent),
                                sleep=waits.append)  # fmt: skip

    assert (outcome.accepted, outcome.waiting) == (1, 0)
    assert [r.headers["Idempotency-Key"] for r in sent] == [str(submission.idempotency_key)] * 2
    assert len(provider.paid) == 2  # the batch's two payments, each paid once
    assert sorted(provider.paid) == sorted(
        p.reference for p in Payment.objects.filter(batch=submission.batch)
    )
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.ACCEPTED
    assert submission.attempts == 2
    assert submission.provider_reference == "SIM-easypaisa-000001"
    assert "sent again with the same idempotency key" in submission.last_error
    assert len(waits) == 1


def test_the_request_carries_the_batch_as_json_to_the_providers_batches_address(cycle, finance, submission):
    provider, sent = SimulatedProvider(code="easypaisa"), []

    instructions_send(cycle=cycle, acting_user=finance, api_for=lambda _p: http_api(provider, sent))

    body = json.loads(sent[0].content)
    assert str(sent[0].url) == "https://easypaisa.example/v1/batches"
    assert body["batch_id"] == submission.batch.message_id
    assert (body["count"], body["control_total"]) == (2, f"{submission.batch.control_sum}.00")
    assert {p["msisdn"] for p in body["payments"]} == {"923452222222"}


def test_a_refusal_is_kept_in_the_providers_words_and_fails_the_batchs_payments(cycle, finance, submission):
    provider = SimulatedProvider(code="easypaisa", refusal="Account 03452222222 is blocked")

    outcome = instructions_send(cycle=cycle, acting_user=finance, api_for=lambda _p: http_api(provider, []))

    assert outcome.refused == 1
    submission.refresh_from_db()
    assert (submission.status, submission.last_error) == (
        SubmissionStatus.REFUSED,
        "Account 03452222222 is blocked",
    )
    assert submission.attempts == 1
    statuses = set(Payment.objects.filter(batch=submission.batch).values_list("status", "status_reason"))
    assert statuses == {(PaymentStatus.FAILED, "Account 03452222222 is blocked")}
    assert provider.paid == []


def test_a_provider_that_never_answers_leaves_the_batch_waiting_for_the_same_key(
    cycle,
    finance,
    submission,
    settings,
):
    settings.PAYMENT_API_ATTEMPTS = 3
    provider = SimulatedProvider(code="easypaisa", timeouts=5)

    outcome = instructions_send(cycle=cycle, acting_user=finance, api_for=lambda _p: SimulatedProviderApi(provider),
                                sleep=lambda _s: None)  # fmt: skip

    assert outcome.waiting == 1
    submission.refresh_from_db()
    assert (submission.status, submission.attempts) == (SubmissionStatus.WAITING, 3)
    assert "No answer after 3 attempts" in submission.last_error
    assert Payment.objects.filter(batch=submission.batch, status=PaymentStatus.INSTRUCTED).count() == 2

    instructions_send(cycle=cycle, acting_user=finance, api_for=lambda _p: SimulatedProviderApi(provider),
                      sleep=lambda _s: None)  # fmt: skip

    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.ACCEPTED
    assert set(provider.calls) == {str(submission.idempotency_key)}
    assert len(provider.paid) == 2


def test_an_accepted_batch_is_not_sent_again(cycle, finance, submission):
    instructions_send(cycle=cycle, acting_user=finance)
    instructions_send(cycle=cycle, acting_user=finance)

    assert len(simulated("easypaisa").calls) == 1
    assert len(simulated("easypaisa").paid) == 2


def test_the_http_adapter_tells_a_timeout_a_failure_and_a_refusal_apart():
    def answering(response):
        return HttpProviderApi(base_url="https://p.example", timeout=1,
                               transport=httpx.MockTransport(lambda request: response(request)))  # fmt: skip

    def timeout(request):
        raise httpx.ConnectTimeout("slow", request=request)

    with pytest.raises(ProviderTimeout):
        answering(timeout).submit({}, "key")
    with pytest.raises(ProviderUnavailable, match="HTTP 503"):
        answering(lambda r: httpx.Response(503, text="down for maintenance")).submit({}, "key")
    with pytest.raises(ProviderRefused, match=r"^Duplicate batch id$"):
        answering(lambda r: httpx.Response(409, json={"message": "Duplicate batch id"})).submit({}, "key")
    assert answering(lambda r: httpx.Response(200, json={"reference": "EPX-1"})).submit({}, "key") == "EPX-1"
