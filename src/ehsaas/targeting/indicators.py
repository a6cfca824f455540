"""The indicator catalogue: every trait a PMT model may weigh, each with a code, a label people read
(English and Urdu) and a vectorised computation over a polars frame of household traits.

One function, `indicator_matrix`, turns traits into the matrix of indicator values. Scoring, fitting
and explanations all call it, so the three can never disagree about what an indicator is.

The traits frame has one row per household: the household columns of the survey data contract
(`province` as its ISO code, `area`, `rooms`, `tenure`, `walls`, `toilet`, `water`, `cooking_fuel`,
`electricity`, the asset flags, the livestock counts and `land_acres`) and these member aggregates,
counted over active members at their age on the survey date:

    size            members
    children        members under 15
    elderly         members 65 and over
    school_age      members aged 5 to 16
    in_school       of those, members in school
    head_education  the head's education level (null when the household has no head)
"""

from dataclasses import dataclass

import numpy as np
import polars as pl
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

TRAIT_COLUMNS = (
    "household_id", "province", "area", "rooms", "tenure", "walls", "toilet", "water", "cooking_fuel",
    "electricity", "refrigerator", "freezer", "air_conditioner", "air_cooler", "washing_machine",
    "television", "computer", "cooking_range", "heater", "motorcycle", "car", "tractor", "cattle",
    "buffalo", "goats", "sheep", "land_acres", "size", "children", "elderly", "school_age", "in_school",
    "head_education",
)  # fmt: skip
ASSET_COLUMNS = (
    "refrigerator", "freezer", "air_conditioner", "air_cooler", "washing_machine", "television",
    "computer", "cooking_range", "heater", "motorcycle", "car", "tractor",
)  # fmt: skip
LIVESTOCK_COLUMNS = ("cattle", "buffalo", "goats", "sheep")
TRAIT_SCHEMA = {
    "household_id": pl.Int64,
    "province": pl.String,
    "area": pl.String,
    "rooms": pl.Int32,
    "tenure": pl.String,
    "walls": pl.String,
    "toilet": pl.String,
    "water": pl.String,
    "cooking_fuel": pl.String,
    "electricity": pl.Boolean,
    **dict.fromkeys(ASSET_COLUMNS, pl.Boolean),
    **dict.fromkeys(LIVESTOCK_COLUMNS, pl.Int32),
    "land_acres": pl.Float64,
    "size": pl.Int32,
    "children": pl.Int32,
    "elderly": pl.Int32,
    "school_age": pl.Int32,
    "in_school": pl.Int32,
    "head_education": pl.String,
}


@dataclass(frozen=True)
class Indicator:
    """One indicator: `expr` computes its value (a float) for every row of a traits frame."""

    code: str
    label: Promise
    group: Promise
    expr: pl.Expr
    is_flag: bool = False  # 1 when the household has the trait, 0 when not


HOUSEHOLD, HEAD, DWELLING, ASSETS, LIVESTOCK, REGION = (
    _("Household"), _("Head of household"), _("Dwelling"), _("Assets"), _("Land and livestock"),
    _("Region"),
)  # fmt: skip


def _is(column: str, value: str) -> pl.Expr:
    return (pl.col(column) == value).fill_null(False).cast(pl.Float64)


def _flag(column: str) -> pl.Expr:
    return pl.col(column).fill_null(False).cast(pl.Float64)


def _count(column: str) -> pl.Expr:
    return pl.col(column).fill_null(0).cast(pl.Float64)


_SIZE = pl.max_horizontal(pl.col("size").cast(pl.Float64), pl.lit(1.0))

