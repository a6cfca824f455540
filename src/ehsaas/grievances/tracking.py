"""Tracking numbers as people write them back: GR-2026-000123, gr 2026 123, ۲۰۲۶-۱۲۳ (Urdu digits) all
name the same complaint."""

import re

from ehsaas.grievances.models import TRACKING_PREFIX

# Urdu (Extended Arabic-Indic) and Arabic-Indic digits, as a phone's keypad may type them.
_LATIN_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")
_WRITTEN = re.compile(
    rf"(?:{TRACKING_PREFIX})?\W*(?P<year>(?:19|20)\d\d)\W*(?P<number>\d{{1,12}})\b", re.IGNORECASE
)


def latin_digits(text: str) -> str:
    return (text or "").translate(_LATIN_DIGITS)


def parse_tracking_number(text: str) -> str | None:
    """The tracking number written in `text`, in its canonical form, or None when there is none."""
    return split_tracking_number(text)[0]


def split_tracking_number(text: str) -> tuple[str | None, str]:
    """The tracking number written in `text` (canonical, or None) and the words after it."""
    latin = latin_digits(text)
    match = _WRITTEN.search(latin)
    if match is None:
        return None, (text or "").strip()
    return f"{TRACKING_PREFIX}-{match['year']}-{int(match['number']):06d}", text[match.end() :].strip()
