"""The files of responses to a satisfaction survey round, read and checked set-based.

A file is UTF-8 CSV, one household a line, named by a beneficiary's CNIC or by the household reference,
with the district (its name in English or Urdu, or its code) and one column per question of the round
(the question's code), for example:

    cnic,household_ref,district,paid_on_time,payment_point
    35202-1234567-2,,Lahore,yes,4
    ,HH-000123,PB-LHR,no,

A file is checked whole, at once: its columns are vectors (polars), and the people it names are found
with one join against the registry. A household must be a beneficiary of the round's programme
(whatever its status now), live in the district the line gives (for a partner, one of its districts),
and answer the round once. A score is a whole number from 1 to 5; a yes/no answer is yes or no (in
English or Urdu); a blank is a question not answered, but every line answers one. A file with any bad
line is refused, every bad line named with its line (where it starts in the file), column and what is
wrong.
"""

import re

import polars as pl
from django.db import connection
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from ehsaas.community.models import SurveyRound
from ehsaas.community.models.surveys import SATISFIED_FROM
from ehsaas.core.frames import frame_insert, sql_frame
from ehsaas.core.identity import MSG_CNIC_SHAPE
from ehsaas.core.line_files import (
    MSG_EMPTY,
    FileRefused,
    LineProblem,
    canonical,
    csv_lines,
    decoded,
    refuse_bad_frames,
    refuse_bad_lines,
    refuse_missing_columns,
)
from ehsaas.core.models import District

# The names a column naming the respondent may have in a file (lower case); the first is the one shown.
COLUMNS = {
    "cnic": ("cnic", "id_number", "beneficiary_cnic"),
    "household_ref": ("household_ref", "household", "household_reference"),
    "district": ("district", "district_code"),
}
RESERVED = {alias for aliases in COLUMNS.values() for alias in aliases}
YES = ("yes", "y", "true", "1", "ہاں", "جی ہاں", "جی")
NO = ("no", "n", "false", "0", "نہیں", "جی نہیں")

MSG_NO_PERSON_COLUMN = _(
    "%(file)s names nobody: it needs a cnic or a household_ref column. Nothing was imported."
)
MSG_UNKNOWN_COLUMNS = _(
    "%(file)s has columns the round does not ask: %(unknown)s (its questions are: %(questions)s). "
    "Nothing was imported."
)
MSG_REPEATED_COLUMN = _("%(file)s has the column %(column)s twice. Nothing was imported.")

MSG_FIELDS = _("the line has %(found)s fields where the header has %(expected)s")
MSG_NOBODY = _("name the household: a beneficiary's CNIC or the household reference")
MSG_NO_HOLDER = _("no one in the registry holds this CNIC")
MSG_NO_HOUSEHOLD = _("no household in the registry has this reference")
MSG_OTHER_HOUSEHOLD = _("this CNIC belongs to a member of household %(household)s")
MSG_NO_DISTRICT = _("no district has this name or code")
MSG_NOT_YOUR_DISTRICT = _("you do not work in this district")
MSG_HOUSEHOLD_ELSEWHERE = _("household %(household)s lives in %(district)s")
MSG_NOT_BENEFICIARY = _("household %(household)s is not a beneficiary of %(programme)s")
MSG_ANSWERED = _("household %(household)s answered this round already (%(file)s, line %(line)s)")
MSG_REPEATED = _("line %(line)s gives this household's answers already")
MSG_SCORE = _("answer with a whole number from 1 to 5, or leave it blank")
MSG_YES_NO = _("answer yes or no, or leave it blank")
MSG_NO_ANSWER = _("the line answers no question")

_PEOPLE_TABLE = "community_survey_people"


class SurveyFileRefused(FileRefused):
    """A file of survey responses that cannot be imported as it is: nothing was written."""


def responses_file_read(
    data: bytes, *, label: str, survey_round: SurveyRound, scope: set[int] | None
) -> pl.DataFrame:
    """A file of responses to `survey_round` checked whole: a row for each line (`_line`, `household_id`,
    `member_id`, `district_id`, and `_<code>` for each question's answer, null when blank), or
    SurveyFileRefused naming what is wrong. `scope` is the importer's districts (None: nationwide)."""
    return _checked(_read(data, label, survey_round), label, survey_round, scope)


