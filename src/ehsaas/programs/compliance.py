"""What schools and health centres send, read and written set-based: a school's attendance file (the
child, the quarter, the attendance %) and a health centre's visits file (the person, the date, what was
done). A file is read in one pass with polars, every line is checked at once and the people it names
are found with one join against the registry. A file with any bad line is refused whole, every bad
line named with its line number, column and what is wrong, and nothing is written; a good file is
written with a few statements, and the same file imported again changes nothing.

A person is named by the number of their B-form or CNIC (`id_number`), or by the household reference
and member number (`household_ref`, `member_no`); when both are given they must name the same person.

    id_number,household_ref,member_no,quarter,attendance
    4210112345673,,,2026-Q3,85
    ,HH-000123,3,2026-Q3,62.5

    id_number,household_ref,member_no,date,kind,centre
    4210112345682,,,2026-08-14,check_up,BHU Malir
    ,HH-000123,4,2026-08-14,growth_check,BHU Malir
"""

from dataclasses import dataclass, field
from datetime import date

import polars as pl
from django.db import connection
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from ehsaas.core.frames import frame_insert, sql_frame
from ehsaas.core.line_files import (
    MSG_EMPTY,
    MSG_NOT_CSV,
    FileRefused,
    LineProblem,
    canonical,
    decoded,
    header_of,
    refuse_bad_frames,
    refuse_missing_columns,
)
from ehsaas.programs.choices import HealthVisitKind
from ehsaas.programs.quarters import MSG_QUARTER_SHAPE, QUARTER_PATTERN, Quarter

# The names a column may have in a file (lower case); the first is the one the pages show.
COLUMNS = {
    "id_number": ("id_number", "b_form", "bform", "b-form", "cnic", "crc", "b_form_or_cnic"),
    "household_ref": ("household_ref", "household", "household_reference"),
    "member_no": ("member_no", "member", "member_number"),
    "quarter": ("quarter",),
    "attendance": ("attendance", "attendance_pct", "attendance_percent", "attendance %", "attendance_%"),
    "date": ("date", "visited_on", "visit_date"),
    "kind": ("kind", "visit", "type"),
    "centre": ("centre", "center", "health_centre", "health_center", "facility"),
}
PERSON_COLUMNS = ("id_number", "household_ref", "member_no")
ATTENDANCE_COLUMNS = ("quarter", "attendance")
VISIT_COLUMNS = ("date", "kind")
# What a centre may write in the kind column.
VISIT_KINDS = {
    "check_up": HealthVisitKind.CHECK_UP, "check-up": HealthVisitKind.CHECK_UP,
    "checkup": HealthVisitKind.CHECK_UP, "health_visit": HealthVisitKind.CHECK_UP,
    "visit": HealthVisitKind.CHECK_UP, "immunisation": HealthVisitKind.IMMUNISATION,
    "immunization": HealthVisitKind.IMMUNISATION, "vaccination": HealthVisitKind.IMMUNISATION,
    "growth_check": HealthVisitKind.GROWTH_CHECK, "growth check": HealthVisitKind.GROWTH_CHECK,
    "growth_check_up": HealthVisitKind.GROWTH_CHECK, "growth": HealthVisitKind.GROWTH_CHECK,
}  # fmt: skip

MSG_NO_PERSON_COLUMN = _(
    "%(file)s names nobody: it needs an id_number column, or household_ref and member_no columns. "
    "Nothing was imported."
)
MSG_ID_SHAPE = _("a B-form or CNIC number is 13 digits, written NNNNN-NNNNNNN-N (dashes optional)")
MSG_NOBODY = _("name the person: a B-form or CNIC number, or a household reference and member number")
MSG_MEMBER_NO = _("a member number is a whole number such as 3")
MSG_NO_HOLDER = _("no one in the registry holds this number")
MSG_NO_MEMBER = _("household %(household)s has no member %(member)s")
MSG_TWO_PEOPLE = _("this number belongs to someone other than member %(member)s of household %(household)s")
MSG_NOT_BEGUN = _("%(quarter)s has not begun yet")
MSG_ATTENDANCE = _("attendance is a number from 0 to 100, e.g. 85 or 72.5")
MSG_REPEATED = _("line %(line)s gives this person another attendance for the same quarter")
MSG_DATE = _("write the date as year-month-day, e.g. 2026-08-14")
MSG_FUTURE = _("this date has not come yet")
MSG_KIND = _("the kind is one of: check_up, immunisation, growth_check")

