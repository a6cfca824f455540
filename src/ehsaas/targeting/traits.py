"""Household traits for many households at once, as a polars frame (see `indicators` for its columns):
from the registry, in id ranges, with the members aggregated by the database (GROUP BY), on SQLite and
PostgreSQL; and from the survey files of the data contract, for fitting a model.

Ages are counted on the household's survey date, so that a score does not drift as time passes, only
when the household's data change. Only active households are read: those with at least one active
member (a household whose members all moved away or were merged into another has nothing to score).
"""

from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime
from pathlib import Path

import polars as pl
from django.db import connection, transaction

from ehsaas.core.frames import sql_frame
from ehsaas.registry.models import Household
from ehsaas.targeting.indicators import ASSET_COLUMNS, LIVESTOCK_COLUMNS, TRAIT_COLUMNS, TRAIT_SCHEMA

BATCH = 100_000  # households a read covers: some tens of MB, whatever the registry's size
READERS = 2  # connections reading at once on PostgreSQL, one per core of a small server
PARALLEL_FROM = 4  # ranges: below this, one connection reads them all
IDS_PER_QUERY = 5_000  # households named in one `IN (…)` list

_BOOLEANS = ("electricity", *ASSET_COLUMNS)


def _years_before(years: int) -> str:
    """SQL: the date `years` years before the household's survey date (a member born after it is
    younger than `years` on the survey date)."""
    if connection.vendor == "postgresql":
        return f"(h.survey_date - interval '{years} years')::date"
    return f"date(h.survey_date, '-{years} years')"


def _as_int(column: str) -> str:
    return f"h.{column}::int" if connection.vendor == "postgresql" else f"h.{column}"


def _count(condition: str) -> str:
    if connection.vendor == "postgresql":
        return f"COUNT(*) FILTER (WHERE {condition})"  # cheaper than a CASE per member
    return f"SUM(CASE WHEN {condition} THEN 1 ELSE 0 END)"


_HOUSEHOLD_COLUMNS = ("area", "rooms", "tenure", "walls", "toilet", "water", "cooking_fuel", *_BOOLEANS,
                      *LIVESTOCK_COLUMNS, "land_acres")  # fmt: skip


def traits_sql(where: str, members_where: str = "TRUE") -> str:
    """The traits query; `where` (SQL over `h`, the household, used twice) chooses the households, and
    `members_where` (over `m`) says the same of their members, so that the planner reads only the
    members of those households by their index.

    Members are aggregated by household alone (a narrow GROUP BY), beside the age limits of their
    household's survey date worked out once per household, so that each member costs only date
    comparisons; the household's own columns are joined to the aggregates afterwards."""
    school_age = "m.date_of_birth <= d.born_5 AND m.date_of_birth > d.born_17"
    head = (
        "MIN(m.education) FILTER (WHERE m.relationship = 'head')"
        if connection.vendor == "postgresql"
        else "MAX(CASE WHEN m.relationship = 'head' THEN m.education END)"
    )
    return f"""
        SELECT h.id AS household_id, p.code AS province,
               {", ".join(_as_int(c) if c in _BOOLEANS else f"h.{c}" for c in _HOUSEHOLD_COLUMNS)},
               a.size, a.children, a.elderly, a.school_age, a.in_school, a.head_education
        FROM registry_household h
        JOIN core_province p ON p.id = h.province_id
        JOIN (
            SELECT m.household_id,
                   COUNT(*) AS size,
                   {_count("m.date_of_birth > d.born_15")} AS children,
                   {_count("m.date_of_birth <= d.born_65")} AS elderly,
                   {_count(school_age)} AS school_age,
                   {_count(f"m.in_school AND {school_age}")} AS in_school,
                   {head} AS head_education
            FROM registry_member m
            JOIN (
                SELECT h.id, {_years_before(5)} AS born_5, {_years_before(15)} AS born_15,
                       {_years_before(17)} AS born_17, {_years_before(65)} AS born_65
                FROM registry_household h
                WHERE {where}
            ) d ON d.id = m.household_id
            WHERE m.status = 'active' AND {members_where}
            GROUP BY m.household_id
        ) a ON a.household_id = h.id
        WHERE {where}
        ORDER BY h.id
    """


