"""Household traits for many households at once, as a polars frame (see `indicators` for its columns):
from the registry, in id ranges, with the members aggregated by the database (GROUP BY), on SQLite and
PostgreSQL; and from the survey files of the data contract, for fitting a model.

Ages are counted on the household's survey date, so that a score does not drift as time passes, only
when the household's data change. Only active households are read: those with at least one active
member (a household whose members all moved away or were merged into another has nothing to score).
"""

import io
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import polars as pl
from django.db import connection

from ehsaas.registry.models import Household
from ehsaas.targeting.indicators import ASSET_COLUMNS, LIVESTOCK_COLUMNS, TRAIT_COLUMNS, TRAIT_SCHEMA

BATCH = 200_000  # households a read covers: a few hundred MB at most, whatever the registry's size
IDS_PER_QUERY = 5_000  # households named in one `IN (…)` list

_BOOLEANS = ("electricity", *ASSET_COLUMNS)


def _older_than(years: int) -> str:
    """SQL: the member was born more than `years` years before the survey date (is `years` or older)."""
    if connection.vendor == "postgresql":
        return f"m.date_of_birth <= (h.survey_date - interval '{years} years')::date"
    return f"m.date_of_birth <= date(h.survey_date, '-{years} years')"


def _as_int(column: str) -> str:
    return f"h.{column}::int" if connection.vendor == "postgresql" else f"h.{column}"


def _traits_sql(where: str) -> str:
    """The traits query; `where` (SQL over `h`, the household) is applied to households and members."""
    child, elder = f"NOT ({_older_than(15)})", _older_than(65)
    school_age = f"{_older_than(5)} AND NOT ({_older_than(17)})"
    household_columns = ", ".join(
        _as_int(c) if c in _BOOLEANS else f"h.{c}"
        for c in (
            "area",
            "rooms",
            "tenure",
            "walls",
            "toilet",
            "water",
            "cooking_fuel",
            *_BOOLEANS,
            *LIVESTOCK_COLUMNS,
            "land_acres",
        )
    )
    return f"""
        SELECT h.id AS household_id, p.code AS province, {household_columns},
               agg.size, agg.children, agg.elderly, agg.school_age, agg.in_school, agg.head_education
        FROM registry_household h
        JOIN core_province p ON p.id = h.province_id
        JOIN (
            SELECT m.household_id,
                   COUNT(*) AS size,
                   SUM(CASE WHEN {child} THEN 1 ELSE 0 END) AS children,
                   SUM(CASE WHEN {elder} THEN 1 ELSE 0 END) AS elderly,
                   SUM(CASE WHEN {school_age} THEN 1 ELSE 0 END) AS school_age,
                   SUM(CASE WHEN {school_age} AND m.in_school THEN 1 ELSE 0 END) AS in_school,
                   MAX(CASE WHEN m.relationship = 'head' THEN m.education END) AS head_education
            FROM registry_member m
            JOIN registry_household h ON h.id = m.household_id
            WHERE m.status = 'active' AND {where}
            GROUP BY m.household_id
        ) agg ON agg.household_id = h.id
        WHERE {where}
        ORDER BY h.id
    """


def _frame(columns: list[str], rows: list[tuple]) -> pl.DataFrame:
    frame = pl.DataFrame(rows, schema=columns, orient="row", infer_schema_length=None)
    return _typed(frame)


def _typed(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.select(
        [
            (pl.col(c).cast(pl.Int8).cast(pl.Boolean) if c in _BOOLEANS else pl.col(c).cast(TRAIT_SCHEMA[c]))
            for c in TRAIT_COLUMNS
        ]
    )


def _read(where: str, params: list) -> pl.DataFrame:
    query = _traits_sql(where)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY out as CSV and parse with polars: far faster than building a Python tuple per row.
            raw = cursor.cursor
            statement = raw.mogrify(query, params) if params else query
            buffer = io.BytesIO()
            with raw.copy(f"COPY ({statement}) TO STDOUT WITH (FORMAT csv, HEADER true)") as copy:
                for block in copy:
                    buffer.write(block)
            if buffer.tell() == 0:
                return pl.DataFrame(schema=TRAIT_SCHEMA)
            buffer.seek(0)
            overrides = {c: pl.Int8 for c in _BOOLEANS} | {"land_acres": pl.Float64}
            return _typed(pl.read_csv(buffer, schema_overrides=overrides, infer_schema_length=10_000))
        cursor.execute(query, params)
        return _frame([c[0] for c in cursor.description], cursor.fetchall())


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
            where = f"h.id IN ({', '.join([placeholder] * len(chunk))})"
            frame = _read(where, chunk * 2)
            if frame.height:
                yield frame
        return
    bounds = _id_bounds(since)
    if bounds is None:
        return
    first, last = bounds
    for low in range(first, last + 1, batch):
        where = f"h.id >= {low:d} AND h.id < {low + batch:d}"
        params: list = []
        if since is not None:
            where += f" AND h.updated_at >= {placeholder}"
            value = (
                since
                if connection.vendor == "postgresql"
                else connection.ops.adapt_datetimefield_value(since)
            )
            params = [value, value]
        frame = _read(where, params)
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
