"""Validation of one batch of survey rows, vectorised with polars: no Python loop over rows.

Each function returns the batch's clean, typed rows (as the staging tables hold them) and its problems
(`file, line, column, household_ref, message`). A row with a problem still goes to staging: the whole
household is rejected later, in one set-based step, whatever the row its problem was found in.
"""

from dataclasses import dataclass
from datetime import date

import polars as pl
from django.utils.translation import gettext as _

from ehsaas.core.identity import MSG_CNIC_SHAPE, MSG_PHONE_SHAPE
from ehsaas.core.names import name_key_expr
from ehsaas.registry.imports import contract as k

PROBLEM_SCHEMA = {
    "file": pl.String,
    "line": pl.Int64,
    "column": pl.String,
    "household_ref": pl.String,
    "message": pl.String,
}
_HASH_BITS = (1 << 48) - 1  # member hashes are summed per household in SQL; 48 bits leave room for the sum
_DECIMAL = r"^\d{1,9}(\.\d{1,2})?$"
_COORDINATE = r"^-?\d{1,3}(\.\d+)?$"
_MOBILE = r"^(?:\+92|0092|92|0)?(3\d{9})$"


@dataclass(frozen=True)
class Geography:
    """Lookup frames that turn what a survey wrote (a code, or an English or Urdu name, any case) into ids."""

    provinces: pl.DataFrame  # key, province_id
    districts: pl.DataFrame  # province_id, key, district_id
    tehsils: pl.DataFrame  # district_id, key, tehsil_id


class _Checks:
    """Collects `(bad rows, column, message)` checks over one batch; `problems()` evaluates them all in one
    polars pass and renders problem rows only for the checks that found something."""

    def __init__(self, frame: pl.DataFrame, label: str):
        self.frame, self.label, self.checks = frame, label, []

    def add(self, bad: pl.Expr, column: str, message: str, *, show_value: bool = True) -> None:
        self.checks.append((bad.fill_null(False), column, str(message), show_value))

    def problems(self) -> pl.DataFrame:
        if not self.checks:
            return pl.DataFrame(schema=PROBLEM_SCHEMA)
        flags = self.frame.select(check[0].alias(f"check{i}") for i, check in enumerate(self.checks))
        found = [i for i, hit in enumerate(flags.select(pl.all().any()).row(0)) if hit]
        parts = []
        for i in found:
            column, message, show_value = self.checks[i][1:]
            text = [pl.lit(message)]
            if show_value:
                text = [pl.lit(f"{message} ({_('found')} «"), pl.col(column).fill_null(""), pl.lit("»)")]
            parts.append(
                self.frame.filter(flags[f"check{i}"]).select(
                    pl.lit(self.label).alias("file"),
                    pl.col("_line").cast(pl.Int64).alias("line"),
                    pl.lit(column).alias("column"),
                    pl.col("household_ref").alias("household_ref"),
                    pl.concat_str(text).alias("message"),
                )
            )
        return pl.concat(parts) if parts else pl.DataFrame(schema=PROBLEM_SCHEMA)

    def required(self, columns) -> None:
        for column in columns:
            self.add(pl.col(column).is_null(), column, k.MSG_REQUIRED, show_value=False)

    def choices(self, vocabularies: dict[str, list[str]]) -> None:
        for column, words in vocabularies.items():
            bad = pl.col(column).is_not_null() & ~pl.col(column).str.to_lowercase().is_in(words)
            self.add(bad, column, k.MSG_ONE_OF % {"words": ", ".join(words)})

    def yes_no(self, columns) -> None:
        for column in columns:
            bad = pl.col(column).is_not_null() & ~pl.col(column).str.to_lowercase().is_in(k.YES_NO)
            self.add(bad, column, k.MSG_YES_NO)

    def whole_numbers(self, columns, minimum: int) -> None:
        for column in columns:
            value = pl.col(column).str.to_integer(strict=False)
            bad = pl.col(column).is_not_null() & (value.is_null() | (value < minimum))
            self.add(bad, column, k.MSG_WHOLE_NUMBER % {"min": minimum})

    def max_length(self, column: str, limit: int) -> None:
        self.add(
            pl.col(column).str.len_chars() > limit, column, k.MSG_TOO_LONG % {"max": limit}, show_value=False
        )


def _trimmed(batch: pl.DataFrame, columns: tuple[str, ...]) -> pl.DataFrame:
    """Every contract column present (optional ones may be absent from a file), stripped, blank → null."""
    missing = [pl.lit(None, dtype=pl.String).alias(c) for c in columns if c not in batch.columns]
    batch = batch.with_columns(missing) if missing else batch
    return batch.with_columns(pl.col(c).str.strip_chars().replace("", None) for c in columns).select(
        "_line", *columns
    )


def _yes(column: str) -> pl.Expr:
    return (pl.col(column).str.to_lowercase() == "yes").alias(column)


