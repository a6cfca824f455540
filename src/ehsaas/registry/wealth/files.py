"""Reading a list file into the staging table, refused whole when it is not usable."""

import io
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
from django.db import connection
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from ehsaas.core.line_files import FileRefused, canonical, decoded, header_of
from ehsaas.core.progress import NoProgress, Progress
from ehsaas.registry.models import WealthList

BATCH_ROWS = 200_000
SHOWN_PROBLEMS = 5  # malformed CNICs named in the refusal; the rest are counted
MSG_NO_FILE = gettext_lazy("%(file)s: no such file")
MSG_NOT_UTF8 = gettext_lazy("%(file)s: not UTF-8 text; save it as CSV UTF-8 and try again")
MSG_NOT_CSV = gettext_lazy("%(file)s: not a well-formed CSV file (%(error)s)")
MSG_NO_CNIC_COLUMN = gettext_lazy(
    "%(file)s has no cnic column (its columns are: %(columns)s). Nothing was imported."
)
MSG_EMPTY = gettext_lazy("%(file)s has no lines under its header. Nothing was imported.")
MSG_CNIC_RULE = gettext_lazy(
    "A CNIC is 13 digits, written NNNNN-NNNNNNN-N (dashes optional). Nothing was imported."
)


class WealthListRefused(FileRefused):
    """The list cannot be imported as it is; nothing was written. The message says why and where (a
    list's bad lines are counted in it, not listed: a list may have millions)."""


@dataclass
class ListRead:
    """What reading a list file found: its good lines are in the staging table."""

    lines: int = 0
    bad_lines: int = 0
    bad_examples: list[tuple[int, str]] = field(default_factory=list)


def _header(path: Path, label: str) -> list[str]:
    if not path.is_file():
        raise WealthListRefused(MSG_NO_FILE % {"file": label})
    with path.open("rb") as handle:
        first_line = handle.readline(64 * 1024)
    return header_of(decoded(first_line, label=label, refused=WealthListRefused, message=MSG_NOT_UTF8), {})


def _bad_cnics_message(label: str, read: ListRead) -> str:
    lines = ", ".join(
        _("line %(line)s «%(value)s»") % {"line": line, "value": value} for line, value in read.bad_examples
    )
    more = read.bad_lines - len(read.bad_examples)
    if more:
        lines += ngettext(" and %(more)s more", " and %(more)s more", more) % {"more": more}
    text = ngettext(
        "%(file)s: %(count)s line has a malformed CNIC: %(lines)s.",
        "%(file)s: %(count)s lines have a malformed CNIC: %(lines)s.",
        read.bad_lines,
    ) % {"file": label, "count": read.bad_lines, "lines": lines}
    return f"{text} {MSG_CNIC_RULE}"


def wealth_file_stage(path: Path, *, label: str, progress: Progress | None = None) -> ListRead:
    """Read a list file in batches into the staging table `wealth_stage` (cnic, name, detail), checking
    every CNIC. Raises WealthListRefused for a file without a cnic column, or with malformed CNICs (the
    first few named with their line numbers and values, the rest counted)."""
    progress = progress or NoProgress()
    header = _header(Path(path), label)
    if "cnic" not in header:
        raise WealthListRefused(MSG_NO_CNIC_COLUMN % {"file": label, "columns": ", ".join(header) or "—"})
    progress.start(_count_lines(Path(path)), _("Reading the list"), unit="lines")
    _create_stage()
    read = ListRead()
    frame = pl.scan_csv(
        path, infer_schema=False, row_index_name="_line", row_index_offset=2, raise_if_empty=False
    )
    frame = frame.rename(lambda name: canonical(name, {}))
    wanted = [name for name in ("cnic", "name", "detail") if name in header]
    try:
        for batch in frame.select("_line", *wanted).collect_batches(chunk_size=BATCH_ROWS):
            _stage_batch(batch, read)
            progress.advance(batch.height)
    except pl.exceptions.PolarsError as error:
        raise WealthListRefused(MSG_NOT_CSV % {"file": label, "error": error}) from error
    progress.close()
    if read.bad_lines:
        raise WealthListRefused(_bad_cnics_message(label, read))
    if not read.lines:
        raise WealthListRefused(MSG_EMPTY % {"file": label})
    return read


def _count_lines(path: Path) -> int:
    with path.open("rb") as handle:
        lines = sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b""))
    return max(0, lines - 1)


def _stage_batch(batch: pl.DataFrame, read: ListRead) -> None:
    raw = pl.col("cnic").fill_null("").str.strip_chars()
    digits = raw.str.replace_all(r"[\s\-]", "")
    checked = batch.with_columns(
        raw.alias("_raw"),
        digits.alias("cnic"),
        (digits.str.contains(r"^\d{13}$") & (digits != "0" * 13)).alias("_ok"),
    )
    bad = checked.filter(~pl.col("_ok"))
    read.lines += batch.height
    if bad.height:
        read.bad_lines += bad.height
        room = SHOWN_PROBLEMS - len(read.bad_examples)
        if room > 0:
            read.bad_examples += bad.head(room).select("_line", "_raw").rows()
        return
    if read.bad_lines:  # the file is refused whatever follows; only the count goes on
        return
    good = checked.select(
        "cnic",
        (pl.col("name") if "name" in batch.columns else pl.lit(""))
        .fill_null("")
        .str.strip_chars()
        .str.slice(0, 150)
        .alias("name"),
        (pl.col("detail") if "detail" in batch.columns else pl.lit(""))
        .fill_null("")
        .str.strip_chars()
        .str.slice(0, 300)
        .alias("detail"),
    )
    _copy(good)


def _create_stage() -> None:
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS wealth_stage")
        cursor.execute("CREATE TEMPORARY TABLE wealth_stage (cnic text, name text, detail text)")


def wealth_stage_drop() -> None:
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS wealth_stage")


def _copy(frame: pl.DataFrame) -> None:
    """COPY on PostgreSQL (as fast as the database takes rows); executemany on SQLite."""
    if connection.vendor == "postgresql":
        buffer = io.BytesIO()
        frame.write_csv(buffer, include_header=False)
        with (
            connection.connection.cursor() as cursor,
            cursor.copy("COPY wealth_stage (cnic, name, detail) FROM STDIN WITH (FORMAT csv)") as copy,
        ):
            copy.write(buffer.getbuffer())
        return
    with connection.cursor() as cursor:
        cursor.executemany("INSERT INTO wealth_stage (cnic, name, detail) VALUES (%s, %s, %s)", frame.rows())


def wealth_entries_write(wealth_list: WealthList) -> int:
    """The staged lines as the list's entries, each CNIC once. Returns the number of distinct CNICs."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO registry_wealthlistentry (wealth_list_id, cnic, name, detail) "
            "SELECT %s, cnic, MAX(name), MAX(detail) FROM wealth_stage GROUP BY cnic",
            [wealth_list.pk],
        )
        return cursor.rowcount
