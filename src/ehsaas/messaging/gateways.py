"""Gateway adapters: what hands one message to an SMS network. The sender (sending.py) knows only the
interface: `send(message)` returns the gateway's reference for the message, or raises GatewayError
saying why it was not accepted (the sender tries again later, then gives up).

- LogGateway (SMS_GATEWAY=log, the default and the demo's): sends nothing to any phone; the outbox row
  marked sent with gateway "log" is the record that it would have been sent.
- KannelGateway (SMS_GATEWAY=kannel): an HTTP GET to Kannel's sendsms interface, Urdu as UCS-2 (coding=2,
  charset=UTF-8; without them Urdu arrives as question marks), asking for delivery reports at
  KANNEL_DLR_URL with the message's id and the report's type (%d) and text (%A).
"""

import logging
import urllib.error
import urllib.parse
import urllib.request
from typing import Protocol

from django.conf import settings

from ehsaas.messaging.models import Message
from ehsaas.messaging.rendering import is_gsm7

logger = logging.getLogger(__name__)

# Kannel's delivery-report types: 1 delivered to the phone, 2 not delivered to the phone, 8 accepted by
# the SMS centre, 16 rejected by the SMS centre (4, queued at the centre, tells nothing we act on).
DLR_MASK = 1 | 2 | 8 | 16
TIMEOUT = 10


class GatewayError(Exception):
    """The gateway did not accept a message; the text says why."""


class Gateway(Protocol):
    name: str

    def send(self, message: Message) -> str:
        """Hand `message` (its pk, phone, text and language) to the network; return the gateway's
        reference for it, or raise GatewayError."""


class LogGateway:
    """The demo's gateway: sends nothing to any phone. The outbox records the message as sent through
    the "log" gateway, which is how the demo shows what would have gone out."""

    name = "log"

    def send(self, message: Message) -> str:
        logger.info("SMS not sent (log gateway) to %s: %s", message.phone, message.text)
        return f"log-{message.pk}"


class KannelGateway:
    """Kannel's smsbox sendsms interface: GET with username, password, from, to and text; 202 with
    "0: Accepted for delivery" (or "3: Queued for later delivery") when taken."""

    name = "kannel"

    def __init__(
        self,
        *,
        url: str,
        username: str,
        password: str,
        sender: str,
        dlr_url: str = "",
        token: str = "",
        timeout: float = TIMEOUT,
    ):
        self.url, self.username, self.password, self.sender = url, username, password, sender
        self.dlr_url, self.token, self.timeout = dlr_url, token, timeout

    @classmethod
    def from_settings(cls) -> "KannelGateway":
        return cls(
            url=settings.KANNEL_SENDSMS_URL, username=settings.KANNEL_USERNAME,
            password=settings.KANNEL_PASSWORD, sender=settings.SMS_SENDER,
            dlr_url=settings.KANNEL_DLR_URL, token=settings.SMS_GATEWAY_TOKEN,
        )  # fmt: skip

    def query(self, message: Message) -> dict[str, str]:
        """The sendsms parameters for `message`."""
        params = {"username": self.username, "password": self.password, "from": self.sender,
                  "to": message.phone, "text": message.text, "charset": "UTF-8"}  # fmt: skip
        if not is_gsm7(message.text):
            params["coding"] = "2"
        if self.dlr_url:
            # Kannel fills in %d (the report's type) and %A (its text) when it calls back.
            report = {"id": str(message.pk)} | ({"token": self.token} if self.token else {})
            joiner = "&" if "?" in self.dlr_url else "?"
            params["dlr-mask"] = str(DLR_MASK)
            params["dlr-url"] = f"{self.dlr_url}{joiner}{urllib.parse.urlencode(report)}&status=%d&report=%A"
        return params

    def send(self, message: Message) -> str:
        address = f"{self.url}?{urllib.parse.urlencode(self.query(message))}"
        try:
            # The operator's own gateway, at an address from the settings.
            with urllib.request.urlopen(address, timeout=self.timeout) as response:  # noqa: S310
                body = response.read().decode("utf-8", errors="replace").strip()
        except urllib.error.HTTPError as error:
            answer = error.read().decode("utf-8", errors="replace").strip()
            raise GatewayError(f"Kannel answered HTTP {error.code}: {answer or error.reason}") from None
        except (urllib.error.URLError, OSError) as error:
            raise GatewayError(f"Kannel could not be reached at {self.url}: {error}") from None
        if not body.startswith(("0:", "3:")):
            raise GatewayError(f"Kannel did not accept the message: {body}")
        # Kannel's answer names no message id; its delivery reports name ours, given in the dlr-url.
        return str(message.pk)


def gateway_from_settings() -> Gateway:
    return KannelGateway.from_settings() if settings.SMS_GATEWAY == "kannel" else LogGateway()