def _read(data: bytes, label: str, survey_round: SurveyRound) -> pl.DataFrame:
    """The file's lines as stripped text columns named canonically, with `_line` (the header is line 1,
    a line is numbered where it starts); lines whose number of fields is wrong are refused here."""
    text = decoded(data, label=label, refused=SurveyFileRefused)
    names, records = csv_lines(text, label=label, refused=SurveyFileRefused)
    header = [canonical(name, COLUMNS) for name in names]
    questions = [question.code for question in survey_round.question_list]
    _check_header(header, label, questions)
    if not records:
        raise SurveyFileRefused(_g(MSG_EMPTY) % {"file": label})
    ragged = [
        LineProblem(line, "—", "", _g(MSG_FIELDS) % {"found": len(record), "expected": len(header)})
        for line, record in records
        if len(record) != len(header)
    ]
    refuse_bad_lines(label, ragged, refused=SurveyFileRefused)
    columns = {
        name: [record[index].strip() for _line, record in records] for index, name in enumerate(header)
    }
    for name in COLUMNS:
        columns.setdefault(name, [""] * len(records))
    return pl.DataFrame(
        {
            "_line": [line for line, _record in records],
            **{name: columns[name] for name in [*COLUMNS, *questions]},
        },
        schema={"_line": pl.Int64, **dict.fromkeys([*COLUMNS, *questions], pl.String)},
    )


def _check_header(header: list[str], label: str, questions: list[str]) -> None:
    repeated = sorted({name for name in header if header.count(name) > 1})
    if repeated:
        raise SurveyFileRefused(_g(MSG_REPEATED_COLUMN) % {"file": label, "column": repeated[0]})
    refuse_missing_columns(
        header, ["district", *questions], label=label, columns=COLUMNS, refused=SurveyFileRefused
    )
    if "cnic" not in header and "household_ref" not in header:
        raise SurveyFileRefused(_g(MSG_NO_PERSON_COLUMN) % {"file": label})
    unknown = [name for name in header if name not in COLUMNS and name not in questions]
    if unknown:
        raise SurveyFileRefused(
            _g(MSG_UNKNOWN_COLUMNS)
            % {"file": label, "unknown": ", ".join(unknown), "questions": ", ".join(questions)}
        )


def _message(template, *columns: str) -> pl.Expr:
    """A translated message with its placeholders filled, in order, from `columns` of each line."""
    return pl.format(re.sub(r"%\([a-z_]+\)s", "{}", _g(template)), *columns)


def _problems(frame: pl.DataFrame, when: pl.Expr, column: str, message, value: str | None = None):
    """The lines where `when` holds, each with the column named (a name, or "_who": the column that
    named the household), the value found in `value` (by default that column) and `message` (a message
    constant, or an expression from _message)."""
    return frame.filter(when.fill_null(False)).select(
        "_line", (pl.col("_who") if column == "_who" else pl.lit(column)).alias("column"),
        pl.col(value or column).fill_null("").cast(pl.String).alias("value"),
        (message if isinstance(message, pl.Expr) else pl.lit(_g(message))).alias("message"),
    )  # fmt: skip


def _districts() -> tuple[pl.DataFrame, pl.DataFrame]:
    """Every name and code a district goes by (lower case), with its id and the name to show."""
    rows = list(District.objects.values_list("id", "code", "name_en", "name_ur"))
    names = [(key.strip().lower(), pk) for pk, code, en, ur in rows for key in (code, en, ur) if key]
    shown = pl.DataFrame(
        {"district_id": [pk for pk, *_ in rows], "district_name": [en for _pk, _code, en, _ur in rows]},
        schema={"district_id": pl.Int64, "district_name": pl.String},
    )
    keys = pl.DataFrame(names, schema={"_district_key": pl.String, "district_id": pl.Int64}, orient="row")
    return keys.unique("_district_key", keep="first"), shown