def _mobile(column: str) -> pl.Expr:
    digits = pl.col(column).str.replace_all(r"[\s\-()]", "")
    return pl.concat_str([pl.lit("+92"), digits.str.extract(_MOBILE, 1)])


def _row_hash(columns: list[str]) -> pl.Expr:
    text = pl.concat_str([pl.col(c).cast(pl.String).fill_null("") for c in columns], separator="\x1f")
    return (text.hash(seed=20260101) & _HASH_BITS).cast(pl.Int64).alias("row_hash")


def validate_households(batch: pl.DataFrame, *, label: str, geography: Geography, today: date):
    frame = _trimmed(batch, k.HOUSEHOLD_COLUMNS)
    frame = (
        frame.with_columns(_province_key=pl.col("province").str.to_lowercase())
        .join(geography.provinces, left_on="_province_key", right_on="key", how="left")
        .with_columns(_district_key=pl.col("district").str.to_lowercase())
        .join(
            geography.districts,
            left_on=["province_id", "_district_key"],
            right_on=["province_id", "key"],
            how="left",
        )
        .with_columns(_tehsil_key=pl.col("tehsil").str.to_lowercase())
        .join(
            geography.tehsils,
            left_on=["district_id", "_tehsil_key"],
            right_on=["district_id", "key"],
            how="left",
        )
    )
    checks = _Checks(frame, label)
    checks.required(k.HOUSEHOLD_REQUIRED)
    checks.max_length("household_ref", 64)
    checks.max_length("address", 300)
    checks.max_length("enumerator", 100)
    checks.choices(k.HOUSEHOLD_CHOICES)
    checks.yes_no(k.HOUSEHOLD_FLAGS)
    checks.whole_numbers(["rooms"], 1)
    checks.whole_numbers(k.HOUSEHOLD_COUNTS[1:], 0)
    checks.add(
        pl.col("province").is_not_null() & pl.col("province_id").is_null(), "province", k.MSG_UNKNOWN_PROVINCE
    )
    checks.add(
        pl.col("province_id").is_not_null()
        & pl.col("district").is_not_null()
        & pl.col("district_id").is_null(),
        "district",
        k.MSG_UNKNOWN_DISTRICT,
    )
    checks.add(
        pl.col("district_id").is_not_null() & pl.col("tehsil").is_not_null() & pl.col("tehsil_id").is_null(),
        "tehsil",
        k.MSG_UNKNOWN_TEHSIL,
    )
    for column in ("land_acres", "monthly_consumption"):
        checks.add(
            pl.col(column).is_not_null() & ~pl.col(column).str.contains(_DECIMAL), column, k.MSG_NUMBER
        )
    for column, (low, high), message in (
        ("latitude", k.LATITUDE_RANGE, k.MSG_LATITUDE),
        ("longitude", k.LONGITUDE_RANGE, k.MSG_LONGITUDE),
    ):
        value = pl.col(column).cast(pl.Float64, strict=False)
        bad = pl.col(column).is_not_null() & (
            ~pl.col(column).str.contains(_COORDINATE) | value.is_null() | (value < low) | (value > high)
        )
        checks.add(bad, column, message % {"low": low, "high": high})
    survey_date = pl.col("survey_date").str.to_date("%Y-%m-%d", strict=False)
    checks.add(pl.col("survey_date").is_not_null() & survey_date.is_null(), "survey_date", k.MSG_DATE)
    checks.add(survey_date > today, "survey_date", k.MSG_DATE_FUTURE)
    checks.add(pl.col("phone").is_not_null() & _mobile("phone").is_null(), "phone", MSG_PHONE_SHAPE)

    clean = frame.select(
        pl.col("_line").cast(pl.Int64).alias("line"),
        "household_ref",
        "province_id",
        "district_id",
        "tehsil_id",
        *(pl.col(c).str.to_lowercase() for c in k.HOUSEHOLD_CHOICES),
        "address",
        pl.col("latitude").cast(pl.Float64, strict=False).round(5),
        pl.col("longitude").cast(pl.Float64, strict=False).round(5),
        survey_date.alias("survey_date"),
        "enumerator",
        _mobile("phone").alias("phone"),
        *(pl.col(c).str.to_integer(strict=False).cast(pl.Int64) for c in k.HOUSEHOLD_COUNTS),
        *(_yes(c) for c in k.HOUSEHOLD_FLAGS),
        "land_acres",
        "monthly_consumption",
    )
    hashed = [c for c in clean.columns if c != "line"]
    return clean.with_columns(_row_hash(hashed)), checks.problems()


