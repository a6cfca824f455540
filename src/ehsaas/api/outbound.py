"""Sending our signed messages (callbacks and notifications) to clients, through one small interface so
that tests can capture what would be sent and deployments can swap the transport.

`DCI_OUTBOUND` names the class; the default posts JSON with urllib, with a timeout.
"""

import json
import urllib.request
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string


@dataclass
class Delivery:
    uri: str
    status: int | None  # the HTTP status; None when nothing answered
    error: str = ""

    @property
    def delivered(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


class Outbound(Protocol):
    def post(self, uri: str, envelope: dict) -> Delivery: ...


class UrllibOutbound:
    """POSTs the envelope as JSON; a refused or unreachable receiver is a Delivery with its error."""

    def post(self, uri: str, envelope: dict) -> Delivery:
        if not uri.startswith(("http://", "https://")):
            return Delivery(uri, None, "not an http(s) URI")
        body = json.dumps(envelope, ensure_ascii=False).encode()
        request = urllib.request.Request(  # noqa: S310 - the scheme is checked above
            uri, data=body, method="POST", headers={"Content-Type": "application/json"}
        )
        try:
            with urllib.request.urlopen(request, timeout=settings.DCI_OUTBOUND_TIMEOUT) as response:  # noqa: S310
                return Delivery(uri, response.status)
        except urllib.error.HTTPError as error:
            return Delivery(uri, error.code, str(error))
        except OSError as error:
            return Delivery(uri, None, str(error))


class RecordingOutbound:
    """Keeps what would be sent (in `sent`, shared by every instance) and answers 200: for tests."""

    sent: list[tuple[str, dict]] = []

    def post(self, uri: str, envelope: dict) -> Delivery:
        RecordingOutbound.sent.append((uri, envelope))
        return Delivery(uri, 200)


def outbound() -> Outbound:
    return import_string(settings.DCI_OUTBOUND)()
