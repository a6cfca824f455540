"""What the outbox's tests share: the templates the migrations load, messages queued the ordinary way, and
gateways that answer as told."""

from importlib import import_module

import pytest
from django.apps import apps as django_apps

from ehsaas.messaging.gateways import GatewayError
from ehsaas.messaging.models import Message, MessageTemplate
from ehsaas.messaging.services import message_queue


@pytest.fixture(autouse=True)
def message_templates(db) -> None:
    """The templates the migrations load, loaded again when a transactional test (which empties the
    tables after itself) ran before."""
    if not MessageTemplate.objects.exists():
        import_module("ehsaas.messaging.migrations.0002_default_templates").load(django_apps, None)


class ScriptedGateway:
    """Accepts every message, or refuses the phones in `refuse` with an error; remembers what it got."""

    name = "scripted"

    def __init__(self, refuse: set[str] = frozenset()):
        self.refuse = refuse
        self.sent: list[Message] = []

    def send(self, message: Message) -> str:
        if message.phone in self.refuse:
            raise GatewayError(f"operator busy for {message.phone}")
        self.sent.append(message)
        return f"gw-{message.pk}"


@pytest.fixture
def gateway() -> ScriptedGateway:
    return ScriptedGateway()


@pytest.fixture
def queued(db):
    """`queued(n)`: n payment-ready messages in Urdu, to 03000000001, 03000000002, …"""

    def make(count: int = 1, *, event: str = "payment_ready:kafaalat-2026Q3") -> list[Message]:
        return [
            message_queue(
                event=event,
                phone=f"0300{index:07d}",
                template="payment_ready",
                language="ur",
                context={"programme": "کفالت", "amount": "13,500"},
            )
            for index in range(1, count + 1)
        ]

    return make
