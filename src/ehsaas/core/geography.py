"""Pakistan's geography, shipped as data in `core/data/*.csv` and loaded into the Province, Division,
District and Tehsil tables.

`geography_load` upserts every file by `code`: a new code is created, a changed name (or district
position) is updated, an unchanged row is left alone, so loading twice changes nothing. Rows are never
deleted: households, staff scopes and reports point at districts, and a code, once issued, keeps its
meaning. The loader is set-based (one read and at most one bulk insert and one bulk update per table)
and works with the historical models of a migration as well as with the real ones.
"""

import csv
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.apps import apps as global_apps
from django.db import DEFAULT_DB_ALIAS, transaction

DATA_DIR = Path(__file__).resolve().parent / "data"

# The columns each file must have, in the order the files are loaded (parents before children).
COLUMNS: dict[str, tuple[str, ...]] = {
    "provinces": ("code", "name_en", "name_ur"),
    "divisions": ("code", "province_code", "name_en", "name_ur"),
    "districts": ("code", "province_code", "division_code", "name_en", "name_ur", "latitude", "longitude"),
    "tehsils": ("code", "district_code", "name_en", "name_ur"),
}
CODE_MAX_LENGTH = 16
NAME_MAX_LENGTH = 100


class GeographyDataError(ValueError):
    """A data file is missing, lacks a column, or has a row that cannot be loaded. The message names
    the file, the line and what is wrong."""


@dataclass(frozen=True)
class _Table:
    model: str
    fields: tuple[str, ...]  # the model fields the loader writes, besides `code`


_TABLES = {
    "provinces": _Table("Province", ("name_en", "name_ur")),
    "divisions": _Table("Division", ("province_id", "name_en", "name_ur")),
    "districts": _Table(
        "District", ("province_id", "division_id", "name_en", "name_ur", "latitude", "longitude")
    ),
    "tehsils": _Table("Tehsil", ("district_id", "name_en", "name_ur")),
}


def geography_rows(name: str) -> list[dict[str, str]]:
    """The rows of one data file (`provinces`, `divisions`, `districts` or `tehsils`), in file order,
    as dicts of stripped strings keyed by column."""
    if name not in COLUMNS:
        raise GeographyDataError(f"unknown geography file {name!r}; expected one of {', '.join(COLUMNS)}")
    path = DATA_DIR / f"{name}.csv"
    try:
        handle = path.open(encoding="utf-8", newline="")
    except FileNotFoundError as error:
        raise GeographyDataError(f"{path}: the file is missing") from error
    with handle:
        reader = csv.DictReader(handle)
        missing = [column for column in COLUMNS[name] if column not in (reader.fieldnames or [])]
        if missing:
            raise GeographyDataError(f"{path.name}: missing column(s) {', '.join(missing)}")
        return [{column: (row.get(column) or "").strip() for column in COLUMNS[name]} for row in reader]


def geography_load(*, apps=None, using: str = DEFAULT_DB_ALIAS) -> dict[str, int]:
    """Load (or refresh) the geography from the data files. `apps` is a migration's app registry;
    without it the installed models are used. Returns the number of rows in each file and how many
    records were created and updated."""
    registry = apps or global_apps
    counts = {"created": 0, "updated": 0}
    ids: dict[str, dict[str, int]] = {}
    with transaction.atomic(using=using):
        for name, table in _TABLES.items():
            model = registry.get_model("core", table.model)
            rows = geography_rows(name)
            values = _values(name, rows, ids)
            created, updated, ids[name] = _upsert(model, values, table.fields, using)
            counts[name] = len(rows)
            counts["created"] += created
            counts["updated"] += updated
    return counts


def _values(name: str, rows: list[dict[str, str]], ids: dict[str, dict[str, int]]) -> dict[str, dict]:
    """Check each row and turn it into the field values of its record, keyed by code."""
    values: dict[str, dict] = {}
    # The files hold no quoted line breaks, so row n (from 0) is on line n + 2, after the header.
    for number, row in enumerate(rows, start=2):
        where = f"{name}.csv line {number}"
        code = row["code"]
        if not code or len(code) > CODE_MAX_LENGTH:
            raise GeographyDataError(f"{where}: the code must have 1 to {CODE_MAX_LENGTH} characters")
        if code in values:
            raise GeographyDataError(f"{where}: the code {code} appears twice")
        for column in ("name_en", "name_ur"):
            if not row[column] or len(row[column]) > NAME_MAX_LENGTH:
                raise GeographyDataError(f"{where}: {column} must have 1 to {NAME_MAX_LENGTH} characters")
        record = {"name_en": row["name_en"], "name_ur": row["name_ur"]}
        if name == "divisions":
            record["province_id"] = _parent(ids, "provinces", row["province_code"], where)
        elif name == "districts":
            record["province_id"] = _parent(ids, "provinces", row["province_code"], where)
            record["division_id"] = _parent(ids, "divisions", row["division_code"], where)
            record["latitude"] = _coordinate(row["latitude"], "latitude", 90, where)
            record["longitude"] = _coordinate(row["longitude"], "longitude", 180, where)
        elif name == "tehsils":
            record["district_id"] = _parent(ids, "districts", row["district_code"], where)
        values[code] = record
    return values


def _parent(ids: dict[str, dict[str, int]], table: str, code: str, where: str) -> int:
    try:
        return ids[table][code]
    except KeyError:
        raise GeographyDataError(f"{where}: no {table[:-1]} has the code {code!r}") from None


def _coordinate(text: str, column: str, limit: int, where: str) -> Decimal | None:
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise GeographyDataError(f"{where}: {column} {text!r} is not a number") from None
    if not -limit <= value <= limit or value.as_tuple().exponent < -5:
        raise GeographyDataError(f"{where}: {column} {text} must lie within ±{limit} with at most 5 decimals")
    return value


def _upsert(model, values: dict[str, dict], fields: tuple[str, ...], using: str) -> tuple[int, int, dict]:
    """Create the codes not yet in the table and update those whose fields differ. Returns the
    number created, the number updated and the id of every code in the table."""
    existing = {obj.code: obj for obj in model.objects.using(using).only("id", "code", *fields)}
    to_create, to_update = [], []
    for code, record in values.items():
        obj = existing.get(code)
        if obj is None:
            to_create.append(model(code=code, **record))
            continue
        changed = False
        for field, value in record.items():
            if getattr(obj, field) != value:
                setattr(obj, field, value)
                changed = True
        if changed:
            to_update.append(obj)
    if to_create:
        model.objects.using(using).bulk_create(to_create, batch_size=500)
    if to_update:
        model.objects.using(using).bulk_update(to_update, list(fields), batch_size=500)
    # bulk_create does not return ids on every database (SQLite before 3.35, MySQL), so read them back.
    ids = (
        dict(model.objects.using(using).values_list("code", "id"))
        if to_create
        else {code: obj.pk for code, obj in existing.items()}
    )
    return len(to_create), len(to_update), ids
