"""Who may call the DCI API: every request is signed with the key of a registered client, fresh, and
never replayed; anything else is refused with the DCI error shape and the right HTTP status."""

import json

from ehsaas.api import signing
from ehsaas.api.envelope import our_key
from tests.api.conftest import BASE, envelope, search_message
from tests.registry.factories import household_with_members


def error_of(response) -> dict:
    body = response.json()["message"]
    assert body["ack_status"] == "ERR"
    return body["error"]


def test_a_signed_request_from_a_registered_client_is_answered_and_the_answer_is_signed_by_us(
    dci_client, dci_post, district_a
):
    household = household_with_members(2, district=district_a)
    client = dci_client(districts=[district_a])
    response = dci_post(
        "sync/search",
        search_message("idtype-value", {"type": "HOUSEHOLD_ID", "value": household.household_ref}),
        dci_client=client,
    )
    assert response.status_code == 200
    body = response.json()
    assert body["header"]["action"] == "on-search"
    assert body["header"]["sender_id"] == "registry.test"
    assert body["header"]["receiver_id"] == client.sender_id
    signing.verify(body["signature"], body["header"], body["message"], public_key=our_key().public_key())


def test_an_unsigned_request_is_refused_as_unsigned(dci_client, dci_post):
    client = dci_client(nationwide=True)
    body = envelope(
        client, "search", search_message("idtype-value", {"type": "UIN", "value": "3520212345671"})
    )
    body["signature"] = ""
    response = dci_post("sync/search", {}, dci_client=client, body=body)
    assert response.status_code == 401
    assert error_of(response)["code"] == "err.signature.missing"


def test_a_tampered_message_is_refused_as_badly_signed(dci_client, dci_post):
    client = dci_client(nationwide=True)
    body = envelope(
        client, "search", search_message("idtype-value", {"type": "UIN", "value": "3520212345671"})
    )
    body["message"]["search_request"][0]["search_criteria"]["query"]["value"] = "3520212345673"
    response = dci_post("sync/search", {}, dci_client=client, body=body)
    assert response.status_code == 401
    assert error_of(response)["code"] == "err.signature.invalid"


def test_a_message_signed_with_another_key_is_refused(dci_client, dci_post):
    client = dci_client(nationwide=True)
    body = envelope(
        client,
        "search",
        search_message("idtype-value", {"type": "UIN", "value": "3520212345671"}),
        key=signing.new_private_key(),
    )
    response = dci_post("sync/search", {}, dci_client=client, body=body)
    assert response.status_code == 401
    assert error_of(response)["code"] == "err.signature.invalid"


def test_an_unknown_sender_is_refused(dci_client, dci_post):
    client = dci_client(nationwide=True)
    body = envelope(
        client,
        "search",
        search_message("idtype-value", {"type": "UIN", "value": "3520212345671"}),
        sender_id="stranger.example.org",
    )
    response = dci_post("sync/search", {}, dci_client=client, body=body)
    assert response.status_code == 401
    assert error_of(response) == {
        "code": "err.sender_id.invalid",
        "message": "sender_id “stranger.example.org” is not a registered client",
    }


def test_a_switched_off_client_is_forbidden(dci_client, dci_post):
    client = dci_client(nationwide=True, active=False)
    response = dci_post(
        "sync/search",
        search_message("idtype-value", {"type": "UIN", "value": "3520212345671"}),
        dci_client=client,
    )
    assert response.status_code == 403
    assert error_of(response)["code"] == "err.request.forbidden"


def test_a_stale_message_is_refused(dci_client, dci_post):
    client = dci_client(nationwide=True)
    response = dci_post(
        "sync/search",
        search_message("idtype-value", {"type": "UIN", "value": "3520212345671"}),
        dci_client=client,
        message_ts="2020-01-01T00:00:00+05:00",
    )
    assert response.status_code == 400
    assert error_of(response)["message"].startswith("rjct.message_ts.invalid")


def test_a_replayed_message_id_is_refused(dci_client, dci_post):
    client = dci_client(nationwide=True)
    message = search_message("idtype-value", {"type": "UIN", "value": "3520212345671"})
    assert dci_post("sync/search", message, dci_client=client, message_id="m-1").status_code == 200
    response = dci_post("sync/search", message, dci_client=client, message_id="m-1")
    assert response.status_code == 409
    assert error_of(response)["message"].startswith("rjct.message_id.duplicate")


def test_a_malformed_but_signed_message_is_refused_as_a_bad_request_saying_where(dci_client, dci_post):
    client = dci_client(nationwide=True)
    response = dci_post(
        "sync/search", {"transaction_id": "t", "search_request": [{"reference_id": "r"}]}, dci_client=client
    )
    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "err.request.bad"
    assert "search_request.0.timestamp" in error["message"]


def test_a_malformed_unsigned_message_is_refused_as_unsigned(client):
    response = client.post(
        BASE + "sync/search", {"header": {"sender_id": "x"}, "message": {}}, content_type="application/json"
    )
    assert response.status_code == 401
    assert error_of(response)["code"] == "err.signature.missing"


def test_a_body_that_is_not_json_is_a_bad_request(client):
    response = client.post(BASE + "sync/search", "not json", content_type="application/json")
    assert response.status_code == 400
    assert error_of(response)["code"] == "err.request.bad"


def test_the_action_must_match_the_endpoint(dci_client, dci_post):
    client = dci_client(nationwide=True)
    response = dci_post(
        "sync/search",
        search_message("idtype-value", {"type": "UIN", "value": "3520212345671"}),
        dci_client=client,
        action="subscribe",
    )
    assert response.status_code == 400
    assert "header.action" in error_of(response)["message"]


def test_a_message_for_another_registry_is_refused(dci_client, dci_post):
    client = dci_client(nationwide=True)
    response = dci_post(
        "sync/search",
        search_message("idtype-value", {"type": "UIN", "value": "3520212345671"}),
        dci_client=client,
        receiver_id="other.registry",
    )
    assert response.status_code == 400
    assert error_of(response)["code"] == "err.receiver_id.invalid"


def test_the_openapi_description_lists_the_dci_endpoints(client):
    schema = json.loads(client.get("/api/openapi.json").content)
    assert "/api/dci/registry/sync/search" in schema["paths"]
    assert client.get("/api/docs").status_code == 200