def _lookup(frame: pl.DataFrame, survey_round: SurveyRound) -> pl.DataFrame:
    """For each line, the member holding its CNIC and their household (`by_number`), the household its
    reference names (`by_ref`), and of the household found: its reference, district, whether it is a
    beneficiary of the round's programme and where it answered the round before. One query."""
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {_PEOPLE_TABLE}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {_PEOPLE_TABLE} (line bigint, number varchar(13), ref varchar(64))"
        )
    frame_insert(_PEOPLE_TABLE, frame.select(
        pl.col("_line").alias("line"),
        pl.when(pl.col("_cnic_ok")).then(pl.col("_number")).alias("number"),
        pl.when(pl.col("household_ref") != "").then(pl.col("household_ref").str.slice(0, 64)).alias("ref"),
    ))  # fmt: skip
    found = sql_frame(
        f"""SELECT p.line, holder.id AS member_id, holder.household_id AS by_number, named.id AS by_ref,
            h.household_ref AS found_ref, h.district_id AS household_district,
            (SELECT COUNT(*) FROM programs_beneficiary b
             WHERE b.household_id = h.id AND b.programme_id = %s) AS beneficiary,
            r.line AS answered_line, si.file_name AS answered_file
        FROM {_PEOPLE_TABLE} p
        LEFT JOIN registry_identifier i ON i.number = p.number AND i.active
        LEFT JOIN registry_member holder ON holder.id = i.member_id AND holder.status = 'active'
        LEFT JOIN registry_household named ON named.household_ref = p.ref
        LEFT JOIN registry_household h ON h.id = COALESCE(holder.household_id, named.id)
        LEFT JOIN community_surveyresponse r ON r.household_id = h.id AND r.survey_round_id = %s
        LEFT JOIN community_surveyimport si ON si.id = r.survey_import_id""",
        [survey_round.programme_id, survey_round.pk],
        schema={"line": pl.Int64, "member_id": pl.Int64, "by_number": pl.Int64, "by_ref": pl.Int64,
                "found_ref": pl.String, "household_district": pl.Int64, "beneficiary": pl.Int64,
                "answered_line": pl.Int64, "answered_file": pl.String},
    )  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {_PEOPLE_TABLE}")
    return frame.join(found, left_on="_line", right_on="line", how="left")


def _checked(
    frame: pl.DataFrame, label: str, survey_round: SurveyRound, scope: set[int] | None
) -> pl.DataFrame:
    """Every line checked at once: (line, household_id, member_id, district_id, the answers) for a good
    file, or SurveyFileRefused naming every bad line."""
    digits = pl.col("cnic").str.replace_all(r"[\s\-]", "")
    frame = frame.with_columns(
        digits.alias("_number"),
        (digits.str.contains(r"^\d{13}$") & (digits != "0" * 13)).alias("_cnic_ok"),
        pl.when(pl.col("cnic") != "").then(pl.lit("cnic")).otherwise(pl.lit("household_ref")).alias("_who"),
        pl.when(pl.col("cnic") != "").then("cnic").otherwise("household_ref").alias("_who_value"),
        pl.col("district").str.to_lowercase().alias("_district_key"),
    )
    keys, shown = _districts()
    frame = _lookup(frame.join(keys, on="_district_key", how="left"), survey_round)
    household = pl.coalesce("by_number", "by_ref")
    mismatch = (
        pl.col("by_number").is_not_null()
        & pl.col("by_ref").is_not_null()
        & (pl.col("by_number") != pl.col("by_ref"))
    )
    frame = frame.with_columns(pl.when(~mismatch.fill_null(False)).then(household).alias("household_id")).join(
        shown.rename({"district_id": "household_district", "district_name": "household_district_name"}),
        on="household_district", how="left",
    )  # fmt: skip
    found = pl.col("household_id").is_not_null()
    programme = survey_round.programme.name
    problems = [
        _problems(frame, (pl.col("cnic") != "") & ~pl.col("_cnic_ok"), "cnic", MSG_CNIC_SHAPE),
        _problems(frame, (pl.col("cnic") == "") & (pl.col("household_ref") == ""), "household_ref", MSG_NOBODY),
        _problems(frame, pl.col("_cnic_ok") & pl.col("by_number").is_null(), "cnic", MSG_NO_HOLDER),
        _problems(frame, (pl.col("household_ref") != "") & pl.col("by_ref").is_null(), "household_ref", MSG_NO_HOUSEHOLD),
        _problems(frame, mismatch, "cnic", _message(MSG_OTHER_HOUSEHOLD, "found_ref")),
        _problems(frame, pl.col("district_id").is_null(), "district", MSG_NO_DISTRICT),
        _problems(
            frame, found & pl.col("district_id").is_not_null() & (pl.col("household_district") != pl.col("district_id")),
            "district", _message(MSG_HOUSEHOLD_ELSEWHERE, "found_ref", "household_district_name"),
        ),
        _problems(frame, found & (pl.col("beneficiary") == 0), "_who",
                  _message(MSG_NOT_BENEFICIARY, "found_ref", pl.lit(programme)), "_who_value"),
        _problems(frame, found & pl.col("answered_line").is_not_null(), "_who",
                  _message(MSG_ANSWERED, "found_ref", "answered_file", "answered_line"), "_who_value"),
    ]  # fmt: skip
    if scope is not None:
        outside = pl.col("district_id").is_not_null() & ~pl.col("district_id").is_in(sorted(scope))
        problems.append(_problems(frame, outside, "district", MSG_NOT_YOUR_DISTRICT))
    first = frame.filter(found).group_by("household_id").agg(pl.col("_line").min().alias("_first"))
    frame = frame.join(first, on="household_id", how="left")
    problems.append(_problems(frame, found & (pl.col("_line") != pl.col("_first")), "_who",
                              _message(MSG_REPEATED, "_first"), "_who_value"))  # fmt: skip
    frame, answer_problems = _check_answers(frame, survey_round)
    refuse_bad_frames(label, problems + answer_problems, refused=SurveyFileRefused)
    return frame


