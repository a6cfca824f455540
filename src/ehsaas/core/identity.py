"""National identity numbers and phone numbers of Pakistan.

A CNIC (and a child's B-form / CRC number, which has the same shape) is 13 digits, written
NNNNN-NNNNNNN-N. Its first digit is the province of issue and its last digit is odd for men and even
for women. Those two facts are checked as data-quality *warnings*: registries hold numbers issued under
older rules, and rejecting them would shut real people out.
"""

import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

_NOT_DIGITS = re.compile(r"[\s\-]")
_THIRTEEN_DIGITS = re.compile(r"\d{13}")
_MOBILE = re.compile(r"(?:\+92|0092|92|0)?(3\d{9})")

# First digit of a CNIC → province of issue (NADRA's scheme).
CNIC_PROVINCE_DIGIT = {
    "1": "PK-KP",
    "2": "PK-KP",  # former FATA, merged into Khyber Pakhtunkhwa in 2018
    "3": "PK-PB",
    "4": "PK-SD",
    "5": "PK-BA",
    "6": "PK-IS",
    "7": "PK-GB",
    "8": "PK-JK",
}

MSG_CNIC_SHAPE = _("must be 13 digits, written NNNNN-NNNNNNN-N (dashes optional)")
MSG_PHONE_SHAPE = _("must be a Pakistani mobile number such as 0300-1234567 or +923001234567")


class InvalidIdentifier(ValueError):
    """Raised with a message that says what is wrong with the number a person typed."""


def normalize_cnic(raw: str) -> str:
    """Return the 13 digits of a CNIC or B-form number, or raise InvalidIdentifier."""
    digits = _NOT_DIGITS.sub("", raw or "")
    if not _THIRTEEN_DIGITS.fullmatch(digits):
        raise InvalidIdentifier(MSG_CNIC_SHAPE)
    if digits == "0" * 13:
        raise InvalidIdentifier(MSG_CNIC_SHAPE)
    return digits


def format_cnic(digits: str) -> str:
    return f"{digits[:5]}-{digits[5:12]}-{digits[12]}"


def mask_cnic(digits: str) -> str:
    """Show only enough of a number to recognise it: 35202-*****71-1."""
    return f"{digits[:5]}-*****{digits[10:12]}-{digits[12]}"


def cnic_sex(digits: str) -> str:
    return "female" if int(digits[-1]) % 2 == 0 else "male"


def normalize_mobile(raw: str) -> str:
    """Return a mobile number in E.164 (+923001234567), or raise InvalidIdentifier."""
    compact = _NOT_DIGITS.sub("", raw or "").replace("(", "").replace(")", "")
    match = _MOBILE.fullmatch(compact)
    if not match:
        raise InvalidIdentifier(MSG_PHONE_SHAPE)
    return "+92" + match.group(1)


def format_mobile(e164: str) -> str:
    """+923001234567 → 0300-1234567, the way people write it."""
    local = "0" + e164[3:]
    return f"{local[:4]}-{local[4:]}"


@dataclass(frozen=True)
class QualityWarning:
    code: str
    message: str


def cnic_warnings(digits: str, *, sex: str, province_code: str | None = None) -> list[QualityWarning]:
    """Data-quality warnings (never rejections) for a valid 13-digit number."""
    warnings = []
    if sex in ("female", "male") and cnic_sex(digits) != sex:
        warnings.append(
            QualityWarning(
                "cnic_sex_digit",
                _("the last digit of the ID number is %(parity)s, which is usual for %(other)s, not %(sex)s")
                % {
                    "parity": _("even") if int(digits[-1]) % 2 == 0 else _("odd"),
                    "other": _("women") if int(digits[-1]) % 2 == 0 else _("men"),
                    "sex": _("a woman") if sex == "female" else _("a man"),
                },
            )
        )
    if digits[0] not in CNIC_PROVINCE_DIGIT:
        warnings.append(
            QualityWarning(
                "cnic_province_digit", _("the first digit of the ID number is not a province code")
            )
        )
    return warnings