_CATALOGUE: list[Indicator] = [
    Indicator("household_size", _("Household size (members)"), HOUSEHOLD, _SIZE),
    Indicator(
        "dependency_ratio",
        _("Dependants (under 15 or 65 and over) per member"),
        HOUSEHOLD,
        (_count("children") + _count("elderly")) / _SIZE,
    ),
    Indicator(
        "share_in_school",
        _("Share of school-age children (5–16) in school"),
        HOUSEHOLD,
        pl.when(pl.col("school_age") > 0)
        .then(_count("in_school") / _count("school_age"))
        .otherwise(0.0)
        .fill_null(0.0),
    ),
    Indicator("rooms_per_person", _("Rooms per person"), DWELLING, _count("rooms") / _SIZE),
]
_HEAD_EDUCATION = [
    ("primary", _("Head's education: primary")),
    ("middle", _("Head's education: middle")),
    ("matric", _("Head's education: matric")),
    ("intermediate", _("Head's education: intermediate")),
    ("graduate", _("Head's education: graduate")),
    ("postgraduate", _("Head's education: postgraduate")),
]
_CATALOGUE += [
    Indicator(f"head_{v}", label, HEAD, _is("head_education", v), is_flag=True)
    for v, label in _HEAD_EDUCATION
]
# Each categorical trait is a set of 0/1 indicators; the poorest (or most common) value is the
# baseline that carries no indicator of its own, so the indicators are not collinear with the intercept.
_CATEGORIES = [
    ("walls", "pakka", _("Walls: pakka (brick or concrete)")),
    ("walls", "mixed", _("Walls: mixed")),
    ("tenure", "rented", _("Dwelling rented")),
    ("tenure", "rent_free", _("Dwelling rent free")),
    ("tenure", "other", _("Dwelling tenure: other")),
    ("toilet", "flush", _("Toilet: flush")),
    ("toilet", "pit", _("Toilet: pit")),
    ("water", "piped", _("Drinking water: piped")),
    ("water", "motor_pump", _("Drinking water: motor pump")),
    ("water", "hand_pump", _("Drinking water: hand pump")),
    ("water", "tanker", _("Drinking water: tanker")),
    ("water", "well", _("Drinking water: well")),
    ("cooking_fuel", "gas", _("Cooking fuel: piped gas")),
    ("cooking_fuel", "lpg", _("Cooking fuel: LPG cylinder")),
    ("cooking_fuel", "electricity", _("Cooking fuel: electricity")),
    ("cooking_fuel", "wood", _("Cooking fuel: wood")),
    ("cooking_fuel", "crop_residue", _("Cooking fuel: crop residue")),
    ("cooking_fuel", "other", _("Cooking fuel: other")),
]
_CATALOGUE += [
    Indicator(f"{column}_{value}", label, DWELLING, _is(column, value), is_flag=True)
    for column, value, label in _CATEGORIES
]
_CATALOGUE.append(
    Indicator("electricity", _("Electricity connection"), DWELLING, _flag("electricity"), is_flag=True)
)
_ASSETS = [
    ("refrigerator", _("Owns a refrigerator")),
    ("freezer", _("Owns a freezer")),
    ("air_conditioner", _("Owns an air conditioner")),
    ("air_cooler", _("Owns an air cooler")),
    ("washing_machine", _("Owns a washing machine")),
    ("television", _("Owns a television")),
    ("computer", _("Owns a computer")),
    ("cooking_range", _("Owns a cooking range")),
    ("heater", _("Owns a heater")),
    ("motorcycle", _("Owns a motorcycle")),
    ("car", _("Owns a car")),
    ("tractor", _("Owns a tractor")),
]
_CATALOGUE += [
    Indicator(f"asset_{column}", label, ASSETS, _flag(column), is_flag=True) for column, label in _ASSETS
]
_LIVESTOCK = [
    ("cattle", _("Cattle (head)")),
    ("buffalo", _("Buffalo (head)")),
    ("goats", _("Goats (head)")),
    ("sheep", _("Sheep (head)")),
]
_CATALOGUE += [Indicator(column, label, LIVESTOCK, _count(column)) for column, label in _LIVESTOCK]
_CATALOGUE.append(
    Indicator(
        "land",
        _("Land owned (acres, on a log scale)"),
        LIVESTOCK,
        pl.col("land_acres").fill_null(0.0).log1p(),
    )
)
# Province × urban/rural; rural Punjab, the largest group, is the baseline.
_REGIONS = [
    ("PK-PB", "urban", _("Punjab, urban")),
    ("PK-SD", "rural", _("Sindh, rural")),
    ("PK-SD", "urban", _("Sindh, urban")),
    ("PK-KP", "rural", _("Khyber Pakhtunkhwa, rural")),
    ("PK-KP", "urban", _("Khyber Pakhtunkhwa, urban")),
    ("PK-BA", "rural", _("Balochistan, rural")),
    ("PK-BA", "urban", _("Balochistan, urban")),
    ("PK-IS", "rural", _("Islamabad, rural")),
    ("PK-IS", "urban", _("Islamabad, urban")),
    ("PK-GB", "rural", _("Gilgit-Baltistan, rural")),
    ("PK-GB", "urban", _("Gilgit-Baltistan, urban")),
    ("PK-JK", "rural", _("Azad Jammu and Kashmir, rural")),
    ("PK-JK", "urban", _("Azad Jammu and Kashmir, urban")),
]
_CATALOGUE += [
    Indicator(
        f"region_{province[3:].lower()}_{area}",
        label,
        REGION,
        ((pl.col("province") == province) & (pl.col("area") == area)).fill_null(False).cast(pl.Float64),
        is_flag=True,
    )
    for province, area, label in _REGIONS
]

INDICATORS: dict[str, Indicator] = {indicator.code: indicator for indicator in _CATALOGUE}
INDICATOR_CODES: tuple[str, ...] = tuple(INDICATORS)


def indicator_label(code: str) -> str:
    """The label people read; an indicator that left the catalogue keeps its code."""
    indicator = INDICATORS.get(code)
    return str(indicator.label) if indicator else code


def indicator_frame(traits: pl.DataFrame, codes: tuple[str, ...] | list[str]) -> pl.DataFrame:
    """The values of the indicators `codes` for each household of `traits`, one column per code."""
    return traits.select([INDICATORS[code].expr.alias(code) for code in codes])


def indicator_matrix(traits: pl.DataFrame, codes: tuple[str, ...] | list[str]) -> np.ndarray:
    """`indicator_frame` as a float64 matrix (households × indicators), for scoring and fitting."""
    if not codes:
        return np.zeros((traits.height, 0))
    return indicator_frame(traits, codes).to_numpy().astype(np.float64, copy=False)
