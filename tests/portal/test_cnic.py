"""A CNIC as a citizen types it: what is accepted, and what they are told when it is not one."""

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from ehsaas.core.identity import InvalidIdentifier
from ehsaas.portal.cnic import (
    MSG_DASHES,
    MSG_DIGIT_COUNT,
    MSG_EMPTY,
    MSG_NOT_A_CNIC,
    MSG_NOT_DIGITS,
    parse_cnic,
)
from ehsaas.portal.sms import URDU_SCRIPT as URDU_LETTER

DASHES = MSG_DASHES % {"example": "35202-1234567-1"}  # as an English reader sees it


@pytest.mark.parametrize(
    "typed",
    [
        "3520212345671",
        "35202-1234567-1",
        " 35202-1234567-1 ",
        "35202 1234567 1",
        "۳۵۲۰۲-۱۲۳۴۵۶۷-۱",
        "35202–1234567–1",
    ],
)
def test_thirteen_digits_are_accepted_with_or_without_dashes_in_latin_or_urdu_digits(typed):
    assert parse_cnic(typed) == "3520212345671"


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", MSG_EMPTY),
        ("   ", MSG_EMPTY),
        ("35202-12345A7-1", MSG_NOT_DIGITS),
        ("CNIC", MSG_NOT_DIGITS),
        ("35202/1234567/1", MSG_NOT_DIGITS),
        ("3520-21234567-1", DASHES),
        ("352021234567-1", DASHES),
        ("35202--1234567-1", DASHES),
        ("-3520212345671", DASHES),
        ("0000000000000", MSG_NOT_A_CNIC),
    ],
)
def test_a_malformed_cnic_is_refused_with_what_is_wrong(typed, message):
    with pytest.raises(InvalidIdentifier) as refused:
        parse_cnic(typed)
    assert str(refused.value) == str(message)


@pytest.mark.parametrize(("typed", "count"), [("35202-123456-1", 12), ("352021234567123", 15), ("1", 1)])
def test_too_few_or_too_many_digits_are_counted_back_to_the_person(typed, count):
    with pytest.raises(InvalidIdentifier) as refused:
        parse_cnic(typed)
    assert str(refused.value) == MSG_DIGIT_COUNT % {"count": count}
    assert f"{count}." in str(refused.value)


def test_the_messages_are_given_in_the_language_of_the_reader():
    with translation.override("ur"):
        with pytest.raises(InvalidIdentifier) as refused:
            parse_cnic("12345")
        in_urdu = MSG_DIGIT_COUNT % {"count": 5}
    assert str(refused.value) == in_urdu
    assert URDU_LETTER.search(in_urdu)


@given(st.from_regex(r"[1-9][0-9]{12}", fullmatch=True))
def test_any_thirteen_digits_written_either_way_give_the_same_number(digits):
    assert parse_cnic(digits) == digits
    assert parse_cnic(f"{digits[:5]}-{digits[5:12]}-{digits[12]}") == digits


@given(st.text(alphabet="0123456789- ", max_size=20))
def test_whatever_is_typed_the_answer_is_a_number_or_a_message(typed):
    try:
        assert len(parse_cnic(typed)) == 13
    except InvalidIdentifier as refused:
        assert str(refused)


def test_the_example_in_an_urdu_message_is_kept_left_to_right():
    with translation.override("ur"), pytest.raises(InvalidIdentifier) as refused:
        parse_cnic("3520-21234567-1")
    assert "\u206635202-1234567-1\u2069" in str(refused.value)
