"""The 8171 check by SMS: what a citizen sent, and the reply the gateway sends back.

A message is a CNIC, alone or after a word: "3520212345671", "CHECK 35202-1234567-1", "اہلیت ۳۵۲۰۲۱۲۳۴۵۶۷۱".
The reply is in Urdu when the message has any Urdu letter or digit, or starts with a Roman-Urdu keyword
(URDU, AHLIAT); in English otherwise.

A message that starts with a complaint keyword is a complaint instead: "COMPLAINT the agent took 2000",
"شکایت ایجنٹ نے پیسے کاٹے" (the reply gives its tracking number); "STATUS GR-2026-000123" or "حیثیت …"
asks for a complaint's status, and "APPEAL GR-2026-000123 why" or "اپیل …" appeals its resolution, both
answered only to the phone the complaint was made from.
"""

import re
from dataclasses import dataclass

from django.http import HttpRequest
from django.utils import translation
from django_ratelimit.core import get_usage

from ehsaas.core.identity import InvalidIdentifier
from ehsaas.grievances.replies import (
    SMS_TOO_MANY as SMS_TOO_MANY_COMPLAINTS,
)
from ehsaas.grievances.replies import (
    complaint_appeal_from_sms,
    complaint_from_sms,
    complaint_status_from_sms,
)
from ehsaas.payments.collection.selectors import latest_payment_for_cnic
from ehsaas.portal.cnic import as_latin, parse_cnic
from ehsaas.portal.eligibility import eligibility_for_cnic
from ehsaas.portal.limits import TooManyChecks, count_check_from_phone, phone_key
from ehsaas.portal.messages import SMS_HELP, SMS_TOO_MANY

URDU_SCRIPT = re.compile(r"[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")
URDU_KEYWORDS = {"urdu", "ahliat", "ahliyat"}
# Words before the number ("CHECK", "اہلیت", "cnic:"); the number is everything from its first digit.
_WORDS_THEN_NUMBER = re.compile(r"(?P<words>\D*)(?P<number>.*)", re.DOTALL)

COMPLAINT, STATUS, APPEAL = "complaint", "status", "appeal"
# The first word of a message about a complaint, as people type it in English, Roman Urdu and Urdu.
COMPLAINT_KEYWORDS = {
    "complaint": COMPLAINT, "complain": COMPLAINT, "shikayat": COMPLAINT, "shikayet": COMPLAINT, "شکایت": COMPLAINT,
    "status": STATUS, "haisiyat": STATUS, "haisiat": STATUS, "حیثیت": STATUS,
    "appeal": APPEAL, "apeel": APPEAL, "اپیل": APPEAL,
}  # fmt: skip
ROMAN_URDU_COMPLAINT_KEYWORDS = {"shikayat", "shikayet", "haisiyat", "haisiat", "apeel"}
# Arabic letters an Urdu keyboard may give for the Urdu ones (kaf, yeh).
_URDU_LETTERS = str.maketrans({"ك": "ک", "ي": "ی", "ى": "ی"})
# SMS complaints one phone may make a day: enough for a person, too few to flood the officers' queues.
COMPLAINTS_PER_PHONE = "5/d"


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


def complaint_keyword(text: str) -> tuple[str | None, str, str]:
    """(what the message asks: COMPLAINT, STATUS, APPEAL or None; the words after the keyword; the
    language to reply in)."""
    first, _space, rest = (text or "").strip().partition(" ")
    if not rest and "\n" in first:
        first, _newline, rest = first.partition("\n")
    word = first.strip(".,:;!?-،۔").translate(_URDU_LETTERS).lower()
    urdu = bool(URDU_SCRIPT.search(text or "")) or word in ROMAN_URDU_COMPLAINT_KEYWORDS
    return COMPLAINT_KEYWORDS.get(word), rest.strip(), "ur" if urdu else "en"


def _complaint_reply(request: HttpRequest, *, asks: str, sender: str, rest: str, language: str) -> str:
    if asks == STATUS:
        return complaint_status_from_sms(phone=sender, text=rest)
    if asks == APPEAL:
        return complaint_appeal_from_sms(phone=sender, text=rest)
    if rest:
        key = phone_key(sender)
        usage = get_usage(request, group="portal.complaint.phone", key=lambda group, request: key,
                          rate=COMPLAINTS_PER_PHONE, increment=True)  # fmt: skip
        if usage is not None and usage["should_limit"]:
            return str(SMS_TOO_MANY_COMPLAINTS)
    return complaint_from_sms(phone=sender, text=rest, language=language)


# "PAYMENT <cnic>" asks where the latest payment is: in English, Roman Urdu (RAQAM, PAISA) or Urdu.
PAYMENT_KEYWORDS = {
    "payment": "en",
    "raqam": "ur",
    "paisa": "ur",
    "paise": "ur",
    "ادائیگی": "ur",
    "رقم": "ur",
}


def _payment_reply(request: HttpRequest, *, sender: str, rest: str) -> str:
    """Whether and where the latest payment of the CNIC in `rest` can be collected or was paid."""
    number = read_inbound(rest).number
    if not number:
        return str(SMS_HELP)
    try:
        digits = parse_cnic(number)
    except InvalidIdentifier as error:
        return str(error)
    try:
        count_check_from_phone(request, sender)
    except TooManyChecks:
        return str(SMS_TOO_MANY)
    return latest_payment_for_cnic(digits).sms


def sms_reply(request: HttpRequest, *, sender: str, text: str) -> str:
    """The reply to one inbound SMS, in the language of the message."""
    first, _space, rest = (text or "").strip().partition(" ")
    word = first.strip(".,:;!?-،۔").translate(_URDU_LETTERS).lower()
    if word in PAYMENT_KEYWORDS:
        urdu = PAYMENT_KEYWORDS[word] == "ur" or bool(URDU_SCRIPT.search(text))
        with translation.override("ur" if urdu else "en"):
            return _payment_reply(request, sender=sender, rest=rest)
    asks, rest, language = complaint_keyword(text)
    if asks is not None:
        with translation.override(language):
            return _complaint_reply(request, asks=asks, sender=sender, rest=rest, language=language)
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
