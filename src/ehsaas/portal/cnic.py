"""A CNIC as a citizen types it, on a phone's keypad or keyboard, in Latin or Urdu digits.

The registry's own `normalize_cnic` accepts dashes anywhere, which suits files from other agencies. A
person checking their eligibility is told precisely what is wrong instead: letters, a digit too many or
too few, or dashes in the wrong places. Each message is short enough for one SMS in Urdu.
"""

import re

from django.utils.functional import lazy
from django.utils.translation import get_language_bidi
from django.utils.translation import gettext_lazy as _

from ehsaas.core.identity import InvalidIdentifier, normalize_cnic

MSG_EMPTY = _("Type the 13 digits of your CNIC.")
MSG_NOT_DIGITS = _("A CNIC has only digits and dashes.")
MSG_DIGIT_COUNT = _("A CNIC has 13 digits; you typed %(count)d.")
MSG_DASHES = _("Dashes go after the 5th and 12th digits: %(example)s.")
MSG_NOT_A_CNIC = _("This is not a CNIC number.")

# Urdu (Extended Arabic-Indic) and Arabic-Indic digits, and the dashes a phone may put for a hyphen.
_TYPED = str.maketrans(
    "۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩‐‑‒–—−",
    "01234567890123456789------",
)
EXAMPLE = "35202-1234567-1"
_ALLOWED = re.compile(r"[\d\- ]+")
_WRITTEN = re.compile(r"\d{13}|\d{5}[- ]\d{7}[- ]\d")


def example_cnic() -> str:
    """A CNIC to show as an example. Inside Urdu it is isolated left to right (U+2066 … U+2069): after
    Urdu letters its digits count as Arabic numbers and the dashes would split it into reversed pieces."""
    return f"\u2066{EXAMPLE}\u2069" if get_language_bidi() else EXAMPLE


example_cnic_lazy = lazy(example_cnic, str)


def as_latin(text: str) -> str:
    """The text with Urdu and Arabic-Indic digits as 0–9 and every kind of dash as '-'."""
    return text.translate(_TYPED)


def parse_cnic(text: str) -> str:
    """The 13 digits of a CNIC typed as 13 digits or as NNNNN-NNNNNNN-N (spaces for the dashes will
    do), or InvalidIdentifier with a message that says what is wrong."""
    typed = as_latin(text or "").strip()
    if not typed:
        raise InvalidIdentifier(MSG_EMPTY)
    if not _ALLOWED.fullmatch(typed):
        raise InvalidIdentifier(MSG_NOT_DIGITS)
    digits = re.sub(r"\D", "", typed)
    if len(digits) != 13:
        raise InvalidIdentifier(MSG_DIGIT_COUNT % {"count": len(digits)})
    if not _WRITTEN.fullmatch(typed):
        raise InvalidIdentifier(MSG_DASHES % {"example": example_cnic()})
    try:
        return normalize_cnic(digits)
    except InvalidIdentifier:
        raise InvalidIdentifier(MSG_NOT_A_CNIC) from None
