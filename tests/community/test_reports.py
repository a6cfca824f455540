"""The report's figures, computed on a few records whose answer is known: sessions held in the period by
district, attendance by sex, the share of actions done on time (of those whose outcome is known; dropped
and not-yet-due actions counted apart), and board recommendations implemented; filtered by district,
programme and period, within a partner's districts; and the survey results by district and programme."""

import csv
import io
from datetime import date

import pytest
from django.urls import reverse

from ehsaas.community import services
from ehsaas.community.choices import ActionStatus, RecommendationStatus, SessionKind
from ehsaas.community.reports import community_report, survey_results, survey_rounds_in
from ehsaas.community.selectors import survey_rounds_for_user
from ehsaas.community.surveys import survey_responses_import
from ehsaas.programs.models import Programme
from tests.community.conftest import (
    QUESTIONS,
    TODAY,
    beneficiary_household,
    make_round,
    record_board,
    record_session,
)

pytestmark = pytest.mark.django_db
Q2 = (date(2026, 4, 1), date(2026, 6, 30))


def action(description: str, due_on: date) -> dict:
    return {"description": description, "responsible": "District officer", "due_on": due_on}


def follow(user, session, description: str, status: str, **fields) -> None:
    services.action_follow_up(acting_user=user, action=session.actions.get(description=description), status=status,
                              today=TODAY, **fields)  # fmt: skip


def recommend(user, board, made_on: date, status: str = "", decided_on: date | None = None) -> None:
    made = services.recommendation_add(
        acting_user=user, board=board, text="Advice", made_on=made_on, today=TODAY
    )
    if status:
        services.recommendation_decide(acting_user=user, recommendation=made, status=status, decided_on=decided_on,
                                       outcome="Done as advised.", today=TODAY)  # fmt: skip


@pytest.fixture
def records(officer, district_a, district_b, kafaalat):
    """In district_a this quarter, a town hall on Kafaalat (41 people; five actions: on time, late, overdue,
    not yet due, dropped) and a feedback session (12 women; one action done on its due day); one session
    in the last quarter. In district_b, a town hall (25 people; one overdue action). A board in each
    district: district_a's made two recommendations this quarter (one implemented) and one before;
    district_b's one this quarter, declined."""
    town_hall = record_session(officer, district_a, held_on=date(2026, 4, 10), programme=kafaalat, women=30, men=10,
                               transgender=1, actions=[
        action("on time", date(2026, 4, 20)), action("late", date(2026, 4, 20)), action("overdue", date(2026, 5, 1)),
        action("not yet due", date(2026, 6, 1)), action("dropped", date(2026, 4, 30)),
    ])  # fmt: skip
    follow(officer, town_hall, "on time", ActionStatus.DONE, done_on=date(2026, 4, 18))
    follow(officer, town_hall, "late", ActionStatus.DONE, done_on=date(2026, 4, 25))
    follow(officer, town_hall, "not yet due", ActionStatus.IN_PROGRESS)
    follow(officer, town_hall, "dropped", ActionStatus.DROPPED, reason="The branch closed.")
    session = record_session(officer, district_a, kind=SessionKind.FEEDBACK, held_on=date(2026, 5, 2), women=12,
                             men=0, transgender=0, actions=[action("on the day", date(2026, 5, 10))])  # fmt: skip
    follow(officer, session, "on the day", ActionStatus.DONE, done_on=date(2026, 5, 10))
    record_session(officer, district_a, kind=SessionKind.FEEDBACK, held_on=date(2026, 3, 15), women=50, men=0,
                   transgender=0, actions=[])  # fmt: skip
    record_session(officer, district_b, held_on=date(2026, 4, 22), women=5, men=20, transgender=0,
                   actions=[action("overdue", date(2026, 4, 30))])  # fmt: skip
    board_a, board_b = record_board(officer, district_a), record_board(officer, district_b)
    recommend(officer, board_a, date(2026, 4, 5), RecommendationStatus.IMPLEMENTED, date(2026, 4, 20))
    recommend(officer, board_a, date(2026, 5, 1))
    recommend(officer, board_a, date(2026, 2, 1), RecommendationStatus.IMPLEMENTED, date(2026, 2, 20))
    recommend(officer, board_b, date(2026, 4, 10), RecommendationStatus.DECLINED, date(2026, 4, 12))


def report(user, period=Q2, **filters):
    return community_report(user=user, start=period[0], end=period[1], today=TODAY, **filters)


