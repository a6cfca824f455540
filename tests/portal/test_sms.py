"""The 8171 check by SMS: the gateway's service URL, its replies in Urdu or English, their length, and
the limit per phone number."""

import pytest
from django.test import Client
from django.utils import translation

from ehsaas.portal.cnic import (
    MSG_DASHES,
    MSG_DIGIT_COUNT,
    MSG_EMPTY,
    MSG_NOT_A_CNIC,
    MSG_NOT_DIGITS,
    example_cnic,
)
from ehsaas.portal.eligibility import EligibilityAnswer, ProgrammeName, eligibility_for_cnic
from ehsaas.portal.messages import SMS_HELP, SMS_MORE, SMS_TOO_MANY, fits_one_sms, is_gsm7, sms_length
from ehsaas.portal.sms import URDU_SCRIPT, read_inbound
from tests.portal.households import PROGRAMMES, dashed, unregistered_cnic

URL = "/sms/inbound"
DASHES = MSG_DASHES % {"example": "35202-1234567-1"}  # as an English reader sees it
PHONE = "03001234567"


def sms(client, text, *, sender=PHONE, method="get", **extra):
    return getattr(client, method)(URL, {"from": sender, "text": text}, **extra)


def reply_in(language: str, cnic: str) -> str:
    with translation.override(language):
        return eligibility_for_cnic(cnic).sms


def test_a_bare_cnic_sent_by_get_is_answered_in_english_as_plain_text(client, registered):
    cnic = registered(enrolled=[("kafaalat", "active")])
    response = sms(client, cnic)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode() == reply_in("en", cnic)
    assert response.content.decode().startswith("Eligible for Kafaalat.")
    assert "X-Kannel-Coding" not in response


def test_a_keyword_and_a_dashed_cnic_sent_by_post_are_answered_the_same(registered):
    cnic = registered(scored=False)
    client = Client(enforce_csrf_checks=True)  # the gateway has no CSRF token
    response = sms(client, f"CHECK {dashed(cnic)}", method="post")
    assert response.status_code == 200
    assert response.content.decode() == reply_in("en", cnic)


@pytest.mark.parametrize(
    "text",
    ["اہلیت {cnic}", "{urdu_digits}", "URDU {cnic}", "ahliat: {dashed}"],
)
def test_a_message_in_urdu_script_or_with_an_urdu_keyword_is_answered_in_urdu(client, registered, text):
    cnic = registered(enrolled=[("kafaalat", "active")])
    urdu_digits = cnic.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    response = sms(client, text.format(cnic=cnic, dashed=dashed(cnic), urdu_digits=urdu_digits))
    reply = response.content.decode()
    assert reply == reply_in("ur", cnic)
    assert URDU_SCRIPT.search(reply)
    assert "کفالت" in reply
    assert response["X-Kannel-Coding"] == "2"  # UCS-2, or Urdu arrives as question marks


def test_a_message_without_a_number_is_told_how_to_check(client, db):
    assert sms(client, "CHECK").content.decode() == str(SMS_HELP)
    with translation.override("ur"):
        in_urdu = str(SMS_HELP)
    assert sms(client, "اہلیت").content.decode() == in_urdu


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("CHECK 35202-123456-1", MSG_DIGIT_COUNT % {"count": 12}),
        ("CHECK 35202-12345A7-1", MSG_NOT_DIGITS),
        ("3520-21234567-1", DASHES),
    ],
)
def test_a_malformed_cnic_is_answered_with_what_is_wrong(client, db, text, message):
    response = sms(client, text)
    assert response.status_code == 200
    assert response.content.decode() == str(message)


def test_a_malformed_cnic_in_urdu_is_answered_in_urdu(client, db):
    with translation.override("ur"):
        expected = MSG_DIGIT_COUNT % {"count": 5}
    assert sms(client, "اہلیت 12345").content.decode() == expected
    assert URDU_SCRIPT.search(expected)


def test_an_unregistered_cnic_is_told_how_to_register(client, db):
    assert "register" in sms(client, unregistered_cnic()).content.decode()


def test_the_limit_counts_one_phone_however_the_gateway_writes_it(client, registered, settings):
    settings.CHECK_LIMIT_PER_PHONE = "2/d"
    cnic = registered()
    assert sms(client, cnic, sender="03001234567").content.decode() == reply_in("en", cnic)
    assert sms(client, cnic, sender="+923001234567").content.decode() == reply_in("en", cnic)
    refused = sms(client, cnic, sender="923001234567")
    assert refused.status_code == 200  # the body is still the reply the citizen reads
    assert refused.content.decode() == str(SMS_TOO_MANY)
    assert sms(client, cnic, sender="03111234567").content.decode() == reply_in("en", cnic)


