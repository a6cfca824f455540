"""The units a programme's rules are evaluated on, read set-based as polars frames, a range of
household ids at a time: one row per household (a programme serving households), or one row per active
member of the unit's kind (women, children, students, any person) with their household's columns beside
their own.

Household columns: pmt_score (the current score; null when unscored), province and district codes, area,
household_size, has_disabled_member, wealth_flagged (a wealth filter excludes the household), and
in_<programme> for each programme a rule names (the household has an active beneficiary in it).
Member columns: member_id, member_no, age (whole years today), sex, relationship, marital_status,
education, occupation, in_school, pregnant, lactating, disabled, school_level.

A read is one pass over the members of its households, reading only the columns the programme's rules
name; the flags (wealth_flagged, in_<programme>) are the few households of each, read on their own. On
PostgreSQL the next ranges are read on connections of their own while the caller judges this one
(`frames_ahead`).
"""

from collections.abc import Callable, Collection, Iterator, Sequence
from datetime import date
from functools import partial

import polars as pl

from ehsaas.core.frames import frames_ahead, sql_frame
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
    "sex": pl.String,
    "relationship": pl.String,
    "marital_status": pl.String,
    "education": pl.String,
    "occupation": pl.String,
    "in_school": pl.Boolean,
    "pregnant": pl.Boolean,
    "lactating": pl.Boolean,
    "disabled": pl.Boolean,
    "age": pl.Int64,
    "school_level": pl.String,
}
ADULT_AGE = 18  # a CNIC is issued from 18; benefits paid to a woman need hers
CHILD_AGE = 18
# School levels by age in whole years (primary classes 1–5, middle and secondary 6–10, higher
# secondary 11–12), for stipends that pay by level.
SCHOOL_LEVELS = (("primary", 5, 9), ("secondary", 10, 14), ("higher_secondary", 15, 18))

# Which members a unit is: SQL over `m`, the member, with %(adult)s the latest date of birth of an adult.
_UNIT_MEMBERS = {
    Unit.WOMAN: "m.sex = 'female' AND m.date_of_birth <= %(adult)s",
    Unit.CHILD: "m.date_of_birth > %(adult)s",
    Unit.STUDENT: "m.in_school",
    Unit.PERSON: "1 = 1",
}
# Each column as SQL: a member's over `m`, a household's over `h` (joined only when one is read).
_MEMBER_SQL = {
    "sex": "m.sex",
    "relationship": "m.relationship",
    "marital_status": "m.marital_status",
    "education": "m.education",
    "occupation": "m.occupation",
    "in_school": "m.in_school",
    "pregnant": "m.pregnant",
    "lactating": "m.lactating",
    "disabled": "m.disability <> ''",
}
_HOUSEHOLD_SQL = {"province": "p.code", "district": "d.code", "area": "h.area"}
_DISABLED = "CASE WHEN m.disability <> '' THEN 1 ELSE 0 END"
# Which households a read covers, as SQL over a column holding household ids.
Scope = Callable[[str], str]


def _years_ago(today: date, years: int) -> date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def _columns(unit: str, fields: Collection[str] | None) -> set[str]:
    """The columns to read for rules that name `fields` (None: every column)."""
    every = set(HOUSEHOLD_SCHEMA) | (set() if unit == Unit.HOUSEHOLD else set(MEMBER_SCHEMA))
    wanted = every if fields is None else every & set(fields)
    if wanted & {"age", "school_level"}:
        wanted |= {"age", "in_school", "school_level"}  # worked out together from the date of birth
    return wanted | {"household_id", "pmt_score"} | ({"member_id", "member_no"} & every)


