"""A SIMULATOR of a provider's disbursement API, for the demo and for tests: nothing leaves the machine
and nobody is paid. It behaves as a provider that honours idempotency keys must: the first batch under
a key is "paid" and answered with a reference; the same key again gets that first answer and pays
nothing more. It can be told to time out (after taking the batch, the worst case) or to refuse.

Selected with PAYMENT_PROVIDER_API=ehsaas.payments.instructions.simulator.SimulatedProviderApi (the
default). `SimulatedProvider.handler` also serves as an httpx.MockTransport handler, so the HTTP adapter
can be tested against it.
"""

import json
import threading
from dataclasses import dataclass, field

import httpx

from ehsaas.payments.instructions.adapter import ProviderRefused, ProviderTimeout
from ehsaas.payments.models import Provider


@dataclass
class SimulatedProvider:
    """The provider's side: what it has been asked and what it has paid."""

    code: str
    # Answer this many submissions with a timeout, after taking the batch (as a slow network would).
    timeouts: int = 0
    # Refuse every batch with these words, when set.
    refusal: str = ""
    answers: dict[str, str] = field(default_factory=dict)  # idempotency key → reference
    paid: list[str] = field(default_factory=list)  # payment references paid, each once
    calls: list[str] = field(default_factory=list)  # the idempotency key of every call
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def take(self, batch_payload: dict, idempotency_key: str) -> str:
        """Pay the batch once per key; return the reference (raises as told)."""
        with self.lock:
            self.calls.append(idempotency_key)
            if self.refusal:
                raise ProviderRefused(self.refusal)
            if idempotency_key not in self.answers:
                self.answers[idempotency_key] = f"SIM-{self.code}-{len(self.answers) + 1:06d}"
                self.paid.extend(payment["reference"] for payment in batch_payload.get("payments", []))
            if self.timeouts > 0:
                self.timeouts -= 1
                raise ProviderTimeout("the simulated provider did not answer in time")
            return self.answers[idempotency_key]

    def handler(self, request: httpx.Request) -> httpx.Response:
        """The provider as an HTTP server, for httpx.MockTransport."""
        try:
            reference = self.take(json.loads(request.content), request.headers.get("Idempotency-Key", ""))
        except ProviderTimeout:
            raise httpx.ReadTimeout("simulated timeout", request=request) from None
        except ProviderRefused as refusal:
            return httpx.Response(422, json={"error": str(refusal)})
        return httpx.Response(201, json={"reference": reference})


# The simulated providers of this process, by code (the demo's worker keeps them while it runs).
PROVIDERS: dict[str, SimulatedProvider] = {}


def simulated(code: str) -> SimulatedProvider:
    return PROVIDERS.setdefault(code, SimulatedProvider(code=code))


class SimulatedProviderApi:
    """The ProviderApi of a simulated provider."""

    def __init__(self, provider: SimulatedProvider):
        self.provider = provider

    @classmethod
    def for_provider(cls, provider: Provider) -> "SimulatedProviderApi":
        return cls(simulated(provider.code))

    def submit(self, batch_payload: dict, idempotency_key: str) -> str:
        return self.provider.take(batch_payload, idempotency_key)