_PEOPLE_TABLE = "compliance_people"
_ROWS_TABLE = "compliance_rows"


class ComplianceFileRefused(FileRefused):
    """A school's or health centre's file that cannot be imported as it is: nothing was written."""


@dataclass
class ComplianceImport:
    """What importing a file did: its lines, and the records new, changed (attendance corrected) and
    already there."""

    lines: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    problems: list[LineProblem] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"lines": self.lines, "new": self.new, "changed": self.changed, "unchanged": self.unchanged}


def _read(data: bytes, label: str, required: tuple[str, ...]) -> pl.DataFrame:
    """The file's lines as text columns named canonically, with `_line` (the header is line 1)."""
    text = decoded(data, label=label, refused=ComplianceFileRefused)
    header = header_of(text.split("\n", 1)[0], COLUMNS)
    refuse_missing_columns(header, required, label=label, columns=COLUMNS, refused=ComplianceFileRefused)
    if "id_number" not in header and not {"household_ref", "member_no"} <= set(header):
        raise ComplianceFileRefused(_g(MSG_NO_PERSON_COLUMN) % {"file": label})
    try:
        frame = pl.read_csv(
            text.encode("utf-8"), infer_schema=False, raise_if_empty=False, truncate_ragged_lines=True,
            row_index_name="_line", row_index_offset=2,
        )  # fmt: skip
    except pl.exceptions.PolarsError as error:
        raise ComplianceFileRefused(_g(MSG_NOT_CSV) % {"file": label, "error": error}) from error
    renamed: dict[str, str] = {}
    for name in frame.columns[1:]:  # a second column of the same meaning is left out
        if canonical(name, COLUMNS) in COLUMNS and canonical(name, COLUMNS) not in renamed.values():
            renamed[name] = canonical(name, COLUMNS)
    frame = frame.select("_line", *(pl.col(old).alias(new) for old, new in renamed.items()))
    wanted = list(COLUMNS)
    frame = frame.select(
        "_line", *(pl.col(name).str.strip_chars() if name in frame.columns else pl.lit(None, pl.String).alias(name)
                   for name in wanted)
    )  # fmt: skip
    # Blank lines are no lines.
    frame = frame.filter(pl.any_horizontal(pl.col(name).fill_null("") != "" for name in wanted))
    if frame.height == 0:
        raise ComplianceFileRefused(_g(MSG_EMPTY) % {"file": label})
    return frame.with_columns(pl.col("_line").cast(pl.Int64))


def _problems(frame: pl.DataFrame, column: str, message: str, when: pl.Expr) -> pl.DataFrame:
    return frame.filter(when).select(
        "_line", pl.lit(column).alias("column"), pl.col(column).fill_null("").alias("value"),
        pl.lit(str(message)).alias("message"),
    )  # fmt: skip