def units_sql(unit: str, columns: Collection[str], scope: Scope) -> tuple[str, dict[str, pl.DataType]]:
    """The query of the units of the households `scope` chooses, reading `columns` of the catalogue
    (but wealth_flagged and in_<code>, read on their own by `_household_sets`), and its rows' schema.

    A household's size and whether a member is disabled are aggregates over all its active members, not
    only its units; both are read in the same pass over the members as the units. By window functions
    when the size is read; when only the disability is, the disabled members are read beside the units
    (far fewer than all: polars then takes the aggregate, `_aggregated`, and drops those not units)."""
    if unit == Unit.HOUSEHOLD:
        return _households_sql(columns, scope)
    schema = {"household_id": pl.Int64, "member_id": pl.Int64, "member_no": pl.Int64}
    select = ["m.household_id", "m.id AS member_id", "m.member_no"]
    for name, sql in _MEMBER_SQL.items():
        if name in columns:
            select.append(f"{sql} AS {name}")
            schema[name] = MEMBER_SCHEMA[name]
    if "age" in columns:
        select.append("m.date_of_birth")
        schema["date_of_birth"] = pl.Date
    active = f"m.status = 'active' AND {scope('m.household_id')}"
    is_unit = _UNIT_MEMBERS[unit]
    if "household_size" in columns:
        window = {"household_size": "COUNT(*) OVER w", "has_disabled_member": f"MAX({_DISABLED}) OVER w = 1"}
        window = {name: sql for name, sql in window.items() if name in columns}
        select += [f"{sql} AS {name}" for name, sql in window.items()]
        schema |= {name: HOUSEHOLD_SCHEMA[name] for name in window}
        source = f"""(SELECT {", ".join(select)}, ({is_unit}) AS is_unit FROM registry_member m WHERE {active}
                      WINDOW w AS (PARTITION BY m.household_id)) m"""
        select, where = [f"m.{name}" for name in schema], "m.is_unit"
    elif "has_disabled_member" in columns:
        select += [f"({is_unit}) AS is_unit", "m.disability <> '' AS member_disabled"]
        schema |= {"is_unit": pl.Boolean, "member_disabled": pl.Boolean}
        source, where = "registry_member m", f"{active} AND (({is_unit}) OR m.disability <> '')"
    else:
        source, where = "registry_member m", f"{active} AND {is_unit}"
    select += [f"{_HOUSEHOLD_SQL[name]} AS {name}" for name in _HOUSEHOLD_SQL if name in columns]
    schema |= {name: HOUSEHOLD_SCHEMA[name] for name in _HOUSEHOLD_SQL if name in columns}
    schema["pmt_score"] = pl.Float64
    query = f"""SELECT {", ".join(select)}, s.score AS pmt_score
                FROM {source} {_household_joins(columns, scope, "m.household_id")}
                WHERE {where}"""
    return query, schema


def _households_sql(columns: Collection[str], scope: Scope) -> tuple[str, dict[str, pl.DataType]]:
    """One row per household with an active member."""
    select, schema = ["a.household_id"], {"household_id": pl.Int64}
    aggregates = {"household_size": "COUNT(*)", "has_disabled_member": f"MAX({_DISABLED}) = 1"}
    inner = ", ".join(f"{sql} AS {name}" for name, sql in aggregates.items() if name in columns)
    select += [f"a.{name}" for name in aggregates if name in columns]
    schema |= {name: HOUSEHOLD_SCHEMA[name] for name in aggregates if name in columns}
    select += [f"{_HOUSEHOLD_SQL[name]} AS {name}" for name in _HOUSEHOLD_SQL if name in columns]
    schema |= {name: HOUSEHOLD_SCHEMA[name] for name in _HOUSEHOLD_SQL if name in columns}
    schema["pmt_score"] = pl.Float64
    query = f"""SELECT {", ".join(select)}, s.score AS pmt_score
                FROM (SELECT m.household_id{", " + inner if inner else ""} FROM registry_member m
                      WHERE m.status = 'active' AND {scope("m.household_id")} GROUP BY m.household_id) a
                {_household_joins(columns, scope, "a.household_id")}"""
    return query, schema


def _household_joins(columns: Collection[str], scope: Scope, household_id: str) -> str:
    """The joins of the household's own columns and its score. Each table is limited to the scope's
    households as well, so that PostgreSQL reads only their part of it."""
    joins = ""
    if any(name in columns for name in _HOUSEHOLD_SQL):
        joins += f"""JOIN registry_household h ON h.id = {household_id} AND {scope("h.id")}
                     JOIN core_province p ON p.id = h.province_id
                     JOIN core_district d ON d.id = h.district_id """
    return joins + (
        f"LEFT JOIN targeting_householdscore s ON s.household_id = {household_id} "
        f"AND {scope('s.household_id')}"
    )


def _between(column: str) -> str:
    return f"{column} >= %(low)s AND {column} < %(high)s"


def _one_of(ids: Sequence[int]) -> Scope:
    chosen = ", ".join(str(int(i)) for i in ids) or "NULL"
    return lambda column: f"{column} IN ({chosen})"