def _check_answers(frame: pl.DataFrame, survey_round: SurveyRound) -> tuple[pl.DataFrame, list[pl.DataFrame]]:
    """Each question's column as `_<code>`: the score 1 to 5, or 1 for yes and 0 for no; null when blank.
    And the problems of answers off the scale and of lines that answer nothing."""
    problems, parsed = [], []
    for question in survey_round.question_list:
        text = pl.col(question.code).str.to_lowercase()
        if question.is_score:
            value = text.cast(pl.Int64, strict=False)
            ok = value.is_between(1, 5)
            message = MSG_SCORE
        else:
            value = pl.when(text.is_in(YES)).then(1).when(text.is_in(NO)).then(0).otherwise(None)
            ok = value.is_not_null()
            message = MSG_YES_NO
        problems.append(
            _problems(frame, (pl.col(question.code) != "") & ~ok.fill_null(False), question.code, message)
        )
        parsed.append(
            pl.when(ok.fill_null(False)).then(value).otherwise(None).cast(pl.Int64).alias(f"_{question.code}")
        )
    frame = frame.with_columns(parsed)
    first = survey_round.question_list[0].code
    blank = pl.all_horizontal([pl.col(q.code) == "" for q in survey_round.question_list])
    problems.append(_problems(frame, blank, first, MSG_NO_ANSWER))
    return frame, problems


def answers_of(rows: pl.DataFrame, survey_round: SurveyRound) -> pl.DataFrame:
    """(line, question, score, satisfied) for every answer given: a score question keeps its score and
    is satisfied from 4; a yes/no question has no score and is satisfied by yes."""
    questions = survey_round.question_list
    if not rows.height:
        return pl.DataFrame(
            schema={"_line": pl.Int64, "question": pl.String, "score": pl.Int64, "satisfied": pl.Boolean}
        )
    long = pl.concat(
        [
            rows.select(
                "_line",
                pl.lit(q.code).alias("question"),
                pl.col(f"_{q.code}").alias("_value"),
                pl.lit(q.is_score).alias("_is_score"),
            )
            for q in questions
        ]
    ).filter(pl.col("_value").is_not_null())
    return long.select(
        "_line",
        "question",
        pl.when("_is_score").then(pl.col("_value")).otherwise(None).alias("score"),
        pl.when("_is_score")
        .then(pl.col("_value") >= SATISFIED_FROM)
        .otherwise(pl.col("_value") == 1)
        .alias("satisfied"),
    ).sort("_line", "question")
