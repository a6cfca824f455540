"""Where synthetic households live, and how well off each place is.

The districts and tehsils come from the geography files the platform ships (`ehsaas/core/data`), or
from a directory given by the caller (tests pass a small one). On top of them this module lays the
few facts the generator needs per district: a share of the population (a weight per province, larger
for the big cities), a share of urban households, and a welfare offset on the log of per-capita
consumption. The offsets follow the public poverty maps of Pakistan in broad strokes: much of
Balochistan, south Punjab, rural Sindh and the former tribal districts are poorer; Islamabad, Lahore,
Karachi and the northern Punjab cities richer. They are illustrative, not estimates.
"""

import csv
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ehsaas.core.geography import GeographyDataError, geography_rows

# Population in millions (2023 census; Gilgit-Baltistan and Azad Kashmir are official estimates).
PROVINCE_POPULATION = {
    "PK-PB": 127.7, "PK-SD": 55.7, "PK-KP": 40.9, "PK-BA": 14.9,
    "PK-IS": 2.4, "PK-GB": 1.8, "PK-JK": 4.2,
}  # fmt: skip
# Urban share of households outside the big cities named below.
PROVINCE_URBAN = {
    "PK-PB": 0.33, "PK-SD": 0.25, "PK-KP": 0.13, "PK-BA": 0.25,
    "PK-IS": 0.47, "PK-GB": 0.18, "PK-JK": 0.15,
}  # fmt: skip
# Offset on log per-capita consumption, before the district's own adjustment.
PROVINCE_WELFARE = {
    "PK-PB": 0.0, "PK-SD": -0.04, "PK-KP": -0.05, "PK-BA": -0.2,
    "PK-IS": 0.45, "PK-GB": -0.03, "PK-JK": 0.05,
}  # fmt: skip
# The first digit of a CNIC issued in each province (NADRA's scheme).
PROVINCE_CNIC_DIGIT = {
    "PK-KP": 1, "PK-PB": 3, "PK-SD": 4, "PK-BA": 5, "PK-IS": 6, "PK-GB": 7, "PK-JK": 8,
}  # fmt: skip
# Provinces in a fixed order; name pools and a few traits are kept per province index.
PROVINCES = ("PK-PB", "PK-SD", "PK-KP", "PK-BA", "PK-IS", "PK-GB", "PK-JK")
COLD_PROVINCES = ("PK-KP", "PK-GB", "PK-JK")