class NameKeys:
    """The name key of every distinct name an import has met so far. Names repeat a great deal
    (Muhammad, Bibi, …) across a whole file, not only within a batch, so each is keyed once per import;
    past `limit` distinct names the cache stops growing (memory stays flat) and new names are keyed per batch."""

    def __init__(self, limit: int = 500_000):
        self.limit = limit
        self.known = pl.DataFrame(schema={"full_name": pl.String, "name_key": pl.String})

    def of(self, names: pl.DataFrame) -> pl.DataFrame:
        """`full_name, name_key` for (at least) every distinct name of `names`."""
        unique = names.select(pl.col("full_name").unique())
        new = unique.join(self.known, on="full_name", how="anti", nulls_equal=True)
        if new.is_empty():
            return self.known
        keyed = new.with_columns(name_key=name_key_expr(pl.col("full_name")))
        if self.known.height + keyed.height > self.limit:
            return pl.concat([self.known, keyed])
        self.known = pl.concat([self.known, keyed]).rechunk()
        return self.known


def _disabilities(frame: pl.DataFrame) -> pl.DataFrame:
    """Each distinct `disability` text of the batch (a few dozen) with its words checked and put in order."""
    words = (
        pl.col("disability")
        .str.to_lowercase()
        .str.split(";")
        .list.eval(pl.element().str.strip_chars())
        .list.filter(pl.element() != "")
    )
    none = pl.col("disability").is_null() | (pl.col("disability").str.to_lowercase() == "none")
    return frame.select(pl.col("disability").unique()).with_columns(
        _disability_known=none | words.list.eval(pl.element().is_in(list(k.DISABILITIES))).list.all(),
        _disability_clean=pl.when(none)
        .then(pl.lit(""))
        .otherwise(words.list.unique().list.sort().list.join(";")),
    )


def validate_members(batch: pl.DataFrame, *, label: str, today: date, name_keys: NameKeys | None = None):
    frame = _trimmed(batch, k.MEMBER_COLUMNS)
    frame = frame.join(
        _disabilities(frame), on="disability", how="left", nulls_equal=True, maintain_order="left"
    )
    id_type = pl.col("id_type").str.to_lowercase()
    id_number = pl.col("id_number").str.replace_all(r"[\s\-]", "")
    has_document = id_type.is_in(["cnic", "b_form"])
    date_of_birth = pl.col("date_of_birth").str.to_date("%Y-%m-%d", strict=False)
    sex = pl.col("sex").str.to_lowercase()

    checks = _Checks(frame, label)
    checks.required(k.MEMBER_REQUIRED)
    checks.max_length("household_ref", 64)
    checks.max_length("full_name", 150)
    checks.choices(k.MEMBER_CHOICES)
    checks.yes_no(k.MEMBER_FLAGS)
    checks.whole_numbers(["member_no"], 1)
    checks.add(has_document & pl.col("id_number").is_null(), "id_number", k.MSG_ID_MISSING, show_value=False)
    checks.add(
        has_document
        & pl.col("id_number").is_not_null()
        & (~id_number.str.contains(r"^\d{13}$") | (id_number == "0" * 13)),
        "id_number",
        MSG_CNIC_SHAPE,
    )
    checks.add((id_type == "none") & pl.col("id_number").is_not_null(), "id_number", k.MSG_ID_UNEXPECTED)
    checks.add(
        ~pl.col("_disability_known"),
        "disability",
        k.MSG_DISABILITY % {"words": ", ".join(sorted(k.DISABILITIES))},
    )
    checks.add(pl.col("date_of_birth").is_not_null() & date_of_birth.is_null(), "date_of_birth", k.MSG_DATE)
    checks.add(date_of_birth > today, "date_of_birth", k.MSG_DATE_FUTURE)
    for flag in ("pregnant", "lactating"):
        checks.add((pl.col(flag).str.to_lowercase() == "yes") & (sex != "female"), flag, k.MSG_PREGNANT_SEX)
    checks.add(pl.col("phone").is_not_null() & _mobile("phone").is_null(), "phone", MSG_PHONE_SHAPE)

    clean = frame.select(
        pl.col("_line").cast(pl.Int64).alias("line"),
        "household_ref",
        pl.col("member_no").str.to_integer(strict=False).cast(pl.Int64),
        pl.when(has_document).then(id_type).alias("id_type"),
        pl.when(has_document).then(id_number).alias("id_number"),
        "full_name",
        *(pl.col(c).str.to_lowercase() for c in k.MEMBER_CHOICES if c != "id_type"),
        date_of_birth.alias("date_of_birth"),
        pl.col("_disability_clean").alias("disability"),
        *(_yes(c) for c in k.MEMBER_FLAGS),
        _mobile("phone").alias("phone"),
    )
    hashed = [c for c in clean.columns if c != "line"]
    clean = clean.with_columns(_row_hash(hashed))
    keys = (name_keys or NameKeys()).of(clean)
    clean = clean.join(keys, on="full_name", how="left", nulls_equal=True, maintain_order="left")
    order = [c for c in clean.columns if c != "name_key"]
    order.insert(order.index("full_name") + 1, "name_key")
    return clean.select(order), checks.problems()
