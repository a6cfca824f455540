"""`ehsaas check-eligibility CNIC` prints the same answer as the page, the SMS and the API."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from ehsaas.portal.cnic import MSG_DASHES, MSG_DIGIT_COUNT, MSG_NOT_DIGITS
from ehsaas.portal.eligibility import eligibility_for_cnic
from tests.portal.households import dashed

DASHES = MSG_DASHES % {"example": "35202-1234567-1"}  # as an English reader sees it


def run(*args) -> str:
    out = io.StringIO()
    call_command("check-eligibility", *args, stdout=out)
    return out.getvalue()


def test_it_prints_the_status_the_programmes_and_the_message(registered):
    cnic = registered(enrolled=[("kafaalat", "active")])
    printed = run(dashed(cnic))
    assert printed.splitlines() == ["Eligible", "  - Kafaalat", eligibility_for_cnic(cnic).message]


def test_it_prints_the_api_s_json_and_in_urdu_when_asked(registered):
    cnic = registered(enrolled=[("kafaalat", "active")])
    printed = json.loads(run(cnic, "--json", "--language", "ur"))
    with translation.override("ur"):
        assert printed == eligibility_for_cnic(cnic).as_json()
    assert "کفالت" in printed["message"]


@pytest.mark.parametrize(
    ("typed", "message"),
    [("352021234567", MSG_DIGIT_COUNT % {"count": 12}), ("35202-ABCDEFG-1", MSG_NOT_DIGITS),
     ("35202-1234-5671", DASHES)],
)  # fmt: skip
def test_a_malformed_cnic_stops_with_what_is_wrong_and_status_2(db, typed, message):
    with pytest.raises(CommandError) as refused:
        run(typed)
    assert str(refused.value) == str(message)
    assert refused.value.returncode == 2
