"""Opening survey files: CSV, or the two sheets of an XLSX workbook, streamed in batches.

A file that cannot be read as a whole (not UTF-8, not CSV or XLSX, required columns missing, rows that do
not fit the header) is *unusable*: the import stops before writing anything and says why.
"""

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import polars as pl
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

BATCH_ROWS = 50_000


class UnusableFile(Exception):
    """The file itself cannot be imported; nothing was written. The message says what is wrong."""


@dataclass(frozen=True)
class Source:
    """One table to import: a CSV file on disk, and the name the report uses for it."""

    path: Path
    label: str
    columns: tuple[str, ...]

    def count_rows(self) -> int:
        with self.path.open("rb") as handle:
            lines = sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b""))
        return max(0, lines - 1)

    def batches(self) -> Iterator[pl.DataFrame]:
        """Every row as text (validation is ours), with `_line`: the row's line number in the file."""
        frame = pl.scan_csv(
            self.path,
            infer_schema=False,
            row_index_name="_line",
            row_index_offset=2,
            encoding="utf8",
            raise_if_empty=False,
        )
        try:
            for batch in frame.collect_batches(chunk_size=BATCH_ROWS):
                yield batch.rename(_clean_header)
        except pl.exceptions.PolarsError as error:
            raise UnusableFile(_describe_csv_fault(self, error)) from error


def open_sources(households: Path, members: Path | None, *, household_columns, member_columns, workdir: Path):
    """Return (households Source, members Source). An XLSX workbook given as `households` with no
    separate members file supplies both, from sheets named households and members (or its first two)."""
    households, members = Path(households), Path(members) if members else None
    if _is_xlsx(households):
        sheets = _xlsx_to_csv(households, workdir)
        if members is None or members == households:
            return (
                _checked(sheets[0], household_columns, f"{households.name} [{sheets[0].stem}]"),
                _checked(sheets[1], member_columns, f"{households.name} [{sheets[1].stem}]"),
            )
        households = sheets[0]
    if members is None:
        raise UnusableFile(
            _("a members file is needed unless the households file is a workbook with both sheets")
        )
    if _is_xlsx(members):
        members = _xlsx_to_csv(members, workdir)[-1]
    return (
        _checked(households, household_columns, households.name),
        _checked(members, member_columns, members.name),
    )


def _clean_header(name: str) -> str:
    return name.strip().lstrip("\ufeff").strip().lower()


def _is_xlsx(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(4) == b"PK\x03\x04"


def _checked(path: Path, columns: tuple[str, ...], label: str) -> Source:
    if not path.is_file():
        raise UnusableFile(_("%(file)s: no such file") % {"file": path})
    with path.open("rb") as handle:
        head = handle.read(64 * 1024)
    if b"\x00" in head:
        raise UnusableFile(_("%(file)s: not a CSV or XLSX file") % {"file": label})
    first_line = head.split(b"\n", 1)[0]
    try:
        header_text = first_line.decode("utf-8")
    except UnicodeDecodeError:
        raise UnusableFile(
            _("%(file)s: not UTF-8 text; save it as CSV UTF-8 and try again") % {"file": label}
        ) from None
    header = [_clean_header(name) for name in next(csv.reader([header_text]), [])]
    missing = [column for column in columns if column not in header]
    if missing:
        raise UnusableFile(
            _("%(file)s: required columns are missing: %(columns)s")
            % {"file": label, "columns": ", ".join(missing)}
        )
    duplicated = sorted({name for name in header if header.count(name) > 1})
    if duplicated:
        raise UnusableFile(
            _("%(file)s: columns appear twice: %(columns)s")
            % {"file": label, "columns": ", ".join(duplicated)}
        )
    return Source(path=path, label=label, columns=tuple(header))


def _describe_csv_fault(source: Source, error: Exception) -> str:
    """polars says what went wrong but not where; find the first faulty line with the csv module."""
    width = len(source.columns)
    with source.path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                return _("%(file)s line %(line)s: not UTF-8 text; save the file as CSV UTF-8") % {
                    "file": source.label,
                    "line": number,
                }
            fields = next(csv.reader([text]), [])
            if number > 1 and fields and len(fields) != width:
                return _("%(file)s line %(line)s: %(found)s fields where the header has %(width)s") % {
                    "file": source.label,
                    "line": number,
                    "found": len(fields),
                    "width": width,
                }
    return _("%(file)s: not a well-formed CSV file (%(error)s)") % {"file": source.label, "error": error}


def _xlsx_to_csv(path: Path, workdir: Path) -> list[Path]:
    """Stream each sheet of a workbook to a CSV file (read-only mode keeps memory flat)."""
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, KeyError, OSError, ValueError) as error:
        raise UnusableFile(
            _("%(file)s: not a readable XLSX workbook (%(error)s)") % {"file": path.name, "error": error}
        ) from error
    try:
        names = {name.strip().lower(): name for name in workbook.sheetnames}
        chosen = [names.get("households"), names.get("members")]
        if None in chosen:
            if len(workbook.sheetnames) < 2:
                raise UnusableFile(
                    _("%(file)s: the workbook needs two sheets, households and members") % {"file": path.name}
                )
            chosen = workbook.sheetnames[:2]
        outputs = []
        for index, sheet_name in enumerate(chosen):
            target = workdir / f"sheet{index}-{sheet_name.strip().lower()}.csv"
            with target.open("w", newline="", encoding="utf-8") as out:
                writer = csv.writer(out)
                for row in workbook[sheet_name].iter_rows(values_only=True):
                    writer.writerow(["" if value is None else _cell_text(value) for value in row])
            outputs.append(target)
        return outputs
    finally:
        workbook.close()


def _cell_text(value) -> str:
    if hasattr(value, "date") and hasattr(value, "hour"):
        return value.date().isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