def _typed(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.select(
        [
            (pl.col(c).cast(pl.Int8).cast(pl.Boolean) if c in _BOOLEANS else pl.col(c).cast(TRAIT_SCHEMA[c]))
            for c in TRAIT_COLUMNS
        ]
    )


# As the query gives them: flags as 0/1 (cast to int in SQL, the same on both databases).
_READ_SCHEMA = {c: (pl.Int8 if c in _BOOLEANS else TRAIT_SCHEMA[c]) for c in TRAIT_COLUMNS}


def _read(where: str, members_where: str, params: list) -> pl.DataFrame:
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Compiling the query (JIT) costs more than it saves on these scans; and the readers
            # already keep the cores busy without workers of their own.
            cursor.execute("SET LOCAL jit = off")
            cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
            cursor.execute("SET LOCAL work_mem = '64MB'")  # a batch's members sorted in memory
        return _typed(sql_frame(traits_sql(where, members_where), params, schema=_READ_SCHEMA))


def _read_apart(where: str, members_where: str, params: list) -> pl.DataFrame:
    """`_read` on a connection of this thread's own, closed afterwards."""
    try:
        return _read(where, members_where, params)
    finally:
        connection.close()


def _read_ranges(ranges: list[tuple[str, str, list]]) -> Iterator[pl.DataFrame]:
    """Each range's traits, in order. On PostgreSQL, when there are many, two connections read at once
    (one per core) while the caller works on the batch before; at most three batches are in memory.

    The other connections see what is committed, not the caller's transaction: callers read households
    they have not changed in it (scoring changes only scores)."""
    if connection.vendor != "postgresql" or len(ranges) < PARALLEL_FROM:
        for where, members_where, params in ranges:
            yield _read(where, members_where, params)
        return
    with ThreadPoolExecutor(max_workers=READERS) as pool:
        pending: deque[Future] = deque()
        for where, members_where, params in ranges:
            pending.append(pool.submit(_read_apart, where, members_where, params))
            # One more than the readers: both stay busy while the caller works on a batch.
            if len(pending) > READERS:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def _id_bounds(since: datetime | None) -> tuple[int, int] | None:
    households = Household.objects.all()
    if since is not None:
        households = households.filter(updated_at__gte=since)
    first = households.order_by("id").values_list("id", flat=True).first()
    if first is None:
        return None
    return first, households.order_by("-id").values_list("id", flat=True).first()


def registry_trait_batches(
    *, household_ids: list[int] | None = None, since: datetime | None = None, batch: int = BATCH
) -> Iterator[pl.DataFrame]:
    """The traits of the active households of the registry, a batch at a time, in id order: all of
    them, those named, or those updated since `since`."""
    placeholder = "%s"
    if household_ids is not None:
        ids = sorted(set(household_ids))
        for start in range(0, len(ids), IDS_PER_QUERY):
            chunk = ids[start : start + IDS_PER_QUERY]
            listed = ", ".join([placeholder] * len(chunk))
            frame = _read(f"h.id IN ({listed})", f"m.household_id IN ({listed})", chunk * 3)
            if frame.height:
                yield frame
        return
    bounds = _id_bounds(since)
    if bounds is None:
        return
    first, last = bounds
    ranges = []
    for low in range(first, last + 1, batch):
        where = f"h.id >= {low:d} AND h.id < {low + batch:d}"
        members_where = f"m.household_id >= {low:d} AND m.household_id < {low + batch:d}"
        params: list = []
        if since is not None:
            where += f" AND h.updated_at >= {placeholder}"
            pg = connection.vendor == "postgresql"
            params = [since if pg else connection.ops.adapt_datetimefield_value(since)] * 2
        ranges.append((where, members_where, params))
    for frame in _read_ranges(ranges):
        if frame.height:
            yield frame


def registry_household_range_count() -> int:
    """How many households the registry holds (for a progress bar's total; inactive ones included)."""
    return Household.objects.count()


def survey_traits(households: Path, members: Path) -> pl.DataFrame:
    """The traits of every household of a survey (the data contract's two CSV files), with its
    `monthly_consumption` when the survey has it (null otherwise), and `household_ref`."""
    yes = {c: pl.col(c) == "yes" for c in _BOOLEANS}
    wanted = ["household_ref", "province", "area", "rooms", "tenure", "walls", "toilet", "water",
              "cooking_fuel", *_BOOLEANS, *LIVESTOCK_COLUMNS, "land_acres", "survey_date"]  # fmt: skip
    header = pl.read_csv(households, n_rows=0).columns
    read = wanted + (["monthly_consumption"] if "monthly_consumption" in header else [])
    frame = pl.read_csv(households, columns=read, infer_schema=False).with_columns(
        pl.col("survey_date").str.to_date(), **yes
    )
    if "monthly_consumption" not in header:
        frame = frame.with_columns(pl.lit(None, dtype=pl.Float64).alias("monthly_consumption"))
    people = pl.read_csv(
        members,
        columns=["household_ref", "date_of_birth", "relationship", "education", "in_school"],
        infer_schema=False,
    ).join(frame.select("household_ref", "survey_date"), on="household_ref", how="inner")
    dob, surveyed = pl.col("date_of_birth").str.to_date(), pl.col("survey_date")

    def older_than(years: int) -> pl.Expr:
        return dob <= surveyed.dt.offset_by(f"-{years}y")

    school_age = older_than(5) & ~older_than(17)
    aggregates = people.group_by("household_ref").agg(
        pl.len().alias("size"),
        (~older_than(15)).sum().alias("children"),
        older_than(65).sum().alias("elderly"),
        school_age.sum().alias("school_age"),
        (school_age & (pl.col("in_school") == "yes")).sum().alias("in_school"),
        pl.col("education").filter(pl.col("relationship") == "head").first().alias("head_education"),
    )
    joined = frame.join(aggregates, on="household_ref", how="inner").with_row_index("household_id")
    typed = joined.select(
        [pl.col(c).cast(TRAIT_SCHEMA[c]) for c in TRAIT_COLUMNS]
        + [pl.col("household_ref"), pl.col("monthly_consumption").cast(pl.Float64)]
    )
    return typed
