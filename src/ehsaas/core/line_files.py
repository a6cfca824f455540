"""The steps every CSV file people send goes through before its own checks: refused unread when too large,
decoded as UTF-8 (with or without the byte-order mark spreadsheets write), its header read with each
column's aliases turned into the one name, its lines numbered where they start. A file with any bad line
is refused whole, every bad line named, and nothing is written.

Each app refuses with its own subclass of FileRefused (its callers catch that name) and may word a
message its own way (a meeting's complaints are "recorded", not "imported"); the wording below is the
one the import files share.
"""

import csv
import io
from dataclasses import dataclass

import polars as pl
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

MSG_NOT_UTF8 = _("%(file)s is not UTF-8 text: save it as “CSV UTF-8” and try again. Nothing was imported.")
MSG_NOT_CSV = _("%(file)s is not a well-formed CSV file (%(error)s). Nothing was imported.")
MSG_MISSING_COLUMNS = _(
    "%(file)s lacks the columns %(missing)s (its columns are: %(columns)s). Nothing was imported."
)
MSG_EMPTY = _("%(file)s has no lines under its header. Nothing was imported.")
MSG_BAD_LINES = _("%(file)s has %(count)s bad lines, listed below. Nothing was imported.")

# A column's names in a file (lower case), by the name the code uses; the first is the one people see.
Columns = dict[str, tuple[str, ...]]


@dataclass(frozen=True)
class LineProblem:
    """One thing wrong on one line of a file (line 1 is the header)."""

    line: int
    column: str
    value: str
    message: str


class FileRefused(Exception):
    """A file that cannot be imported as it is: nothing was written. `problems` lists every bad line."""

    def __init__(self, message: str, problems: list | None = None):
        super().__init__(message)
        self.message = message
        self.problems = problems or []


def upload_bytes(upload, *, limit: int, refused: type[FileRefused], message) -> bytes:
    """An uploaded file's content, refused unread when it is larger than `limit` bytes."""
    if upload.size > limit:
        raise refused(_g(message) % {"file": upload.name})
    return upload.read()


def decoded(data: bytes, *, label: str, refused: type[FileRefused], message=MSG_NOT_UTF8) -> str:
    """The file's text; a leading byte-order mark is dropped."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise refused(_g(message) % {"file": label}) from None


def canonical(name: str, columns: Columns) -> str:
    """The name the code uses for a column a file names `name` (lower case when it has no alias)."""
    name = name.strip().lstrip("\ufeff").strip().lower()
    return next((key for key, aliases in columns.items() if name in aliases), name)


def header_of(first_line: str, columns: Columns) -> list[str]:
    """The column names of a file's first line, each by the name the code uses."""
    return [canonical(name, columns) for name in next(csv.reader([first_line]), [])]


def csv_lines(
    text: str, *, label: str, refused: type[FileRefused], message=MSG_NOT_CSV
) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header's fields as written, and each line that is not blank with its number: the line of
    the file where it starts (a quoted field may span lines; the header is line 1)."""
    reader = csv.reader(io.StringIO(text, newline=""))
    records = []
    try:
        header = next(reader, [])
        start = reader.line_num + 1
        for record in reader:
            if any(field.strip() for field in record):
                records.append((start, record))
            start = reader.line_num + 1
    except csv.Error as error:
        raise refused(_g(message) % {"file": label, "error": error}) from None
    return header, records


def refuse_missing_columns(
    header: list[str],
    required,
    *,
    label: str,
    columns: Columns,
    refused: type[FileRefused],
    message=MSG_MISSING_COLUMNS,
) -> None:
    """Refuse a file whose header lacks a required column, naming each by the name people see."""
    missing = [columns.get(name, (name,))[0] for name in required if name not in header]
    if missing:
        raise refused(
            _g(message) % {"file": label, "missing": ", ".join(missing), "columns": ", ".join(header) or "—"}
        )


def refuse_bad_lines(label: str, problems: list[LineProblem], *, refused: type[FileRefused]) -> None:
    """Refuse the file when any line has a problem, listing them all."""
    if problems:
        count = len({problem.line for problem in problems})
        raise refused(_g(MSG_BAD_LINES) % {"file": label, "count": count}, problems)


def refuse_bad_frames(label: str, problems: list[pl.DataFrame], *, refused: type[FileRefused]) -> None:
    """Refuse the file when the frames of problems (`_line`, `column`, `value`, `message`, found by
    checking columns at once) hold any line: one problem per line and column, the first found, in the
    order of the file."""
    bad = (
        pl.concat(problems)
        .unique(["_line", "column"], keep="first", maintain_order=True)
        .sort(["_line", "column"])
    )
    refuse_bad_lines(label, [LineProblem(*row) for row in bad.rows()], refused=refused)