def _household_sets(
    columns: Collection[str], programme_flags: dict[str, int], scope: Scope
) -> dict[str, str]:
    """{column: the query of the households in scope for which it is true} for wealth_flagged and each
    in_<code>: a few ids, read on their own rather than tested for every unit."""
    sets = {}
    if "wealth_flagged" in columns:
        sets["wealth_flagged"] = (
            f"SELECT DISTINCT x.household_id FROM ({EXCLUDED_HOUSEHOLDS_SQL}) x WHERE {scope('x.household_id')}"
        )
    for column, programme_id in programme_flags.items():
        sets[column] = (
            f"SELECT DISTINCT b.household_id FROM programs_beneficiary b WHERE b.programme_id = "
            f"{int(programme_id)} AND b.status = 'active' AND {scope('b.household_id')}"
        )
    return sets


def _aggregated(frame: pl.DataFrame) -> pl.DataFrame:
    """has_disabled_member from the disabled members read beside the units, which are then dropped."""
    if "member_disabled" not in frame.columns:
        return frame
    disabled = pl.col("member_disabled").any().over("household_id").alias("has_disabled_member")
    return frame.with_columns(disabled).filter("is_unit").drop("is_unit", "member_disabled")


def _with_member_columns(frame: pl.DataFrame, today: date) -> pl.DataFrame:
    born = pl.col("date_of_birth")
    had_birthday = (born.dt.month() < today.month) | (
        (born.dt.month() == today.month) & (born.dt.day() <= today.day)
    )
    age = (pl.lit(today.year) - born.dt.year() - pl.when(had_birthday).then(0).otherwise(1)).cast(pl.Int64)
    level = pl.lit(None, dtype=pl.String)
    for name, first, last in reversed(SCHOOL_LEVELS):
        level = pl.when(pl.col("in_school") & age.is_between(first, last)).then(pl.lit(name)).otherwise(level)
    return frame.with_columns(age.alias("age"), level.alias("school_level")).drop("date_of_birth")


def _read(
    unit: str,
    columns: Collection[str],
    programme_flags: dict[str, int],
    today: date,
    scope: Scope,
    params: dict | None = None,
) -> pl.DataFrame:
    params = (params or {}) | {"adult": _years_ago(today, ADULT_AGE)}
    query, schema = units_sql(unit, columns, scope)
    frame = _aggregated(sql_frame(query, params, schema=schema))
    for column, ids_query in _household_sets(columns, programme_flags, scope).items():
        ids = sql_frame(ids_query, params, schema={"household_id": pl.Int64})["household_id"]
        frame = frame.with_columns(pl.col("household_id").is_in(ids.implode()).alias(column))
    if "age" in columns:
        frame = _with_member_columns(frame, today)
    return frame.sort("household_id" if unit == Unit.HOUSEHOLD else ["household_id", "member_no"])


def unit_frames(
    unit: str,
    *,
    fields: Collection[str] | None = None,
    programme_flags: dict[str, int] | None = None,
    today: date | None = None,
    batch: int = RANGE,
    households: Sequence[int] | None = None,
) -> Iterator[pl.DataFrame]:
    """The frames of every unit of the registry, a range of household ids at a time; with `households`,
    of those households only (ids not in the registry are left out). With `fields`, the names the rules
    read, a frame holds only those columns (and household_id, pmt_score, member_id and member_no):
    the less read, the faster."""
    today = today or date.today()
    programme_flags = programme_flags or {}
    columns = _columns(unit, fields) | set(programme_flags)
    read = partial(_read, unit, columns, programme_flags, today)
    if households is not None:
        ids = sorted({int(i) for i in households})
        reads = [partial(read, _one_of(ids[start : start + batch])) for start in range(0, len(ids), batch)]
    else:
        bounds = Household.objects.order_by("id").values_list("id", flat=True)
        first, last = bounds.first(), bounds.last()
        lows = [] if first is None else range(first, last + 1, batch)
        reads = [partial(read, _between, {"low": low, "high": low + batch}) for low in lows]
    for frame in frames_ahead(reads):
        if frame.height:
            yield frame


def units_of_households(
    unit: str,
    household_ids: list[int],
    *,
    programme_flags: dict[str, int] | None = None,
    today: date | None = None,
) -> pl.DataFrame:
    """The units of the households named (a few: to test a programme's rules on them), every column."""
    programme_flags = programme_flags or {}
    columns = _columns(unit, None) | set(programme_flags)
    return _read(unit, columns, programme_flags, today or date.today(), _one_of(household_ids))
