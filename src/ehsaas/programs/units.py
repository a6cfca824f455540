"""The units a programme's rules are evaluated on, read set-based as polars frames, a range of
household ids at a time: one row per household (a programme serving households), or one row per active
member of the unit's kind (women, children, students, any person) with their household's columns beside
their own.

Household columns: pmt_score (the current score; null when unscored), province and district codes, area,
household_size, has_disabled_member, wealth_flagged (a wealth filter excludes the household), and
in_<programme> for each programme a rule names (the household has an active beneficiary in it).
Member columns: member_id, member_no, age (whole years today), sex, relationship, marital_status,
education, occupation, in_school, pregnant, lactating, disabled, school_level.
"""

from collections.abc import Iterator, Sequence
from datetime import date

import polars as pl

from ehsaas.core.frames import sql_frame
from ehsaas.programs.choices import Unit
from ehsaas.registry.models import Household
from ehsaas.registry.wealth.selectors import EXCLUDED_HOUSEHOLDS_SQL

RANGE = 100_000  # households a read covers

HOUSEHOLD_SCHEMA = {
    "household_id": pl.Int64,
    "pmt_score": pl.Float64,
    "province": pl.String,
    "district": pl.String,
    "area": pl.String,
    "household_size": pl.Int64,
    "has_disabled_member": pl.Boolean,
    "wealth_flagged": pl.Boolean,
}
MEMBER_SCHEMA = {
    "member_id": pl.Int64,
    "member_no": pl.Int64,
    "date_of_birth": pl.String,
    "sex": pl.String,
    "relationship": pl.String,
    "marital_status": pl.String,
    "education": pl.String,
    "occupation": pl.String,
    "in_school": pl.Boolean,
    "pregnant": pl.Boolean,
    "lactating": pl.Boolean,
    "disabled": pl.Boolean,
}
ADULT_AGE = 18  # a CNIC is issued from 18; benefits paid to a woman need hers
CHILD_AGE = 18
# School levels by age in whole years (primary classes 1–5, middle and secondary 6–10, higher
# secondary 11–12), for stipends that pay by level.
SCHOOL_LEVELS = (("primary", 5, 9), ("secondary", 10, 14), ("higher_secondary", 15, 18))

# Which members a unit is: SQL over `m`, the member, with `born_before(years)` the date of birth limit.
_UNIT_MEMBERS = {
    Unit.WOMAN: "m.sex = 'female' AND m.date_of_birth <= %(adult)s",
    Unit.CHILD: "m.date_of_birth > %(adult)s",
    Unit.STUDENT: "m.in_school",
    Unit.PERSON: "1 = 1",
}


def _years_ago(today: date, years: int) -> date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def units_sql(unit: str, programme_flags: dict[str, int], scope: str) -> str:
    """The query for the households `scope` chooses (SQL over `m.household_id`), with the extra boolean
    columns in_<code> for each programme id of `programme_flags` ({column: programme id})."""
    flags = "".join(
        f", EXISTS (SELECT 1 FROM programs_beneficiary b WHERE b.household_id = h.id "
        f"AND b.programme_id = {int(programme_id)} AND b.status = 'active') AS {column}"
        for column, programme_id in programme_flags.items()
    )
    household = f"""
        SELECT h.id AS household_id, s.score AS pmt_score, p.code AS province, d.code AS district, h.area,
               a.household_size, a.has_disabled_member,
               h.id IN ({EXCLUDED_HOUSEHOLDS_SQL}) AS wealth_flagged{flags}
        FROM (
            SELECT m.household_id, COUNT(*) AS household_size,
                   MAX(CASE WHEN m.disability <> '' THEN 1 ELSE 0 END) = 1 AS has_disabled_member
            FROM registry_member m
            WHERE m.status = 'active' AND {scope}
            GROUP BY m.household_id
        ) a
        JOIN registry_household h ON h.id = a.household_id
        JOIN core_province p ON p.id = h.province_id
        JOIN core_district d ON d.id = h.district_id
        LEFT JOIN targeting_householdscore s ON s.household_id = h.id
    """
    if unit == Unit.HOUSEHOLD:
        return household + " ORDER BY h.id"
    members = f"""
        SELECT u.*, m.id AS member_id, m.member_no, m.date_of_birth, m.sex, m.relationship, m.marital_status,
               m.education, m.occupation, m.in_school, m.pregnant, m.lactating, m.disability <> '' AS disabled
        FROM ({household}) u
        JOIN registry_member m ON m.household_id = u.household_id
        WHERE m.status = 'active' AND {scope}
          AND {_UNIT_MEMBERS[unit]}
        ORDER BY u.household_id, m.member_no
    """
    return members


def _with_member_columns(frame: pl.DataFrame, today: date) -> pl.DataFrame:
    born = pl.col("date_of_birth").str.to_date()
    had_birthday = (born.dt.month() < today.month) | (
        (born.dt.month() == today.month) & (born.dt.day() <= today.day)
    )
    age = (pl.lit(today.year) - born.dt.year() - pl.when(had_birthday).then(0).otherwise(1)).cast(pl.Int64)
    level = pl.lit(None, dtype=pl.String)
    for name, first, last in reversed(SCHOOL_LEVELS):
        level = pl.when(pl.col("in_school") & age.is_between(first, last)).then(pl.lit(name)).otherwise(level)
    return frame.with_columns(age.alias("age"), level.alias("school_level")).drop("date_of_birth")


def unit_frames(
    unit: str,
    *,
    programme_flags: dict[str, int] | None = None,
    today: date | None = None,
    batch: int = RANGE,
    households: Sequence[int] | None = None,
) -> Iterator[pl.DataFrame]:
    """The frames of every unit of the registry, a range of household ids at a time; with `households`,
    of those households only (ids not in the registry are left out)."""
    today = today or date.today()
    programme_flags = programme_flags or {}
    if households is not None:
        ids = sorted({int(i) for i in households})
        for start in range(0, len(ids), batch):
            chosen = ", ".join(str(i) for i in ids[start : start + batch])
            query = units_sql(unit, programme_flags, f"m.household_id IN ({chosen})")
            frame = _read(query, unit, programme_flags, today)
            if frame.height:
                yield frame
        return
    query = units_sql(unit, programme_flags, "m.household_id >= %(low)s AND m.household_id < %(high)s")
    bounds = Household.objects.order_by("id").values_list("id", flat=True)
    first, last = bounds.first(), bounds.last()
    if first is None:
        return
    for low in range(first, last + 1, batch):
        frame = _read(query, unit, programme_flags, today, low=low, high=low + batch)
        if frame.height:
            yield frame


def units_of_households(
    unit: str,
    household_ids: list[int],
    *,
    programme_flags: dict[str, int] | None = None,
    today: date | None = None,
) -> pl.DataFrame:
    """The units of the households named (a few: to test a programme's rules on them)."""
    programme_flags = programme_flags or {}
    ids = ", ".join(str(int(i)) for i in household_ids) or "NULL"
    query = units_sql(unit, programme_flags, f"m.household_id IN ({ids})")
    return _read(query, unit, programme_flags, today or date.today())


def _read(query: str, unit: str, programme_flags: dict[str, int], today: date, **params) -> pl.DataFrame:
    schema = HOUSEHOLD_SCHEMA | {column: pl.Boolean for column in programme_flags}
    if unit != Unit.HOUSEHOLD:
        schema |= MEMBER_SCHEMA
    frame = sql_frame(query, params | {"adult": _years_ago(today, ADULT_AGE)}, schema=schema)
    return frame if unit == Unit.HOUSEHOLD else _with_member_columns(frame, today)