def _find_people(frame: pl.DataFrame) -> tuple[pl.DataFrame, list[pl.DataFrame]]:
    """Each line with `member_id` (null when the person is not found), and the problems of the lines
    whose person is not well named or not found."""
    digits = pl.col("id_number").fill_null("").str.replace_all(r"[\s\-]", "")
    frame = frame.with_columns(
        digits.alias("_number"),
        pl.col("member_no").cast(pl.Int64, strict=False).alias("_member_no"),
        (pl.col("id_number").fill_null("") != "").alias("_id_given"),
        ((pl.col("household_ref").fill_null("") != "") | (pl.col("member_no").fill_null("") != "")).alias(
            "_ref_given"
        ),
    )
    id_ok = digits.str.contains(r"^\d{13}$") & (digits != "0" * 13)
    member_no_ok = pl.col("_member_no").is_not_null() & (pl.col("_member_no") > 0)
    problems = [
        _problems(frame, "id_number", MSG_ID_SHAPE, pl.col("_id_given") & ~id_ok),
        _problems(frame, "id_number", MSG_NOBODY, ~pl.col("_id_given") & ~pl.col("_ref_given")),
        _problems(frame, "member_no", MSG_MEMBER_NO, pl.col("_ref_given") & ~member_no_ok),
        _problems(
            frame, "household_ref", MSG_NOBODY,
            pl.col("_ref_given") & (pl.col("household_ref").fill_null("") == "") & ~pl.col("_id_given"),
        ),
    ]  # fmt: skip
    frame = frame.with_columns(
        (pl.col("_id_given") & id_ok).alias("_id_ok"),
        (pl.col("_ref_given") & (pl.col("household_ref").fill_null("") != "") & member_no_ok).alias(
            "_ref_ok"
        ),
    )
    people = frame.filter(pl.col("_id_ok") | pl.col("_ref_ok")).select(
        pl.col("_line").alias("line"),
        pl.when("_id_ok").then("_number").alias("number"),
        pl.when("_ref_ok").then("household_ref").alias("household_ref"),
        pl.when("_ref_ok").then("_member_no").alias("member_no"),
    )
    found = _lookup(people)
    frame = frame.join(found, left_on="_line", right_on="line", how="left")
    ref_text = {"household": pl.col("household_ref"), "member": pl.col("_member_no")}
    no_member = _g(MSG_NO_MEMBER).replace("%(household)s", "{}").replace("%(member)s", "{}")
    two_people = _g(MSG_TWO_PEOPLE).replace("%(member)s", "{}").replace("%(household)s", "{}")
    problems += [
        _problems(frame, "id_number", MSG_NO_HOLDER, pl.col("_id_ok") & pl.col("by_number").is_null()),
        frame.filter(pl.col("_ref_ok") & pl.col("by_ref").is_null()).select(
            "_line", pl.lit("household_ref").alias("column"),
            pl.format("{} / {}", "household_ref", "member_no").fill_null("").alias("value"),
            pl.format(no_member, ref_text["household"], ref_text["member"]).alias("message"),
        ),
        frame.filter(
            pl.col("by_number").is_not_null() & pl.col("by_ref").is_not_null()
            & (pl.col("by_number") != pl.col("by_ref"))
        ).select(
            "_line", pl.lit("id_number").alias("column"), pl.col("id_number").fill_null("").alias("value"),
            pl.format(two_people, ref_text["member"], ref_text["household"]).alias("message"),
        ),
    ]  # fmt: skip
    member = (
        pl.when(pl.col("_id_ok") & pl.col("_ref_ok") & (pl.col("by_number") != pl.col("by_ref")))
        .then(None)
        .when(pl.col("_ref_ok") & pl.col("by_ref").is_null())
        .then(None)
        .otherwise(pl.coalesce("by_number", "by_ref"))
    )
    return frame.with_columns(member.alias("member_id")), problems


