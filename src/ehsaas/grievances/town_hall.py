"""The complaints of a town-hall meeting, entered in bulk: rows of a form, lines of a CSV file, or both.
Every row and line is checked before anything is written; with any bad one nothing is written and each
is named (the form's row, or the file's line, the column, what was written and what is wrong).

    category,complaint,name,phone,cnic,anonymous,language
    payment_not_received,My Kafaalat payment did not come,Shazia Bibi,0300-1234567,,,ur
    Harassment,The agent shouted at women in the queue,,,,yes,

The category is its code or its name in English or Urdu; anonymous is yes or no (empty: no); the
language (ur or en) is the meeting's when empty. Only category and complaint are required.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from ehsaas.core.line_files import (
    FileRefused,
    canonical,
    csv_lines,
    decoded,
    refuse_missing_columns,
    upload_bytes,
)
from ehsaas.core.models import District
from ehsaas.grievances.models import Category
from ehsaas.grievances.services.receiving import ComplaintInput, complaint_input

MAX_LINES = 2000
MAX_FILE_BYTES = 2 * 1024 * 1024  # 2,000 complaints of a few hundred characters each
COLUMNS = {
    "category": ("category", "kind", "type"),
    "description": ("complaint", "description", "text", "details"),
    "name": ("name", "complainant", "full_name"),
    "phone": ("phone", "mobile", "mobile_number"),
    "cnic": ("cnic", "id_number"),
    "anonymous": ("anonymous",),
    "language": ("language", "lang"),
}
REQUIRED = ("category", "description")
YES, NO = {"yes", "y", "1", "true", "ہاں"}, {"", "no", "n", "0", "false", "نہیں"}

MSG_NOT_UTF8 = _("%(file)s is not UTF-8 text: save it as “CSV UTF-8” and try again. Nothing was recorded.")
MSG_NOT_CSV = _("%(file)s is not a well-formed CSV file (%(error)s). Nothing was recorded.")
MSG_MISSING_COLUMNS = _(
    "%(file)s lacks the columns %(missing)s (its columns are: %(columns)s). Nothing was recorded."
)
MSG_TOO_LONG = _("%(file)s has more than %(count)s lines: split it. Nothing was recorded.")
MSG_TOO_BIG = _("%(file)s is larger than 2 MB: split it. Nothing was recorded.")
MSG_NOTHING = _("Fill in at least one complaint, or choose a file.")
MSG_BAD = _("%(count)s complaints have problems, listed below. Nothing was recorded.")
MSG_UNKNOWN_CATEGORY = _("no such category; the categories are: %(codes)s")
MSG_ANONYMOUS = _("write yes or no")


class TownHallRefused(FileRefused):
    """The meeting's complaints cannot be recorded as they are: nothing was written. `problems` are
    RowProblems, since a complaint may come from the form as well as from the file."""


@dataclass(frozen=True)
class RowProblem:
    """One thing wrong with one complaint: `where` is "row 2" of the form or "file.csv, line 5"."""

    where: str
    column: str
    value: str
    message: str


def _category_lookup() -> dict[str, Category]:
    found = {}
    for category in Category.objects.filter(active=True):
        for key in (category.code, category.name_en, category.name_ur):
            found[key.strip().lower()] = category
    return found


def town_hall_check(
    rows: list[tuple[str, dict]], *, district: District | None, language: str
) -> list[ComplaintInput]:
    """Each (where, values) row checked; TownHallRefused naming every problem when any row has one."""
    if not rows:
        raise TownHallRefused(_g(MSG_NOTHING))
    categories, codes = (
        _category_lookup(),
        ", ".join(Category.objects.filter(active=True).values_list("code", flat=True)),
    )
    checked, problems = [], []
    for where, values in rows:
        found = []
        category = values.get("category")
        if not isinstance(category, Category):  # a file's line names it; a form's row has chosen it
            written = (category or "").strip()
            category = categories.get(written.lower())
            if category is None and written:
                found.append(
                    RowProblem(where, "category", written, _g(MSG_UNKNOWN_CATEGORY) % {"codes": codes})
                )
        anonymous = values.get("anonymous", False)
        if isinstance(anonymous, str):
            if anonymous.strip().lower() not in YES | NO:
                found.append(RowProblem(where, "anonymous", anonymous, _g(MSG_ANONYMOUS)))
            anonymous = anonymous.strip().lower() in YES
        try:
            item = complaint_input(
                category=category, description=values.get("description", ""), anonymous=anonymous,
                name=values.get("name", ""), phone=values.get("phone", ""), cnic=values.get("cnic", ""),
                language=(values.get("language") or "").strip() or language, district=district,
            )  # fmt: skip
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                if field == "category" and found and found[0].column == "category":
                    continue  # said already, with the categories there are
                found += [
                    RowProblem(where, field, str(values.get(field, "")), message) for message in messages
                ]
        else:
            if not found:
                checked.append(item)
        problems += found
    if problems:
        raise TownHallRefused(_g(MSG_BAD) % {"count": len({p.where for p in problems})}, problems)
    return checked


def town_hall_upload_rows(upload) -> list[tuple[str, dict]]:
    """The rows of an uploaded file, refused unread when it is larger than any meeting's."""
    data = upload_bytes(upload, limit=MAX_FILE_BYTES, refused=TownHallRefused, message=MSG_TOO_BIG)
    return town_hall_file_rows(data, upload.name)


def town_hall_file_rows(data: bytes, file_name: str) -> list[tuple[str, dict]]:
    """The lines of a town-hall CSV file as (where, values) rows; TownHallRefused when the file itself
    cannot be read."""
    text = decoded(data, label=file_name, refused=TownHallRefused, message=MSG_NOT_UTF8)
    names, lines = csv_lines(text, label=file_name, refused=TownHallRefused, message=MSG_NOT_CSV)
    header = [canonical(name, COLUMNS) for name in names]
    refuse_missing_columns(
        header,
        REQUIRED,
        label=file_name,
        columns=COLUMNS,
        refused=TownHallRefused,
        message=MSG_MISSING_COLUMNS,
    )
    # Blank lines (spreadsheets leave them at the end) are not counted.
    if len(lines) > MAX_LINES:
        raise TownHallRefused(_g(MSG_TOO_LONG) % {"file": file_name, "count": MAX_LINES})
    return [
        (
            _g("%(file)s, line %(line)s") % {"file": file_name, "line": number},
            dict(zip(header, line, strict=False)),
        )
        for number, line in lines
    ]
