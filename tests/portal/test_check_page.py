"""The public page /check/: anyone types a CNIC and reads the answer, in Urdu or English."""

import pytest
from django.utils import translation
from django.utils.html import escape

from ehsaas.portal.cnic import MSG_DASHES, MSG_DIGIT_COUNT, MSG_NOT_DIGITS
from ehsaas.portal.messages import MSG_NOT_REGISTERED, MSG_TOO_MANY, MSG_UNDER_REVIEW
from tests.portal.households import HOUSEHOLD_NAMES, dashed, unregistered_cnic

URL = "/check/"
DASHES = MSG_DASHES % {"example": "35202-1234567-1"}  # as an English reader sees it


def shown(text) -> str:
    """Text as the page shows it (HTML-escaped)."""
    return escape(str(text))


def test_the_page_is_public_and_asks_for_a_cnic(client, db):
    response = client.get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="cnic"' in page
    assert 'inputmode="numeric"' in page
    assert 'name="viewport"' in page
    assert 'name="language"' in page  # the language switch


def test_a_citizen_reads_that_their_household_is_eligible_and_for_what(client, registered):
    cnic = registered(enrolled=[("kafaalat", "active")])
    response = client.post(URL, {"cnic": dashed(cnic)})
    assert response.status_code == 200
    answer = response.context["answer"]
    assert answer.status == "eligible"
    page = response.content.decode()
    assert "Kafaalat" in page
    assert shown(answer.message) in page
    assert dashed(cnic) in page


@pytest.mark.parametrize(
    ("situation", "status", "message"),
    [
        ({"change_pending": True}, "under_review", MSG_UNDER_REVIEW),
        ({"scored": False}, "under_review", MSG_UNDER_REVIEW),
    ],
)
def test_a_household_under_review_is_told_so(client, registered, situation, status, message):
    response = client.post(URL, {"cnic": registered(**situation)})
    assert response.context["answer"].status == status
    assert shown(message) in response.content.decode()


def test_an_unregistered_cnic_is_told_how_to_register(client, db):
    response = client.post(URL, {"cnic": unregistered_cnic()})
    assert shown(MSG_NOT_REGISTERED) in response.content.decode()


def test_the_page_shows_no_name_and_no_score(client, registered):
    response = client.post(URL, {"cnic": registered(enrolled=[("kafaalat", "active")], score=21.5)})
    page = response.content.decode()
    for secret in [*HOUSEHOLD_NAMES, "21.5"]:
        assert secret not in page


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("35202-123456-1", MSG_DIGIT_COUNT % {"count": 12}),
        ("35202-12345A7-1", MSG_NOT_DIGITS),
        ("3520-21234567-1", DASHES),
    ],
)
def test_a_malformed_cnic_is_shown_again_with_what_is_wrong_not_an_error_page(client, db, typed, message):
    response = client.post(URL, {"cnic": typed})
    assert response.status_code == 200
    page = response.content.decode()
    assert shown(message) in page
    assert f'value="{typed}"' in page
    assert "answer" not in response.context


def test_the_page_in_urdu_is_right_to_left_and_answers_in_urdu(client, registered):
    cnic = registered(enrolled=[("kafaalat", "active")])
    client.post("/i18n/setlang/", {"language": "ur", "next": URL})
    response = client.post(URL, {"cnic": cnic})
    page = response.content.decode()
    assert '<html lang="ur" dir="rtl">' in page
    assert "کفالت" in page
    with translation.override("ur"):
        assert shown(response.context["answer"].message) in page


def test_the_page_is_limited_per_address_and_says_to_try_again_later(client, registered, settings):
    settings.CHECK_LIMIT_PER_IP = "3/h"
    cnic = registered()
    for _ in range(3):
        assert client.post(URL, {"cnic": cnic}).status_code == 200
    refused = client.post(URL, {"cnic": cnic})
    assert refused.status_code == 429
    assert shown(MSG_TOO_MANY) in refused.content.decode()
    assert "answer" not in refused.context
    other = client.post(URL, {"cnic": cnic}, REMOTE_ADDR="10.1.2.3")
    assert other.status_code == 200


def test_mistyped_numbers_do_not_use_up_the_limit(client, registered, settings):
    settings.CHECK_LIMIT_PER_IP = "2/h"
    for _ in range(5):
        client.post(URL, {"cnic": "12345"})
    assert client.post(URL, {"cnic": registered()}).status_code == 200
