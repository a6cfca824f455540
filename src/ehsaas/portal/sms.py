"""The 8171 check by SMS: what a citizen sent, and the reply the gateway sends back.

A message is a CNIC, alone or after a word: "3520212345671", "CHECK 35202-1234567-1", "اہلیت ۳۵۲۰۲۱۲۳۴۵۶۷۱".
The reply is in Urdu when the message has any Urdu letter or digit, or starts with a Roman-Urdu keyword
(URDU, AHLIAT); in English otherwise.
"""

import re
from dataclasses import dataclass

from django.http import HttpRequest
from django.utils import translation

from ehsaas.core.identity import InvalidIdentifier
from ehsaas.portal.cnic import as_latin, parse_cnic
from ehsaas.portal.eligibility import eligibility_for_cnic
from ehsaas.portal.limits import TooManyChecks, count_check_from_phone
from ehsaas.portal.messages import SMS_HELP, SMS_TOO_MANY

URDU_SCRIPT = re.compile(r"[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")
URDU_KEYWORDS = {"urdu", "ahliat", "ahliyat"}
# Words before the number ("CHECK", "اہلیت", "cnic:"); the number is everything from its first digit.
_WORDS_THEN_NUMBER = re.compile(r"(?P<words>\D*)(?P<number>.*)", re.DOTALL)


@dataclass(frozen=True)
class InboundSms:
    language: str
    number: str  # the text from the first digit on; empty when the message has no digit


def read_inbound(text: str) -> InboundSms:
    raw = (text or "").strip()
    parts = _WORDS_THEN_NUMBER.fullmatch(as_latin(raw))
    words = {word.strip(".,:;!?-").lower() for word in parts["words"].split()}
    urdu = bool(URDU_SCRIPT.search(raw)) or bool(words & URDU_KEYWORDS)
    return InboundSms(language="ur" if urdu else "en", number=parts["number"].strip())


def sms_reply(request: HttpRequest, *, sender: str, text: str) -> str:
    """The reply to one inbound SMS, in the language of the message."""
    inbound = read_inbound(text)
    with translation.override(inbound.language):
        if not inbound.number:
            return str(SMS_HELP)
        try:
            digits = parse_cnic(inbound.number)
        except InvalidIdentifier as error:
            return str(error)
        try:
            count_check_from_phone(request, sender)
        except TooManyChecks:
            return str(SMS_TOO_MANY)
        return eligibility_for_cnic(digits).sms
