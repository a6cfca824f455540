"""Quarters of the calendar year, written as schools and health centres report them: 2026-Q3 is July to
September 2026. Conditions are judged a quarter at a time."""

import re
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.translation import gettext_lazy as _

QUARTER_PATTERN = r"^\d{4}-Q[1-4]$"
MSG_QUARTER_SHAPE = _("write the quarter as the year, a dash and Q1 to Q4, e.g. 2026-Q3")


class InvalidQuarter(ValueError):
    """Raised with a message that says how to write a quarter."""


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    number: int  # 1 to 4

    @classmethod
    def parse(cls, text: str) -> "Quarter":
        """2026-Q3 (any case, spaces around it allowed), or InvalidQuarter."""
        cleaned = (text or "").strip().upper()
        if not re.fullmatch(QUARTER_PATTERN, cleaned):
            raise InvalidQuarter(MSG_QUARTER_SHAPE)
        return cls(int(cleaned[:4]), int(cleaned[-1]))

    @classmethod
    def of(cls, day: date) -> "Quarter":
        return cls(day.year, (day.month - 1) // 3 + 1)

    def __str__(self) -> str:
        return f"{self.year}-Q{self.number}"

    @property
    def first_day(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def last_day(self) -> date:
        return self.next().first_day - timedelta(days=1)

    def previous(self) -> "Quarter":
        return Quarter(self.year - 1, 4) if self.number == 1 else Quarter(self.year, self.number - 1)

    def next(self) -> "Quarter":
        return Quarter(self.year + 1, 1) if self.number == 4 else Quarter(self.year, self.number + 1)


def last_ended_quarter(today: date) -> Quarter:
    """The latest quarter whose last day has passed: the one an evaluation is usually for."""
    return Quarter.of(today).previous()