# Districts matched by a fragment of their English name (the longest matching fragment wins):
# (welfare offset, population multiplier, urban share or None for the province's).
DISTRICT_FACTS: dict[str, tuple[float, float, float | None]] = {
    # richer cities
    "islamabad": (0.0, 1.0, 0.5), "lahore": (0.3, 4.0, 0.88), "karachi": (0.25, 1.6, 0.97),
    "korangi": (0.15, 1.6, 0.95), "malir": (0.05, 1.2, 0.6), "keamari": (0.08, 1.0, 0.8),
    "rawalpindi": (0.22, 1.7, 0.55), "sialkot": (0.15, 1.2, 0.32), "gujranwala": (0.1, 1.8, 0.55),
    "gujrat": (0.15, 1.1, 0.3), "jhelum": (0.15, 0.6, 0.35), "chakwal": (0.1, 0.7, 0.2),
    "faisalabad": (0.1, 2.6, 0.48), "multan": (0.05, 1.4, 0.45), "peshawar": (0.12, 3.0, 0.45),
    "abbottabad": (0.12, 0.9, 0.2), "quetta": (0.22, 5.0, 0.6), "hyderabad": (0.08, 1.6, 0.7),
    "mirpur": (0.15, 1.0, 0.25), "gilgit": (0.1, 1.0, 0.35), "hunza": (0.1, 0.3, 0.1),
    # south Punjab
    "rajanpur": (-0.35, 1.0, None), "dera ghazi khan": (-0.28, 1.0, None), "taunsa": (-0.3, 0.6, None),
    "muzaffargarh": (-0.3, 1.3, None), "kot addu": (-0.25, 0.6, None), "layyah": (-0.2, 0.8, None),
    "bhakkar": (-0.18, 0.8, None), "lodhran": (-0.2, 0.7, None), "bahawalpur": (-0.15, 1.1, None),
    "bahawalnagar": (-0.18, 1.0, None), "rahim yar khan": (-0.18, 1.4, None),
    "vehari": (-0.12, 1.0, None), "pakpattan": (-0.12, 0.8, None), "khanewal": (-0.1, 1.0, None),
    # rural Sindh
    "tharparkar": (-0.42, 0.9, 0.06), "umerkot": (-0.3, 0.6, 0.15), "sanghar": (-0.2, 1.0, None),
    "badin": (-0.25, 0.9, None), "thatta": (-0.25, 0.6, None), "sujawal": (-0.3, 0.5, 0.1),
    "kashmore": (-0.3, 0.7, None), "jacobabad": (-0.3, 0.6, None), "kambar": (-0.28, 0.8, None),
    "qambar": (-0.28, 0.8, None), "shikarpur": (-0.25, 0.7, None), "tando muhammad khan": (-0.22, 0.4, None),
    "jamshoro": (-0.1, 0.6, None), "mirpur khas": (-0.15, 0.8, None), "tando allahyar": (-0.15, 0.5, None),
    "ghotki": (-0.15, 0.9, None), "dadu": (-0.2, 0.9, None), "larkana": (-0.1, 1.0, None),
    "khairpur": (-0.12, 1.2, None), "matiari": (-0.12, 0.5, None),
    # Balochistan
    "awaran": (-0.3, 0.3, 0.05), "washuk": (-0.3, 0.3, 0.05), "kohlu": (-0.3, 0.4, 0.05),
    "dera bugti": (-0.3, 0.5, None), "kharan": (-0.2, 0.4, None), "jhal magsi": (-0.25, 0.4, None),
    "barkhan": (-0.25, 0.4, None), "sherani": (-0.25, 0.3, None), "musakhel": (-0.25, 0.4, None),
    "zhob": (-0.15, 0.6, None), "killa abdullah": (-0.15, 1.2, None), "chagai": (-0.15, 0.5, None),
    "naseerabad": (-0.2, 0.9, None), "nasirabad": (-0.2, 0.9, None), "jaffarabad": (-0.15, 0.9, None), "sohbatpur": (-0.2, 0.5, None),
    "kachhi": (-0.2, 0.6, None), "panjgur": (-0.15, 0.6, None), "lasbela": (0.0, 1.0, None),
    "hub": (0.05, 0.9, 0.5), "gwadar": (0.0, 0.6, 0.5),
    # the former tribal districts and the poorest of Hazara
    "bajaur": (-0.3, 0.6, 0.03), "mohmand": (-0.3, 0.4, 0.03), "khyber": (-0.2, 0.6, 0.05),
    "kurram": (-0.2, 0.4, 0.05), "orakzai": (-0.3, 0.3, 0.03), "waziristan": (-0.35, 0.4, 0.03),
    "kohistan": (-0.4, 0.4, 0.03), "kolai": (-0.35, 0.3, 0.03), "torghar": (-0.35, 0.3, 0.03),
    "shangla": (-0.3, 0.5, 0.03), "battagram": (-0.25, 0.5, 0.05), "tank": (-0.2, 0.3, None),
    "lakki marwat": (-0.15, 0.6, None), "dera ismail khan": (-0.1, 1.1, None), "allai": (-0.3, 0.3, 0.03),
    # the poorest valleys of Gilgit-Baltistan; Azad Kashmir's Jhelum Valley is not the Punjab district
    "diamer": (-0.15, 1.0, None), "darel": (-0.15, 0.6, None), "tangir": (-0.15, 0.6, None),
    "jhelum valley": (-0.05, 1.0, None),
}  # fmt: skip