def _temporary_table(name: str, columns: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {name}")
        cursor.execute(f"CREATE TEMPORARY TABLE {name} ({columns})")


def _drop(name: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {name}")


def _lookup(people: pl.DataFrame) -> pl.DataFrame:
    """(line, by_number, by_ref): the active member holding each line's number, and the active member
    its household reference and member number name; one join against the registry for the whole file."""
    _temporary_table(
        _PEOPLE_TABLE, "line bigint, number varchar(13), household_ref varchar(64), member_no integer"
    )
    frame_insert(_PEOPLE_TABLE, people)
    found = sql_frame(
        f"""SELECT p.line, holder.id AS by_number, named.id AS by_ref
        FROM {_PEOPLE_TABLE} p
        LEFT JOIN registry_identifier i ON i.number = p.number AND i.active
        LEFT JOIN registry_member holder ON holder.id = i.member_id AND holder.status = 'active'
        LEFT JOIN registry_household h ON h.household_ref = p.household_ref
        LEFT JOIN registry_member named ON named.household_id = h.id AND named.member_no = p.member_no
            AND named.status = 'active'""",
        schema={"line": pl.Int64, "by_number": pl.Int64, "by_ref": pl.Int64},
    )
    _drop(_PEOPLE_TABLE)
    return found


def attendance_file_read(data: bytes, *, label: str, today: date) -> pl.DataFrame:
    """A school's file checked line by line at once: (member_id, quarter, attendance), one row for each
    child and quarter; or ComplianceFileRefused with every bad line."""
    frame = _read(data, label, ATTENDANCE_COLUMNS)
    frame, problems = _find_people(frame)
    quarter = pl.col("quarter").fill_null("").str.to_uppercase().str.replace_all(r"\s", "")
    attendance = pl.col("attendance").fill_null("").str.strip_suffix("%").str.strip_chars()
    frame = frame.with_columns(
        quarter.alias("_quarter"), attendance.cast(pl.Float64, strict=False).round(1).alias("_attendance")
    )
    quarter_ok = pl.col("_quarter").str.contains(QUARTER_PATTERN)
    begun = str(Quarter.of(today))
    attendance_ok = pl.col("_attendance").is_between(0, 100) & pl.col("_attendance").is_not_nan()
    problems += [
        _problems(frame, "quarter", MSG_QUARTER_SHAPE, ~quarter_ok),
        frame.filter(quarter_ok & (pl.col("_quarter") > begun)).select(
            "_line", pl.lit("quarter").alias("column"), pl.col("quarter").alias("value"),
            pl.format(_g(MSG_NOT_BEGUN).replace("%(quarter)s", "{}"), "_quarter").alias("message"),
        ),
        _problems(frame, "attendance", MSG_ATTENDANCE, ~attendance_ok.fill_null(False)),
    ]  # fmt: skip
    good = frame.filter(pl.col("member_id").is_not_null() & quarter_ok & attendance_ok.fill_null(False))
    # The same child and quarter twice: the same figure is one line; another figure is a mistake.
    first = good.group_by("member_id", "_quarter").agg(
        pl.col("_line").min().alias("_first"), pl.col("_attendance").n_unique().alias("_figures")
    )
    repeated = good.join(first, on=["member_id", "_quarter"]).filter(
        (pl.col("_figures") > 1) & (pl.col("_line") != pl.col("_first"))
    )
    problems.append(
        repeated.select(
            "_line", pl.lit("attendance").alias("column"), pl.col("attendance").alias("value"),
            pl.format(_g(MSG_REPEATED).replace("%(line)s", "{}"), "_first").alias("message"),
        )
    )  # fmt: skip
    refuse_bad_frames(label, problems, refused=ComplianceFileRefused)
    return good.unique(["member_id", "_quarter"], keep="first").select(
        "member_id", pl.col("_quarter").alias("quarter"), pl.col("_attendance").alias("attendance")
    )


def visits_file_read(data: bytes, *, label: str, today: date) -> pl.DataFrame:
    """A health centre's file checked line by line at once: (member_id, kind, visited_on, centre), one
    row for each visit; or ComplianceFileRefused with every bad line."""
    frame = _read(data, label, VISIT_COLUMNS)
    frame, problems = _find_people(frame)
    kinds = pl.DataFrame(
        {"_kind_text": list(VISIT_KINDS), "_kind": [str(kind.value) for kind in VISIT_KINDS.values()]}
    )
    frame = frame.with_columns(
        pl.col("date").str.to_date("%Y-%m-%d", strict=False).alias("_date"),
        pl.col("kind").fill_null("").str.to_lowercase().str.replace_all(r"\s+", " ").alias("_kind_text"),
        pl.col("centre").fill_null("").str.slice(0, 120).alias("_centre"),
    ).join(kinds, on="_kind_text", how="left")
    problems += [
        _problems(frame, "date", MSG_DATE, pl.col("_date").is_null()),
        _problems(frame, "date", MSG_FUTURE, pl.col("_date") > pl.lit(today)),
        _problems(frame, "kind", MSG_KIND, pl.col("_kind").is_null()),
    ]
    refuse_bad_frames(label, problems, refused=ComplianceFileRefused)
    return frame.unique(["member_id", "_kind", "_date"], keep="first").select(
        "member_id", pl.col("_kind").alias("kind"), pl.col("_date").alias("visited_on"),
        pl.col("_centre").alias("centre"),
    )  # fmt: skip


def attendance_write(rows: pl.DataFrame, *, source: str, now, user_id: int | None) -> ComplianceImport:
    """Write a checked attendance file: new figures added, corrected ones changed, the same ones left
    alone. In the caller's transaction."""
    _temporary_table(_ROWS_TABLE, "member_id bigint, quarter varchar(7), attendance numeric(4, 1)")
    frame_insert(_ROWS_TABLE, rows)
    counts = sql_frame(
        f"""SELECT
            SUM(CASE WHEN a.id IS NULL THEN 1 ELSE 0 END) AS new,
            SUM(CASE WHEN a.id IS NOT NULL AND a.attendance <> r.attendance THEN 1 ELSE 0 END) AS changed,
            SUM(CASE WHEN a.attendance = r.attendance THEN 1 ELSE 0 END) AS unchanged
        FROM {_ROWS_TABLE} r
        LEFT JOIN programs_schoolattendance a ON a.member_id = r.member_id AND a.quarter = r.quarter""",
        schema={"new": pl.Int64, "changed": pl.Int64, "unchanged": pl.Int64},
    ).fill_null(0)
    params = {"source": source[:255], "now": connection.ops.adapt_datetimefield_value(now), "user": user_id}
    with connection.cursor() as cursor:
        cursor.execute(
            f"""UPDATE programs_schoolattendance AS a SET attendance = r.attendance, source = %(source)s,
                recorded_at = %(now)s, recorded_by_id = %(user)s
            FROM {_ROWS_TABLE} r
            WHERE r.member_id = a.member_id AND r.quarter = a.quarter AND r.attendance <> a.attendance""",
            params,
        )
        cursor.execute(
            f"""INSERT INTO programs_schoolattendance (member_id, quarter, attendance, source, recorded_at,
                recorded_by_id)
            SELECT r.member_id, r.quarter, r.attendance, %(source)s, %(now)s, %(user)s FROM {_ROWS_TABLE} r
            WHERE NOT EXISTS (SELECT 1 FROM programs_schoolattendance a
                              WHERE a.member_id = r.member_id AND a.quarter = r.quarter)""",
            params,
        )
    _drop(_ROWS_TABLE)
    new, changed, unchanged = counts.row(0)
    return ComplianceImport(lines=rows.height, new=new, changed=changed, unchanged=unchanged)


def visits_write(rows: pl.DataFrame, *, source: str, now, user_id: int | None) -> ComplianceImport:
    """Write a checked visits file: visits not yet recorded added, the others left alone."""
    _temporary_table(_ROWS_TABLE, "member_id bigint, kind varchar(16), visited_on date, centre varchar(120)")
    frame_insert(_ROWS_TABLE, rows.with_columns(pl.col("visited_on").cast(pl.String)))
    params = {"source": source[:255], "now": connection.ops.adapt_datetimefield_value(now), "user": user_id}
    with connection.cursor() as cursor:
        cursor.execute(
            f"""INSERT INTO programs_healthvisit (member_id, kind, visited_on, centre, source, recorded_at,
                recorded_by_id)
            SELECT r.member_id, r.kind, r.visited_on, r.centre, %(source)s, %(now)s, %(user)s
            FROM {_ROWS_TABLE} r
            WHERE NOT EXISTS (SELECT 1 FROM programs_healthvisit v WHERE v.member_id = r.member_id
                              AND v.kind = r.kind AND v.visited_on = r.visited_on)""",
            params,
        )
        new = cursor.rowcount
    _drop(_ROWS_TABLE)
    return ComplianceImport(lines=rows.height, new=new, changed=0, unchanged=rows.height - new)
