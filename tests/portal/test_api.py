"""POST /api/v1/eligibility/check: the same answer for other systems, and its refusals' shape."""

import pytest
from django.utils import translation

from ehsaas.portal.cnic import MSG_DASHES, MSG_DIGIT_COUNT, MSG_NOT_DIGITS
from ehsaas.portal.eligibility import eligibility_for_cnic
from ehsaas.portal.messages import MSG_TOO_MANY
from tests.portal.households import HOUSEHOLD_NAMES, dashed, unregistered_cnic

URL = "/api/v1/eligibility/check"
DASHES = MSG_DASHES % {"example": "35202-1234567-1"}  # as an English reader sees it


def check(client, body, **extra):
    return client.post(URL, body, content_type="application/json", **extra)


def test_an_eligible_household_is_answered_with_its_programmes_codes_and_a_message(client, registered):
    cnic = registered(enrolled=[("kafaalat", "active"), ("nashonuma", "potential")])
    response = check(client, {"cnic": dashed(cnic)})
    assert response.status_code == 200
    assert response.json() == {
        "status": "eligible",
        "programmes": ["kafaalat", "nashonuma"],
        "message": eligibility_for_cnic(cnic).message,
    }


@pytest.mark.parametrize(
    ("situation", "status"),
    [({"change_pending": True}, "under_review"), ({"score": 70.0}, "not_eligible")],
)
def test_each_answer_has_the_same_three_fields(client, registered, situation, status):
    answer = check(client, {"cnic": registered(**situation)}).json()
    assert answer["status"] == status
    assert answer["programmes"] == []
    assert answer["message"]


def test_an_unregistered_cnic_is_answered_not_registered(client, db):
    assert check(client, {"cnic": unregistered_cnic()}).json()["status"] == "not_registered"


def test_the_message_follows_accept_language(client, registered):
    cnic = registered(enrolled=[("kafaalat", "active")])
    answer = check(client, {"cnic": cnic}, HTTP_ACCEPT_LANGUAGE="ur").json()
    with translation.override("ur"):
        assert answer["message"] == eligibility_for_cnic(cnic).message
    assert "کفالت" in answer["message"]


def test_the_answer_reveals_no_name_and_no_score(client, registered):
    body = check(client, {"cnic": registered(enrolled=[("kafaalat", "active")], score=21.5)}).content.decode()
    for secret in [*HOUSEHOLD_NAMES, "21.5", "score"]:
        assert secret not in body


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("35202-123456-1", MSG_DIGIT_COUNT % {"count": 12}),
        ("35202-12345A7-1", MSG_NOT_DIGITS),
        ("3520-21234567-1", DASHES),
    ],
)
def test_a_malformed_cnic_is_a_400_saying_what_is_wrong(client, db, typed, message):
    response = check(client, {"cnic": typed})
    assert response.status_code == 400
    assert response.json() == {"error": "invalid_cnic", "message": str(message)}


@pytest.mark.parametrize("body", [{}, {"cnic": None}, {"number": "3520212345671"}])
def test_a_body_without_a_cnic_is_a_400_in_the_same_shape(client, db, body):
    response = check(client, body)
    assert response.status_code == 400
    assert response.json()["error"] == "bad_request"
    assert "cnic" in response.json()["message"]


def test_a_body_that_is_not_json_is_a_400_in_the_same_shape(client, db):
    response = client.post(URL, "cnic=3520212345671", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"] == "bad_request"


def test_past_the_limit_per_address_the_api_answers_429_with_when_to_try_again(client, registered, settings):
    settings.CHECK_LIMIT_PER_IP = "2/h"
    cnic = registered()
    assert check(client, {"cnic": cnic}).status_code == 200
    assert check(client, {"cnic": cnic}).status_code == 200
    refused = check(client, {"cnic": cnic})
    assert refused.status_code == 429
    assert refused.json() == {"error": "too_many_requests", "message": str(MSG_TOO_MANY)}
    assert 0 < int(refused["Retry-After"]) <= 3600
    assert check(client, {"cnic": cnic}, REMOTE_ADDR="192.0.2.7").status_code == 200


def test_the_page_and_the_api_share_one_count_per_address(client, registered, settings):
    settings.CHECK_LIMIT_PER_IP = "2/h"
    cnic = registered()
    client.post("/check/", {"cnic": cnic})
    client.post("/check/", {"cnic": cnic})
    assert check(client, {"cnic": cnic}).status_code == 429


def test_the_address_can_come_from_a_proxy_s_header(client, registered, settings):
    settings.CHECK_LIMIT_PER_IP = "1/h"
    settings.CHECK_CLIENT_ADDRESS_FROM = "HTTP_X_REAL_IP"
    cnic = registered()
    assert check(client, {"cnic": cnic}, HTTP_X_REAL_IP="198.51.100.1").status_code == 200
    assert check(client, {"cnic": cnic}, HTTP_X_REAL_IP="198.51.100.2").status_code == 200
    assert check(client, {"cnic": cnic}, HTTP_X_REAL_IP="198.51.100.1").status_code == 429


def test_behind_a_proxy_the_last_forwarded_address_counts_not_what_the_client_wrote(
    client, registered, settings
):
    settings.CHECK_LIMIT_PER_IP = "1/h"
    settings.CHECK_CLIENT_ADDRESS_FROM = "HTTP_X_FORWARDED_FOR"
    cnic = registered()
    assert check(client, {"cnic": cnic}, HTTP_X_FORWARDED_FOR="10.9.9.1, 198.51.100.1").status_code == 200
    assert check(client, {"cnic": cnic}, HTTP_X_FORWARDED_FOR="10.9.9.2, 198.51.100.1").status_code == 429


def test_without_the_proxy_s_header_or_with_nonsense_in_it_the_connection_s_address_counts(
    client, registered, settings
):
    settings.CHECK_LIMIT_PER_IP = "1/h"
    settings.CHECK_CLIENT_ADDRESS_FROM = "HTTP_X_REAL_IP"
    cnic = registered()
    assert check(client, {"cnic": cnic}).status_code == 200
    assert check(client, {"cnic": cnic}, HTTP_X_REAL_IP="not an address").status_code == 429
    assert check(client, {"cnic": cnic}, REMOTE_ADDR="192.0.2.9", HTTP_X_REAL_IP="").status_code == 200


def test_the_check_is_described_at_api_docs(client, db):
    schema = client.get("/api/openapi.json").json()
    operation = schema["paths"][URL]["post"]
    assert set(operation["responses"]) >= {"200", "400", "429"}
    assert client.get("/api/docs").status_code == 200


def test_the_dci_endpoints_keep_their_own_refusals(client, db):
    response = client.post("/api/dci/registry/sync/search", {}, content_type="application/json")
    assert response.json()["message"]["ack_status"] == "ERR"