def figures(line) -> dict:
    return {
        "district": line.district.code if line.district else None, "sessions": (line.feedback_sessions, line.town_halls),
        "attendance": (line.women, line.men, line.transgender), "actions": line.actions,
        "outcomes": (line.done_on_time, line.done_late, line.overdue, line.not_yet_due, line.dropped),
        "on_time": line.on_time_share, "recommendations": (line.recommendations, line.implemented),
    }  # fmt: skip


def test_the_quarter_s_figures_by_district_and_in_all(records, officer, district_a, district_b):
    result = report(officer)

    assert {line.district.code: figures(line) for line in result.rows} == {
        district_a.code: {"district": district_a.code, "sessions": (1, 1), "attendance": (42, 10, 1), "actions": 6,
                          "outcomes": (2, 1, 1, 1, 1), "on_time": 50.0, "recommendations": (2, 1)},
        district_b.code: {"district": district_b.code, "sessions": (0, 1), "attendance": (5, 20, 0), "actions": 1,
                          "outcomes": (0, 0, 1, 0, 0), "on_time": 0.0, "recommendations": (1, 0)},
    }  # fmt: skip
    assert [line.district for line in result.rows] == sorted(
        [district_a, district_b], key=lambda d: d.name_en
    )
    assert figures(result.total) == {
        "district": None, "sessions": (1, 2), "attendance": (47, 30, 1), "actions": 7,
        "outcomes": (2, 1, 2, 1, 1), "on_time": 40.0, "recommendations": (3, 1),
    }  # fmt: skip
    assert (result.total.sessions, result.total.attendance, result.total.implemented_share) == (3, 78, 33.3)


def test_a_district_narrows_every_figure(records, officer, district_a):
    result = report(officer, district=district_a)
    assert [line.district for line in result.rows] == [district_a]
    assert (result.total.sessions, result.total.recommendations) == (2, 2)


def test_a_programme_narrows_the_sessions_and_their_actions_but_not_the_boards(records, officer, kafaalat):
    result = report(officer, programme=kafaalat)
    assert (result.total.feedback_sessions, result.total.town_halls, result.total.actions) == (0, 1, 5)
    assert result.total.recommendations == 3


def test_another_period_counts_what_was_held_then(records, officer):
    result = report(officer, period=(date(2026, 1, 1), date(2026, 3, 31)))
    assert (result.total.feedback_sessions, result.total.women, result.total.actions) == (1, 50, 0)
    assert (result.total.recommendations, result.total.implemented) == (1, 1)
    assert result.total.on_time_share is None


def test_a_partner_s_report_holds_its_districts_only(records, partner, district_a):
    result = report(partner)
    assert [line.district for line in result.rows] == [district_a]
    assert result.total.attendance == 53


def test_the_page_shows_this_quarter_s_figures_and_the_csv_holds_them(
    records, client_as, personas, district_a, monkeypatch
):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda: TODAY)
    client = client_as(personas["me_analyst"])
    page = client.get(reverse("community:report")).text
    assert "From 1 Apr 2026 to 30 Jun 2026." in page
    assert 'data-testid="on-time">40.0&nbsp;%' in page
    assert "47 women, 30 men, 1 transgender persons" in page

    response = client.get(reverse("community:report_csv"))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["District code", "District", "Feedback sessions", "Town-hall meetings"]
    lines = {row[0]: row for row in rows[1:]}
    assert lines[district_a.code][2:8] == ["1", "1", "42", "10", "1", "53"]
    assert lines[district_a.code][14] == "50.0"
    assert lines[""][1] == "All districts"
    assert lines[""][8:] == ["7", "2", "1", "2", "1", "1", "40.0", "3", "1", "33.3"]


