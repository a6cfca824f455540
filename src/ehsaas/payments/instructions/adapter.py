"""How a batch of instructions reaches a provider's HTTP API. The sending service knows only the
interface: `submit(batch_payload, idempotency_key)` returns the provider's reference for the batch, or
raises ProviderTimeout / ProviderUnavailable (no answer: tried again later, with the same key) or
ProviderRefused (the provider said no, in its own words: final).

The key is the batch's, the same on every attempt: a provider that honours Idempotency-Key answers a
repeated key with its first answer and pays nothing twice, however often we retry after a timeout.

- HttpProviderApi: POST <provider's api_url>/batches, JSON body, headers Idempotency-Key and
  Authorization (when PAYMENT_PROVIDER_API_TOKEN is set); 2xx with {"reference": …} accepted,
  4xx refused with the provider's "error"/"message", 5xx and timeouts retried.
- SimulatedProviderApi (simulator.py): the demo's stand-in, selected by PAYMENT_PROVIDER_API.
"""

from typing import Protocol

import httpx
from django.conf import settings
from django.utils.module_loading import import_string

from ehsaas.payments.models import Provider


class ProviderApiError(Exception):
    """The provider did not accept the batch; the text says why."""


class ProviderTimeout(ProviderApiError):
    """No answer in time: the provider may or may not have the batch; send again with the same key."""


class ProviderUnavailable(ProviderApiError):
    """The provider could not be reached or failed on its side (HTTP 5xx); send again with the same key."""


class ProviderRefused(ProviderApiError):
    """The provider refused the batch; the text is the provider's own words. Sending again will not help."""


class ProviderApi(Protocol):
    def submit(self, batch_payload: dict, idempotency_key: str) -> str:
        """Hand the batch to the provider; return the provider's reference for it, or raise one of
        ProviderTimeout, ProviderUnavailable, ProviderRefused."""


class HttpProviderApi:
    """A provider's disbursement API over HTTPS."""

    def __init__(self, *, base_url: str, timeout: float, token: str = "", transport=None):
        self.base_url = base_url.rstrip("/")
        self.timeout, self.token, self.transport = timeout, token, transport

    @classmethod
    def for_provider(cls, provider: Provider) -> "HttpProviderApi":
        return cls(base_url=provider.api_url, timeout=settings.PAYMENT_API_TIMEOUT,
                   token=settings.PAYMENT_PROVIDER_API_TOKEN)  # fmt: skip

    def submit(self, batch_payload: dict, idempotency_key: str) -> str:
        headers = {"Idempotency-Key": idempotency_key}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        url = f"{self.base_url}/batches"
        try:
            with httpx.Client(timeout=self.timeout, transport=self.transport) as client:
                response = client.post(url, json=batch_payload, headers=headers)
        except httpx.TimeoutException:
            raise ProviderTimeout(f"no answer from {url} within {self.timeout:g} s") from None
        except httpx.TransportError as error:
            raise ProviderUnavailable(f"{url} could not be reached: {error}") from None
        if response.status_code >= 500:
            raise ProviderUnavailable(f"{url} answered HTTP {response.status_code}: {_words(response)}")
        if response.status_code >= 400:
            raise ProviderRefused(_words(response))
        try:
            reference = str(response.json()["reference"])
        except (ValueError, KeyError, TypeError):
            raise ProviderUnavailable(f"{url} answered without a reference: {response.text[:200]}") from None
        return reference


def _words(response: httpx.Response) -> str:
    """What the provider said: its JSON "error" or "message", else its text."""
    try:
        body = response.json()
    except ValueError:
        return response.text.strip()[:300] or f"HTTP {response.status_code}"
    if isinstance(body, dict):
        return str(body.get("error") or body.get("message") or body)[:300]
    return str(body)[:300]


def api_for(provider: Provider) -> ProviderApi:
    """The adapter PAYMENT_PROVIDER_API names, for `provider`."""
    return import_string(settings.PAYMENT_PROVIDER_API).for_provider(provider)
