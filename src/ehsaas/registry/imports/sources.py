"""Opening survey files: CSV, or the two sheets of an XLSX workbook, streamed in batches.

A file that cannot be read as a whole (not UTF-8, not CSV or XLSX, required columns missing, rows that do
not fit the header) is *unusable*: the import stops before writing anything and says why.
"""

import csv
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import polars as pl
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

# A batch is the whole records in about this many bytes of the file (some 40,000 households or 70,000
# members). The file is read one batch ahead of validation, never more, so memory stays flat whatever
# the file's size.
BATCH_BYTES = 8 << 20


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
        """Every row as text (validation is ours), with `_line`: the row's line number in the file. The
        next batch is read while the caller validates this one: one batch ahead, never more."""
        line = 2
        blocks = _record_blocks(self.path)
        try:
            with ThreadPoolExecutor(max_workers=1, thread_name_prefix="import-reader") as reader:
                upcoming = reader.submit(_next_batch, blocks)
                while (batch := upcoming.result()) is not None:
                    upcoming = reader.submit(_next_batch, blocks)
                    yield batch.with_row_index("_line", offset=line).rename(_clean_header)
                    line += batch.height
        except pl.exceptions.PolarsError as error:
            raise UnusableFile(_describe_csv_fault(self, error)) from error


def _next_batch(blocks: Iterator[tuple[bytes, bytes]]) -> pl.DataFrame | None:
    block = next(blocks, None)
    if block is None:
        return None
    header, records = block
    return pl.read_csv(header + records, infer_schema=False, encoding="utf8", raise_if_empty=False)


def _record_blocks(path: Path) -> Iterator[tuple[bytes, bytes]]:
    """(the header line, a block of whole records) for every block of about BATCH_BYTES of the file.

    polars' own streaming reader reads ahead of its consumer without bound (hundreds of MB for a large
    file when validation is the slower side); cutting the file here keeps one block in hand at a time.
    """
    with path.open("rb") as handle:
        pending, header_end = b"", 0
        while not header_end and (more := handle.read(BATCH_BYTES)):
            pending += more
            header_end = _first_record_end(pending)
        if not header_end:  # the header alone, with no newline after it: no rows
            return
        header, pending = pending[:header_end], pending[header_end:]
        for more in iter(lambda: handle.read(BATCH_BYTES), b""):
            cut = _whole_records_end(pending)
            if cut:
                yield header, pending[:cut]
                pending = pending[cut:]
            pending += more
        if pending.strip():
            yield header, pending


def _first_record_end(block: bytes) -> int:
    """Where the first record of `block` ends (0 if it does not end in the block)."""
    start = 0
    while (newline := block.find(b"\n", start)) >= 0:
        # A newline ends a record when it lies outside quotes: after an even number of quote characters
        # (a quote inside a quoted field is written twice, so the count stays even).
        if block.count(b'"', 0, newline) % 2 == 0:
            return newline + 1
        start = newline + 1
    return 0


def _whole_records_end(block: bytes) -> int:
    """Where the last whole record of `block` ends (0 if no record ends in the block)."""
    quotes, end = block.count(b'"'), len(block)
    while (newline := block.rfind(b"\n", 0, end)) >= 0:
        quotes -= block.count(b'"', newline, end)
        if quotes % 2 == 0:
            return newline + 1
        end = newline
    return 0


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
