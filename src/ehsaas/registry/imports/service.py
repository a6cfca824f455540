"""`registry_import`: survey files in, whole households out, every rejected household reported."""

import csv
import json
import logging
import tempfile
import time
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

import polars as pl
from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from ehsaas.core.events import HOUSEHOLDS_CHANGED, publish
from ehsaas.core.models import District, Job, Province, Tehsil
from ehsaas.core.progress import NoProgress, Progress
from ehsaas.registry.imports import contract as k
from ehsaas.registry.imports.bulk_load import bulk_load_wanted, write_in_bulk
from ehsaas.registry.imports.merge import chunk_bounds, write_chunks
from ehsaas.registry.imports.rules import check_cross_row_rules, classify
from ehsaas.registry.imports.sources import open_sources
from ehsaas.registry.imports.staging import (
    Stager,
    close_stage_area,
    index_stage_tables,
    open_stage_area,
)
from ehsaas.registry.imports.validation import Geography, NameKeys, validate_households, validate_members

REPORT_HEADER = ("file", "line", "column", "household_ref", "message")
log = logging.getLogger(__name__)


@contextmanager
def _phase(name: str):
    """Log how long each phase of an import took (LOG_LEVEL=INFO shows it), for tuning at scale."""
    started = time.perf_counter()
    yield
    log.info("registry import: %s took %.1f s", name, time.perf_counter() - started)


@dataclass(frozen=True)
class ImportResult:
    """What an import did. `accepted` = new + updated households; `members` = member rows written."""

    accepted: int
    new: int
    updated: int
    unchanged: int
    rejected: int
    members: int
    problems: int

    def summary(self) -> dict[str, int]:
        return {
            "accepted": self.accepted,
            "rejected": self.rejected,
            "unchanged": self.unchanged,
            "members": self.members,
        }

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def registry_import(
    *,
    households: Path,
    members: Path | None,
    acting_user=None,
    job: Job | None = None,
    progress: Progress | None = None,
    report: Path | None = None,
    chunk_size: int | None = None,
) -> ImportResult:
    """Import a survey's households and members files (CSV, or one XLSX workbook with both sheets).

    Raises `UnusableFile` (nothing written) when a file cannot be read as a whole. Otherwise each
    household is accepted or rejected whole, and the problems of rejected ones are written to `report`.
    """
    progress = progress or NoProgress()
    today = timezone.localdate()
    with tempfile.TemporaryDirectory(prefix="ehsaas-import-") as workdir:
        household_source, member_source = open_sources(
            households,
            members,
            household_columns=k.HOUSEHOLD_REQUIRED,
            member_columns=k.MEMBER_REQUIRED,
            workdir=Path(workdir),
        )
        geography = _geography_lookup()
        area = open_stage_area()
        try:
            progress.start(
                household_source.count_rows() + member_source.count_rows(), _("Reading and checking")
            )
            with _phase("reading and checking the households file"), Stager(area) as stager:
                _read_households(household_source, geography, today, progress, stager)
            with _phase("reading and checking the members file"), Stager(area) as stager:
                _read_members(member_source, today, progress, stager)
            with _phase("indexing the staged rows"):
                index_stage_tables(area)
            with _phase("checking the rules that span rows"):
                check_cross_row_rules(
                    area=area, households_label=household_source.label, members_label=member_source.label
                )
                counts = classify()
            progress.start(counts["new"] + counts["updated"], _("Writing households"), unit="households")
            # "households.csv:148": the history page names the action in the reader's language.
            summary = f"{household_source.label}:"
            changes = json.dumps({"job": job.pk if job else None, "file": household_source.label})
            started, written_since = time.perf_counter(), timezone.now()
            chunk = {
                "area": area,
                "bounds": chunk_bounds(chunk_size or settings.REGISTRY_IMPORT_CHUNK),
                "progress": progress,
                "actor_id": getattr(acting_user, "pk", None),
                "summary": summary,
                "changes_json": changes,
                "resurveyed": counts["updated"] > 0,
            }
            if bulk_load_wanted(new_households=counts["new"]):
                log.info("registry import: bulk-load mode (more new households than the registry holds)")
                written = write_in_bulk(**chunk, rebuilding_message=_("Rebuilding the registry's indexes"))
            else:
                written = write_chunks(**chunk, workers=settings.REGISTRY_IMPORT_WORKERS)
            log.info("registry import: writing households took %.1f s", time.perf_counter() - started)
            problems = _write_report(report) if report else _count_problems()
        finally:
            close_stage_area(area)
            progress.close()
    if counts["new"] + counts["updated"]:
        publish(HOUSEHOLDS_CHANGED, household_ids=None, since=written_since, reason="imported")
    return ImportResult(
        accepted=counts["new"] + counts["updated"],
        rejected=counts["rejected"],
        unchanged=counts["unchanged"],
        members=written,
        new=counts["new"],
        updated=counts["updated"],
        problems=problems,
    )


def _read_households(source, geography: Geography, today, progress: Progress, stager: Stager) -> None:
    for batch in source.batches():
        clean, problems = validate_households(batch, label=source.label, geography=geography, today=today)
        stager.put("stage_household", clean)
        stager.put("stage_problem", problems.rename({"column": "column_name"}))
        progress.advance(batch.height)


def _read_members(source, today, progress: Progress, stager: Stager) -> None:
    name_keys = NameKeys()
    for batch in source.batches():
        clean, problems = validate_members(batch, label=source.label, today=today, name_keys=name_keys)
        stager.put("stage_member", clean)
        stager.put("stage_problem", problems.rename({"column": "column_name"}))
        progress.advance(batch.height)


def _geography_lookup() -> Geography:
    """A code, an English name (any case) or an Urdu name finds a place."""

    def keyed(rows, parent: str | None, id_name: str) -> pl.DataFrame:
        records = [
            {**({parent: row[parent]} if parent else {}), "key": key, id_name: row["id"]}
            for row in rows
            for key in {row["code"].lower(), row["name_en"].lower(), row["name_ur"]}
            if key
        ]
        schema = {**({parent: pl.Int64} if parent else {}), "key": pl.String, id_name: pl.Int64}
        frame = pl.DataFrame(records, schema=schema, orient="row")
        return frame.unique(subset=[c for c in frame.columns if c != id_name], keep="first")

    return Geography(
        provinces=keyed(Province.objects.values("id", "code", "name_en", "name_ur"), None, "province_id"),
        districts=keyed(
            District.objects.values("id", "code", "name_en", "name_ur", "province_id"),
            "province_id",
            "district_id",
        ),
        tehsils=keyed(
            Tehsil.objects.values("id", "code", "name_en", "name_ur", "district_id"),
            "district_id",
            "tehsil_id",
        ),
    )


def _count_problems() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM stage_problem")
        return cursor.fetchone()[0]


def _write_report(path: Path) -> int:
    """Every problem, in file and line order: `file, line, column, household_ref, message`."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with connection.cursor() as cursor, path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(REPORT_HEADER)
        cursor.execute(
            "SELECT file, line, column_name, household_ref, message FROM stage_problem ORDER BY file, line, column_name"
        )
        while rows := cursor.fetchmany(10_000):
            writer.writerows(rows)
            count += len(rows)
    return count