def test_the_limit_is_said_in_urdu_to_a_phone_that_writes_in_urdu(client, registered, settings):
    settings.CHECK_LIMIT_PER_PHONE = "1/d"
    cnic = registered()
    sms(client, cnic)
    with translation.override("ur"):
        expected = str(SMS_TOO_MANY)
    assert sms(client, f"اہلیت {cnic}").content.decode() == expected


def test_mistyped_numbers_do_not_use_up_a_phone_s_checks(client, registered, settings):
    settings.CHECK_LIMIT_PER_PHONE = "1/d"
    sms(client, "12345")
    sms(client, "")
    cnic = registered()
    assert sms(client, cnic).content.decode() == reply_in("en", cnic)


def test_only_a_gateway_on_this_machine_is_answered_when_no_token_is_set(client, registered, settings):
    settings.SMS_GATEWAY_TOKEN = ""
    assert sms(client, registered(), REMOTE_ADDR="203.0.113.9").status_code == 403


def test_with_a_token_set_the_gateway_must_send_it(client, registered, settings):
    settings.SMS_GATEWAY_TOKEN = "s3cret-token"
    cnic = registered()
    assert sms(client, cnic).status_code == 403
    wrong = client.get(URL, {"from": PHONE, "text": cnic, "token": "guess"})
    assert wrong.status_code == 403
    right = client.get(URL, {"from": PHONE, "text": cnic, "token": "s3cret-token"}, REMOTE_ADDR="10.0.0.5")
    assert right.status_code == 200


def test_a_message_without_a_sender_is_refused(client, db):
    response = client.get(URL, {"text": "3520212345671"})
    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"


def test_other_methods_are_refused(client, db):
    assert client.put(URL).status_code == 405


def test_reading_a_message_finds_its_language_and_its_number():
    assert read_inbound("CHECK 35202-1234567-1") == read_inbound("  check:35202-1234567-1")
    assert read_inbound("CHECK 35202-1234567-1").language == "en"
    assert read_inbound("CHECK 35202-1234567-1").number == "35202-1234567-1"
    assert read_inbound("اہلیت 3520212345671").language == "ur"
    assert read_inbound("۳۵۲۰۲۱۲۳۴۵۶۷۱").number == "3520212345671"
    assert read_inbound("hello").number == ""


# Every reply an SMS can get, with the longest words it can hold: all four shipped programmes.
ALL_PROGRAMMES = tuple(ProgrammeName(code, en, ur) for code, (en, ur) in PROGRAMMES.items())


def every_reply() -> list[str]:
    answers = [
        EligibilityAnswer("eligible", ALL_PROGRAMMES),
        EligibilityAnswer("eligible", ALL_PROGRAMMES[:1]),
        EligibilityAnswer("under_review", ALL_PROGRAMMES, on_hold=True),
        EligibilityAnswer("under_review"),
        EligibilityAnswer("not_eligible"),
        EligibilityAnswer("not_registered"),
    ]
    refusals = [MSG_EMPTY, MSG_NOT_DIGITS, MSG_DASHES % {"example": example_cnic()}, MSG_NOT_A_CNIC,
                MSG_DIGIT_COUNT % {"count": 100}]  # fmt: skip
    return [answer.sms for answer in answers] + [str(text) for text in [*refusals, SMS_HELP, SMS_TOO_MANY]]


def test_every_english_reply_fits_one_sms_of_160_gsm_characters():
    with translation.override("en"):
        replies = every_reply()
    for reply in replies:
        assert is_gsm7(reply), reply
        assert sms_length(reply)[0] <= 160, reply


def test_every_urdu_reply_fits_one_sms_of_70_ucs2_characters():
    with translation.override("ur"):
        replies = every_reply()
    for reply in replies:
        assert URDU_SCRIPT.search(reply), f"not in Urdu: {reply}"
        assert not is_gsm7(reply)
        assert sms_length(reply)[0] <= 70, f"{sms_length(reply)[0]} characters: {reply}"


def test_a_reply_too_long_with_the_programmes_names_names_them_by_code():
    long_names = tuple(ProgrammeName(f"p{n}", f"A programme with a very long name {n}", "") for n in range(4))
    with translation.override("en"):
        reply = EligibilityAnswer("eligible", long_names).sms
    assert fits_one_sms(reply)
    assert "p0, p1, p2, p3" in reply


def test_an_urdu_reply_names_the_programmes_that_fit_and_counts_the_others():
    with translation.override("ur"):
        reply = EligibilityAnswer("eligible", ALL_PROGRAMMES).sms
        more = SMS_MORE % {"count": 3}
    assert "کفالت" in reply
    assert more in reply
    assert fits_one_sms(reply)
