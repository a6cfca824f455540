"""Survey files for import tests: rows as dicts with sensible defaults, written as CSV in the contract."""

import csv
from pathlib import Path

from ehsaas.registry.imports.contract import HOUSEHOLD_COLUMNS, MEMBER_COLUMNS


def household_row(place, ref: str = "HH1", **values) -> dict:
    row = {column: "no" for column in HOUSEHOLD_COLUMNS}
    row.update(
        household_ref=ref, province=place.province.code, district=place.name_en, tehsil="", area="rural",
        address="Village Chak 12", latitude="", longitude="", survey_date="2024-05-01", enumerator="E17",
        phone="0300-1234567", rooms="2", tenure="owned", walls="kacha", toilet="pit", water="hand_pump",
        cooking_fuel="wood", electricity="yes", cattle="1", buffalo="0", goats="3", sheep="0", land_acres="0.5",
        monthly_consumption="",
    )  # fmt: skip
    row.update(values)
    return row


def member_row(ref: str = "HH1", no: int = 1, **values) -> dict:
    row = {
        "household_ref": ref, "member_no": str(no), "id_type": "cnic", "id_number": f"35202-{no:07d}-{no % 10}",
        "full_name": "Muhammad Ali", "sex": "male", "date_of_birth": "1980-01-01", "relationship": "head",
        "marital_status": "married", "education": "primary", "in_school": "no", "occupation": "daily_wage",
        "disability": "none", "pregnant": "no", "lactating": "no", "phone": "",
    }  # fmt: skip
    row.update(values)
    return row


def family(ref: str, first_id: int) -> list[dict]:
    """A head, his wife and a daughter with a B-form, with ID numbers from `first_id` on."""
    return [
        member_row(ref, 1, id_number=f"35202{first_id:07d}1"),
        member_row(ref, 2, id_number=f"35202{first_id + 1:07d}2", full_name="فاطمہ بی بی", sex="female",
                   relationship="spouse", occupation="homemaker", lactating="yes"),
        member_row(ref, 3, id_type="b_form", id_number=f"35202{first_id + 2:07d}4", full_name="Ayesha",
                   sex="female", date_of_birth="2016-02-03", relationship="daughter", marital_status="never_married",
                   in_school="yes", occupation="student"),
    ]  # fmt: skip


def write_csv(path: Path, rows: list[dict], columns=None) -> Path:
    columns = columns or list(rows[0])
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def write_survey(folder: Path, households: list[dict], members: list[dict]) -> tuple[Path, Path]:
    return (
        write_csv(folder / "households.csv", households, list(HOUSEHOLD_COLUMNS)),
        write_csv(folder / "members.csv", members, list(MEMBER_COLUMNS)),
    )
