"""The community figures as CSV files: the report by district, the sessions listed, and the survey
results. Headers follow the reader's language; figures are plain numbers (shares in per cent with one
decimal, means with two) so that a spreadsheet computes with them."""

import csv
from collections.abc import Iterable

from django.http import HttpResponse
from django.utils.translation import gettext as _

from ehsaas.community.reports import CommunityReport, SurveyResults

# A cell a spreadsheet would read as a formula (typed text such as a venue or a name) is kept as text.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value) -> object:
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def csv_response(file_name: str, header: list[str], rows: Iterable[list]) -> HttpResponse:
    """A CSV download. It starts with a byte-order mark, without which Excel reads UTF-8 as the local
    code page and shows Urdu names as gibberish."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{file_name}"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(header)
    writer.writerows([_cell(value) for value in row] for row in rows)
    return response


def report_csv(report: CommunityReport) -> HttpResponse:
    header = [_("District code"), _("District"), _("Feedback sessions"), _("Town-hall meetings"), _("Women"),
              _("Men"), _("Transgender persons"), _("Attendance"), _("Actions agreed"), _("Done on time"),
              _("Done late"), _("Overdue"), _("Not yet due"), _("Dropped"), _("Done on time (%)"),
              _("Recommendations made"), _("Implemented"), _("Implemented (%)")]  # fmt: skip

    def line(code: str, name: str, f) -> list:
        return [code, name, f.feedback_sessions, f.town_halls, f.women, f.men, f.transgender, f.attendance,
                f.actions, f.done_on_time, f.done_late, f.overdue, f.not_yet_due, f.dropped, f.on_time_share,
                f.recommendations, f.implemented, f.implemented_share]  # fmt: skip

    rows = [line(f.district.code, f.district.name, f) for f in report.rows]
    rows.append(line("", _("All districts"), report.total))
    return csv_response(f"community-{report.start:%Y%m%d}-{report.end:%Y%m%d}.csv", header, rows)


def sessions_csv(sessions) -> HttpResponse:
    header = [_("Held on"), _("Kind"), _("District"), _("Tehsil"), _("Venue"), _("Programme"), _("Facilitator"),
              _("Organisation"), _("Women"), _("Men"), _("Transgender persons"), _("Attendance"),
              _("Issues raised"), _("Topics"), _("Actions agreed"), _("Actions done")]  # fmt: skip
    rows = (
        [session.held_on.isoformat(), session.get_kind_display(), session.district.name,
         session.tehsil.name if session.tehsil else "", session.venue,
         session.programme.name if session.programme else "", session.facilitator, session.organisation,
         session.women, session.men, session.transgender, session.attendance, len(session.issues.all()),
         "; ".join(sorted({str(issue.get_topic_display()) for issue in session.issues.all()})),
         len(session.actions.all()), sum(1 for action in session.actions.all() if action.status == "done")]
        for session in sessions.prefetch_related("issues", "actions")
    )  # fmt: skip
    return csv_response("community-sessions.csv", header, rows)


def survey_results_csv(results: SurveyResults, file_name: str) -> HttpResponse:
    header = [_("District") if results.by == "district" else _("Programme"), _("Responses")]
    for question in results.questions:
        header += [f"{question.code}: " + _("answers"), f"{question.code}: " + _("mean score"),
                   f"{question.code}: " + _("satisfied (%)")]  # fmt: skip

    def line(label: str, result) -> list:
        cells = [label, result.responses]
        for question in results.questions:
            figures = result.questions.get(question.code)
            mean = round(figures.mean, 2) if figures and figures.mean is not None else None
            cells += [figures.answers if figures else 0, mean, figures.satisfied_share if figures else None]
        return cells

    rows = [line(result.label, result) for result in results.rows]
    rows.append(line(_("All"), results.total))
    return csv_response(file_name, header, rows)
