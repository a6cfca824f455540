"""The asynchronous side of the DCI API: a search answered later at the requester's callback URI, the
status of a transaction, and subscriptions to registrations with their notifications, all signed by us."""

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from ehsaas.api import signing
from ehsaas.api.envelope import our_key
from ehsaas.api.models import DciSubscription
from ehsaas.registry.services.households import household_register
from tests.api.conftest import search_message
from tests.registry.factories import household_with_members, new_cnic
from tests.registry.test_household_register import household_data, person


class Receiver(BaseHTTPRequestHandler):
    received: list = []

    def do_POST(self):
        length = int(self.headers["Content-Length"])
        Receiver.received.append((self.path, json.loads(self.rfile.read(length))))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def receiver():
    """A real HTTP server on 127.0.0.1 that keeps what clients would receive."""
    Receiver.received = []
    server = HTTPServer(("127.0.0.1", 0), Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/dci/"
    server.shutdown()
    server.server_close()


def verified(envelope: dict) -> dict:
    signing.verify(
        envelope["signature"], envelope["header"], envelope["message"], public_key=our_key().public_key()
    )
    return envelope


def test_an_async_search_is_acknowledged_and_its_signed_on_search_reaches_the_requesters_server(
    dci_client, dci_post, district_a, receiver, settings, django_capture_on_commit_callbacks
):
    settings.DCI_OUTBOUND = "ehsaas.api.outbound.UrllibOutbound"
    household = household_with_members(2, district=district_a)
    client = dci_client(districts=[district_a], callback_uri=receiver)
    message = search_message("idtype-value", {"type": "HOUSEHOLD_ID", "value": household.household_ref})
    with django_capture_on_commit_callbacks(execute=True):
        response = dci_post("search", message, dci_client=client)
    assert response.status_code == 200
    ack = response.json()["message"]
    assert ack["ack_status"] == "ACK"
    [(path, envelope)] = Receiver.received
    assert path == "/dci/on-search"
    verified(envelope)
    assert envelope["header"]["action"] == "on-search"
    assert envelope["message"]["correlation_id"] == ack["correlation_id"]
    records = envelope["message"]["search_response"][0]["data"]["reg_records"]
    assert records[0]["group_identifier"][0]["identifier_value"] == household.household_ref


def test_a_callback_uri_outside_the_clients_registered_one_is_refused(dci_client, dci_post, district_a):
    client = dci_client(districts=[district_a])
    message = search_message("expression", "rooms > 0")
    response = dci_post("search", message, dci_client=client, sender_uri="http://elsewhere.example.org/steal")
    assert response.status_code == 400
    assert response.json()["message"]["error"]["code"] == "err.sender_uri.invalid"


def status_message(attribute_type: str, value: str) -> dict:
    return {
        "transaction_id": "status-1",
        "txnstatus_request": {"reference_id": "r1", "txn_type": "search", "attribute_type": attribute_type, "attribute_value": value},
    }  # fmt: skip


def test_the_status_of_an_earlier_search_gives_its_answer_and_never_another_clients(
    dci_client, dci_post, district_a
):
    household = household_with_members(1, district=district_a)
    client = dci_client(districts=[district_a])
    message = search_message("idtype-value", {"type": "HOUSEHOLD_ID", "value": household.household_ref})
    dci_post("sync/search", message, dci_client=client)
    response = dci_post(
        "sync/txn/status",
        status_message("transaction_id", message["transaction_id"]),
        dci_client=client,
        action="txn-status",
    )
    assert response.status_code == 200
    body = verified(response.json())
    status = body["message"]["txnstatus_response"]["txn_status"]
    assert status["search_response"][0]["status"] == "succ"
    assert status["search_response"][0]["data"]["reg_records"][0]["@id"].endswith(household.household_ref)
    other = dci_client(districts=[district_a])
    response = dci_post(
        "sync/txn/status",
        status_message("transaction_id", message["transaction_id"]),
        dci_client=other,
        action="txn-status",
    )
    answer = response.json()["message"]["txnstatus_response"]["txn_status"]["search_response"][0]
    assert answer["status"] == "rjct"
    assert answer["status_reason_code"] == "rjct.reference_id.invalid"


def test_a_pending_search_reports_pending_and_the_async_status_is_posted_back(
    dci_client, dci_post, district_a, sent, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}  # the search waits
    client = dci_client(districts=[district_a])
    with django_capture_on_commit_callbacks(execute=True):
        ack = dci_post("search", search_message("expression", "rooms > 0"), dci_client=client).json()[
            "message"
        ]
    status = dci_post(
        "sync/txn/status",
        status_message("correlation_id", ack["correlation_id"]),
        dci_client=client,
        action="txn-status",
    )
    assert (
        status.json()["message"]["txnstatus_response"]["txn_status"]["search_response"][0]["status"] == "pdng"
    )
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        dci_post(
            "txn/status",
            status_message("correlation_id", ack["correlation_id"]),
            dci_client=client,
            action="txn-status",
        )
    [(uri, envelope)] = sent
    assert uri.endswith("on-txn-status")
    assert verified(envelope)["header"]["action"] == "txn-on-status"


def subscribe_message(**criteria) -> dict:
    return {
        "transaction_id": "sub-1",
        "subscribe_request": [
            {"reference_id": "r1", "timestamp": "2026-01-01T00:00:00+05:00",
             "subscribe_criteria": {"reg_event_type": "REGISTER", "notify_record_type": "spdci:Group"} | criteria},
        ],
    }  # fmt: skip


def subscribe(dci_post, client, django_capture_on_commit_callbacks, **criteria) -> str:
    with django_capture_on_commit_callbacks(execute=True):
        response = dci_post("subscribe", subscribe_message(**criteria), dci_client=client, action="subscribe")
    assert response.json()["message"]["ack_status"] == "ACK"
    return (
        DciSubscription.objects.filter(client=client).order_by("-id").values_list("code", flat=True).first()
    )


@pytest.fixture
def registration(personas):
    """`registration(district, area=…)`: the arguments of household_register for a new household there."""

    def arguments(district, **fields):
        return {
            "acting_user": personas["registration_officer"],
            "data": household_data(district, **fields),
            "members": [person(id_number=new_cnic())],
        }

    return arguments


def register(registration, district, django_capture_on_commit_callbacks, **fields):
    with django_capture_on_commit_callbacks(execute=True):
        return household_register(**registration(district, **fields))


def test_a_subscriber_is_notified_of_a_registration_in_its_districts_only_and_stops_when_it_unsubscribes(
    dci_client, dci_post, district_a, district_b, sent, registration, django_capture_on_commit_callbacks
):
    client = dci_client(districts=[district_a])
    code = subscribe(dci_post, client, django_capture_on_commit_callbacks)
    [(uri, on_subscribe)] = sent
    assert uri.endswith("on-subscribe")
    assert on_subscribe["message"]["subscribe_response"][0]["subscriptions"][0]["code"] == code
    sent.clear()

    household = register(registration, district_a, django_capture_on_commit_callbacks)
    register(registration, district_b, django_capture_on_commit_callbacks)
    [(uri, notify)] = sent
    verified(notify)
    assert notify["header"]["action"] == "notify"
    [event] = notify["message"]["notify_event"]
    assert event["data"]["reg_event_type"] == "REGISTER"
    assert event["data"]["reg_records"]["@id"] == f"urn:ehsaas:household:{household.household_ref}"
    sent.clear()

    unsubscribe = {
        "transaction_id": "unsub-1",
        "timestamp": "2026-01-01T00:00:00+05:00",
        "subscription_codes": [code],
    }
    with django_capture_on_commit_callbacks(execute=True):
        dci_post("unsubscribe", unsubscribe, dci_client=client, action="unsubscribe")
    [(uri, on_unsubscribe)] = sent
    assert on_unsubscribe["message"]["subscription_status"] == [{"code": code, "status": "unsubscribe"}]
    sent.clear()
    register(registration, district_a, django_capture_on_commit_callbacks)
    assert sent == []


def test_a_filtered_subscription_hears_only_of_matching_households(
    dci_client, dci_post, district_a, sent, registration, django_capture_on_commit_callbacks
):
    client = dci_client(districts=[district_a])
    subscribe(
        dci_post,
        client,
        django_capture_on_commit_callbacks,
        filter_type="expression",
        filter='area = "urban"',
    )
    sent.clear()
    register(registration, district_a, django_capture_on_commit_callbacks, area="rural")
    assert sent == []
    urban = register(registration, district_a, django_capture_on_commit_callbacks, area="urban")
    assert [e["data"]["reg_records"]["@id"] for e in sent[0][1]["message"]["notify_event"]] == [
        f"urn:ehsaas:household:{urban.household_ref}"
    ]


def test_a_bad_filter_or_an_unknown_event_is_rejected_saying_why(
    dci_client, dci_post, district_a, sent, django_capture_on_commit_callbacks
):
    client = dci_client(districts=[district_a])
    subscribe(
        dci_post, client, django_capture_on_commit_callbacks, filter_type="expression", filter="colour = 1"
    )
    item = sent[-1][1]["message"]["subscribe_response"][0]
    assert item["status_reason_code"] == "rjct.notify_details.invalid"
    assert item["status_reason_message"].startswith("filter: unknown field “colour”")
    assert not DciSubscription.objects.exists()