@dataclass(frozen=True)
class Geography:
    """Districts as parallel arrays (index = district number), with their tehsils."""

    province: list[str]
    province_index: np.ndarray
    name_en: list[str]
    name_ur: list[str]
    latitude: np.ndarray
    longitude: np.ndarray
    weight: np.ndarray
    urban_share: np.ndarray
    welfare: np.ndarray
    cnic_digit: np.ndarray
    tehsil_start: np.ndarray
    tehsil_count: np.ndarray
    tehsil_en: list[str]

    @property
    def size(self) -> int:
        return len(self.name_en)


class GeographyMissing(FileNotFoundError):
    """Raised when there are no districts to place households in."""


def _rows(kind: str, data_dir: Path | None) -> list[dict[str, str]]:
    """The shipped file, or the file of that name in `data_dir` (same columns)."""
    if data_dir is None:
        try:
            return geography_rows(kind)
        except GeographyDataError as error:
            raise GeographyMissing(str(error)) from error
    path = data_dir / f"{kind}.csv"
    if not path.exists():
        raise GeographyMissing(f"{path}: no such file")
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _facts(name_en: str) -> tuple[float, float, float | None]:
    name = name_en.lower()
    matches = [key for key in DISTRICT_FACTS if key in name]
    return DISTRICT_FACTS[max(matches, key=len)] if matches else (0.0, 1.0, None)


def _float(text: str | None) -> float:
    try:
        return float(text) if text not in (None, "") else np.nan
    except ValueError:
        return np.nan


def load_geography(data_dir: Path | None = None) -> Geography:
    """Read the districts and tehsils and derive each district's weight, urban share and welfare."""
    districts = sorted(_rows("districts", data_dir), key=lambda row: row["code"])
    districts = [row for row in districts if row["province_code"] in PROVINCE_POPULATION]
    if not districts:
        raise GeographyMissing("the geography data lists no districts of a known province")
    tehsils_by_district: dict[str, list[str]] = {}
    for row in sorted(_rows("tehsils", data_dir), key=lambda row: row["code"]):
        tehsils_by_district.setdefault(row["district_code"], []).append(row["name_en"])

    per_province: dict[str, int] = {}
    for row in districts:
        per_province[row["province_code"]] = per_province.get(row["province_code"], 0) + 1

    weight, urban, welfare, tehsil_start, tehsil_count, tehsil_en = [], [], [], [], [], []
    for row in districts:
        province = row["province_code"]
        offset, multiplier, urban_share = _facts(row["name_en"])
        # A small, stable, district-specific nudge so that districts without named facts still differ.
        nudge = (zlib.crc32(row["code"].encode()) / 2**32 - 0.5) * 0.16
        welfare.append(PROVINCE_WELFARE[province] + offset + nudge)
        weight.append(PROVINCE_POPULATION[province] / per_province[province] * multiplier)
        if urban_share is None:
            urban_share = PROVINCE_URBAN[province] * float(np.exp(1.5 * min(offset, 0.0)))
        urban.append(urban_share)
        names = tehsils_by_district.get(row["code"], [])
        tehsil_start.append(len(tehsil_en))
        tehsil_count.append(len(names))
        tehsil_en.extend(names)

    weights = np.array(weight)
    return Geography(
        province=[row["province_code"] for row in districts],
        province_index=np.array([PROVINCES.index(row["province_code"]) for row in districts]),
        name_en=[row["name_en"] for row in districts],
        name_ur=[row.get("name_ur") or row["name_en"] for row in districts],
        latitude=np.array([_float(row.get("latitude")) for row in districts]),
        longitude=np.array([_float(row.get("longitude")) for row in districts]),
        weight=weights / weights.sum(),
        urban_share=np.clip(np.array(urban), 0.02, 0.98),
        welfare=np.array(welfare),
        cnic_digit=np.array([PROVINCE_CNIC_DIGIT[row["province_code"]] for row in districts]),
        tehsil_start=np.array(tehsil_start, dtype=np.int64),
        tehsil_count=np.array(tehsil_count, dtype=np.int64),
        tehsil_en=tehsil_en,
    )
