"""The words of a message: its {placeholders}, filled in or checked, and how many SMS it takes.

A placeholder is a name in braces, `{programme}`. Rendering replaces each by its value and leaves the
rest of the text as written; the bulk queue does the same replacement in SQL (services.py), so a text
reads the same whichever way it was queued.

An SMS holds 160 characters of the GSM 03.38 alphabet (153 a part once it is split), or 70 UCS-2
characters (67 a part) as soon as it holds anything else, which every Urdu text does.
"""

import math
import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")

MSG_UNKNOWN_PLACEHOLDER = _("{%(name)s} is not a placeholder of this message; it may use %(allowed)s.")
MSG_NO_PLACEHOLDERS = _("{%(name)s} is not a placeholder of this message, which takes none.")
MSG_STRAY_BRACE = _("A brace { or } stands alone; placeholders are written {name}.")
MSG_MISSING_VALUE = _("No value was given for {%(name)s} of the template %(template)s.")

# GSM 03.38: its basic characters take one of an SMS's places, those of the extension table two.
GSM7_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ ÆæßÉ!\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENDED = set("^{}\\[~]|€\f")


class PlaceholderError(ValueError):
    """A text uses a placeholder it may not, or a brace that opens or closes nothing."""


def placeholders_in(text: str) -> list[str]:
    return _PLACEHOLDER.findall(text)


def placeholders_check(text: str, allowed: list[str] | tuple[str, ...]) -> None:
    """Raise PlaceholderError naming the first placeholder of `text` that is not in `allowed`."""
    for name in placeholders_in(text):
        if name not in allowed:
            if allowed:
                listed = ", ".join("{" + a + "}" for a in allowed)
                raise PlaceholderError(MSG_UNKNOWN_PLACEHOLDER % {"name": name, "allowed": listed})
            raise PlaceholderError(MSG_NO_PLACEHOLDERS % {"name": name})
    if "{" in _PLACEHOLDER.sub("", text) or "}" in _PLACEHOLDER.sub("", text):
        raise PlaceholderError(MSG_STRAY_BRACE)


def render(text: str, context: dict, *, template: str = "") -> str:
    """`text` with each {name} replaced by str(context[name]); a name without a value raises KeyError
    with a message naming it."""

    def value(match: re.Match) -> str:
        name = match.group(1)
        if name not in context:
            raise KeyError(str(MSG_MISSING_VALUE % {"name": name, "template": template or "?"}))
        return str(context[name])

    return _PLACEHOLDER.sub(value, text)


@dataclass(frozen=True)
class Segments:
    """How a text travels: its encoding (gsm7 or ucs2), its length in that encoding, and the number of
    SMS it takes."""

    encoding: str
    length: int
    count: int


def is_gsm7(text: str) -> bool:
    return all(ch in GSM7_BASIC or ch in GSM7_EXTENDED for ch in text)


def segments(text: str) -> Segments:
    if is_gsm7(text):
        length = sum(2 if ch in GSM7_EXTENDED else 1 for ch in text)
        single, part, encoding = 160, 153, "gsm7"
    else:
        # UCS-2 counts UTF-16 code units: a character outside the basic plane takes two.
        length = len(text.encode("utf-16-le")) // 2
        single, part, encoding = 70, 67, "ucs2"
    count = 1 if length <= single else math.ceil(length / part)
    return Segments(encoding=encoding, length=length, count=max(count, 1))


# Typical values of the usual placeholders, to count the SMS a template takes before it is sent.
SAMPLES = {"programme": "Kafaalat", "amount": "13,500", "number": "GR-2026-000123", "date": "15-09-2026"}
SAMPLE_OTHER = "xxxxxxxxxx"


def sample_values(names: list[str]) -> dict[str, str]:
    return {name: SAMPLES.get(name, SAMPLE_OTHER) for name in names}