def test_the_sessions_csv_lists_each_session_of_the_period(records, client_as, officer):
    response = client_as(officer).get(
        reverse("community:sessions_csv"), {"start": "2026-04-01", "end": "2026-06-30"}
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 4
    assert sorted(row[0] for row in rows[1:]) == ["2026-04-10", "2026-04-22", "2026-05-02"]
    town_hall = next(row for row in rows if row[0] == "2026-04-10")
    assert town_hall[8:] == ["30", "10", "1", "41", "1", "Payments not received or late", "5", "2"]


def test_text_a_spreadsheet_would_run_as_a_formula_is_kept_as_text(officer, district_a, client_as):
    record_session(officer, district_a, venue='=HYPERLINK("http://x")', held_on=date(2026, 5, 4))
    response = client_as(officer).get(
        reverse("community:sessions_csv"), {"start": "2026-04-01", "end": "2026-06-30"}
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[1][4] == '\'=HYPERLINK("http://x")'


# Survey results.


@pytest.fixture
def answered(officer, kafaalat, district_a, district_b):
    """Kafaalat's round answered by two households of district_a (yes and 4; no and 2) and one of
    district_b (yes and 5); a round of Taleemi Wazaif asking payment_point answered in district_b (1)."""
    survey_round = make_round(officer, kafaalat)
    for ref, district in (("HH-A1", district_a), ("HH-A2", district_a), ("HH-B1", district_b)):
        beneficiary_household(district, kafaalat, ref=ref)
    header = "household_ref,district,paid_on_time,payment_point"
    survey_responses_import(acting_user=officer, survey_round=survey_round, file_name="k.csv", data="\n".join([
        header, f"HH-A1,{district_a.code},yes,4", f"HH-A2,{district_a.code},no,2", f"HH-B1,{district_b.code},yes,5",
    ]).encode())  # fmt: skip
    taleemi = Programme.objects.get(code="taleemi-wazaif")
    other = make_round(officer, taleemi, name="Taleemi 2026-Q1", questions=QUESTIONS[1:])
    beneficiary_household(district_b, taleemi, ref="HH-T1")
    survey_responses_import(acting_user=officer, survey_round=other, file_name="t.csv",
                            data=f"household_ref,district,payment_point\nHH-T1,{district_b.code},1\n".encode())  # fmt: skip
    return survey_round


def cells(line) -> list:
    return [None if c is None else (c.answers, None if c.mean is None else round(c.mean, 3), c.satisfied_share)
            for c in line.cells]  # fmt: skip


def test_a_round_s_results_by_district(answered, officer, district_a, district_b):
    rounds = survey_rounds_in(survey_rounds_for_user(user=officer), survey_round=answered)
    results = survey_results(user=officer, rounds=rounds, by="district")

    assert [q.code for q in results.questions] == ["paid_on_time", "payment_point"]
    lines = {line.label: line for line in results.rows}
    assert lines[district_a.name_en].responses == 2
    assert cells(lines[district_a.name_en]) == [(2, None, 50.0), (2, 3.0, 50.0)]
    assert cells(lines[district_b.name_en]) == [(1, None, 100.0), (1, 5.0, 100.0)]
    assert results.total.responses == 3
    assert cells(results.total) == [(3, None, 66.7), (3, 3.667, 66.7)]


def test_results_by_programme_count_the_same_question_across_rounds(answered, officer):
    results = survey_results(user=officer, rounds=survey_rounds_for_user(user=officer), by="programme")
    lines = {line.label: line for line in results.rows}
    assert cells(lines["Kafaalat"]) == [(3, None, 66.7), (3, 3.667, 66.7)]
    assert lines["Education stipends (Taleemi Wazaif)"].responses == 1
    assert cells(lines["Education stipends (Taleemi Wazaif)"]) == [None, (1, 1.0, 0.0)]
    assert cells(results.total)[1] == (4, 3.0, 50.0)


def test_a_partner_s_results_hold_its_districts_answers_only(answered, partner, district_a):
    results = survey_results(user=partner, rounds=survey_rounds_for_user(user=partner), by="district")
    assert [line.label for line in results.rows] == [district_a.name_en]
    assert results.total.responses == 2


def test_the_results_page_and_csv(answered, client_as, personas, district_a):
    client = client_as(personas["auditor"])
    page = client.get(reverse("community:results"), {"by": "district", "survey_round": answered.pk}).text
    assert "How satisfied are you with the payment point?" in page
    response = client.get(reverse("community:results_csv"), {"by": "district", "survey_round": answered.pk})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["District", "Responses", "paid_on_time: answers", "paid_on_time: mean score",
                       "paid_on_time: satisfied (%)", "payment_point: answers", "payment_point: mean score",
                       "payment_point: satisfied (%)"]  # fmt: skip
    lines = {row[0]: row for row in rows[1:]}
    assert lines[district_a.name_en] == [district_a.name_en, "2", "2", "", "50.0", "2", "3.0", "50.0"]
    assert lines["All"] == ["All", "3", "3", "", "66.7", "3", "3.67", "66.7"]
