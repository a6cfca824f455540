"""Writing a synthetic population to `households.csv` and `members.csv`, batch by batch.

Memory stays flat whatever the number of households: one batch is drawn and its rows appended to the
files before the next is drawn. The files are written under a temporary name and
renamed when complete, so that a run that is interrupted never leaves a file that looks finished.
"""

import csv
import os
import time
from dataclasses import dataclass
from pathlib import Path

from ehsaas.registry.population.batch import BATCH_SIZE, HOUSEHOLD_COLUMNS, MEMBER_COLUMNS, draw
from ehsaas.registry.population.geography import load_geography

HOUSEHOLDS_FILE = "households.csv"
MEMBERS_FILE = "members.csv"


@dataclass(frozen=True)
class PopulationSummary:
    households: int
    members: int
    seconds: float
    households_path: Path
    members_path: Path


def generate_population(
    *, households: int, seed: int, out: Path, data_dir: Path | None = None, progress=None
) -> PopulationSummary:
    """Write `households` synthetic households and their members into the directory `out`.

    The same `households` and `seed` give byte-identical files. `data_dir` replaces the shipped
    geography files (districts.csv, tehsils.csv); `progress` is an `ehsaas.core.progress.Progress`.
    """
    if households < 0:
        raise ValueError("the number of households cannot be negative")
    started = time.monotonic()
    geo = load_geography(data_dir)
    out.mkdir(parents=True, exist_ok=True)
    final = (out / HOUSEHOLDS_FILE, out / MEMBERS_FILE)
    partial = tuple(path.with_name(path.name + ".partial") for path in final)
    members = 0
    if progress is not None:
        progress.start(households, "population")
    try:
        with (
            partial[0].open("w", encoding="utf-8", newline="") as household_file,
            partial[1].open("w", encoding="utf-8", newline="") as member_file,
        ):
            household_writer = csv.writer(household_file, lineterminator="\n")
            member_writer = csv.writer(member_file, lineterminator="\n")
            household_writer.writerow(HOUSEHOLD_COLUMNS)
            member_writer.writerow(MEMBER_COLUMNS)
            for number, first in enumerate(range(0, households, BATCH_SIZE)):
                count = min(BATCH_SIZE, households - first)
                household_columns, member_columns = draw(geo, seed, number, first, count)
                household_writer.writerows(zip(*household_columns, strict=True))
                member_writer.writerows(zip(*member_columns, strict=True))
                members += len(member_columns[0])
                if progress is not None:
                    progress.advance(count)
        for source, target in zip(partial, final, strict=True):
            os.replace(source, target)
    finally:
        for path in partial:
            path.unlink(missing_ok=True)
        if progress is not None:
            progress.close()
    return PopulationSummary(households, members, time.monotonic() - started, *final)
