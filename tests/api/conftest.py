"""What the DCI API's tests share: the registry's signing key in a temporary file, callbacks captured
instead of sent, tasks run at once, registered clients with keys of their own, and signed requests.

    client = dci_client(districts=[district_a], personal_data=True)
    response = dci_post("sync/search", search_message(uin("35202-…")), client=client)
"""

import uuid
from datetime import date

import pytest
from django.utils import timezone

from ehsaas.api import signing
from ehsaas.api.models import DciClient
from ehsaas.api.outbound import RecordingOutbound
from ehsaas.targeting.models import HouseholdScore, PmtModel

BASE = "/api/dci/registry/"
CALLBACK = "http://127.0.0.1:9/dci/"


@pytest.fixture(autouse=True)
def dci_settings(settings, tmp_path):
    key_file = tmp_path / "signing-key.pem"
    key_file.write_bytes(signing.private_key_pem(signing.new_private_key()))
    settings.DCI_SIGNING_KEY_FILE = key_file
    settings.DCI_REGISTRY_ID = "registry.test"
    settings.DCI_OUTBOUND = "ehsaas.api.outbound.RecordingOutbound"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    RecordingOutbound.sent.clear()
    return settings


@pytest.fixture
def sent():
    """What would have been POSTed to clients: (uri, envelope) pairs."""
    return RecordingOutbound.sent


@pytest.fixture
def dci_client(reference_data):
    """`dci_client(districts=[…], personal_data=True)`: a registered client; its private key is `.key`."""
    made = iter(range(1, 1000))

    def make(
        *,
        districts=(),
        provinces=(),
        nationwide=False,
        personal_data=True,
        callback_uri=CALLBACK,
        active=True,
    ):
        key = signing.new_private_key()
        client = DciClient.objects.create(
            sender_id=f"spmis{next(made)}.example.org",
            name="SPMIS",
            public_key=signing.public_key_text(key),
            callback_uri=callback_uri,
            nationwide=nationwide,
            personal_data=personal_data,
            active=active,
        )
        client.districts.set(districts)
        client.provinces.set(provinces)
        client.key = key
        return client

    return make


def header(client, action: str, **fields) -> dict:
    return {
        "version": "1.0.0",
        "message_id": uuid.uuid4().hex,
        "message_ts": timezone.now().isoformat(),
        "action": action,
        "sender_id": client.sender_id,
        "sender_uri": f"{client.callback_uri}on-{action}",
        "receiver_id": "registry.test",
        "total_count": 1,
        "is_msg_encrypted": False,
    } | fields


def envelope(client, action: str, message: dict, *, key=None, **header_fields) -> dict:
    head = header(client, action, **header_fields)
    key_id = f"{client.sender_id}|test|ed25519"
    return {
        "signature": signing.sign(head, message, private_key=key or client.key, key_id=key_id),
        "header": head,
        "message": message,
    }


def search_message(query_type: str, query, **criteria) -> dict:
    return {
        "transaction_id": uuid.uuid4().hex,
        "search_request": [
            {
                "reference_id": "ref-1",
                "timestamp": timezone.now().isoformat(),
                "search_criteria": {
                    "version": "1.0.0",
                    "reg_type": "ns:org:RegistryType:Social",
                    "query_type": query_type,
                    "query": query,
                }
                | criteria,
            }
        ],
    }


@pytest.fixture
def dci_post(client):
    """`dci_post(path, message, client=c, action=…)` signs the message as that client and POSTs it."""

    def post(path: str, message: dict, *, dci_client, action: str = "search", body=None, **header_fields):
        payload = body if body is not None else envelope(dci_client, action, message, **header_fields)
        return client.post(BASE + path, payload, content_type="application/json")

    return post


def score(household, value: float) -> HouseholdScore:
    model = PmtModel.objects.order_by("id").first()
    return HouseholdScore.objects.create(
        household=household, model=model, run_id=0, score=value, scored_at=timezone.now()
    )


def records(response) -> list[dict]:
    return response.json()["message"]["search_response"][0]["data"]["reg_records"]


def first_answer(response) -> dict:
    return response.json()["message"]["search_response"][0]


BORN = date(1975, 4, 1)
