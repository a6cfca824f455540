"""The community pages, role by role: programme officers, administrators and partners record (partners
in their districts only, and they see no other district's records); M&E analysts and auditors read
everything; other staff and people without a role see nothing. The forms reach the services and show
their refusals; a town hall links to the grievances' bulk complaint entry when that page exists."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ehsaas.community.choices import ActionStatus
from ehsaas.community.models import (
    AdvisoryBoard,
    BoardMeeting,
    FeedbackSession,
    Recommendation,
    SurveyResponse,
    SurveyRound,
)
from ehsaas.core.models import Tehsil
from tests.community.conftest import TODAY, beneficiary_household, make_round, record_board, record_session

pytestmark = pytest.mark.django_db

READERS = ["administrator", "programme_officer", "partner", "me_analyst", "auditor"]
RECORDERS = ["administrator", "programme_officer", "partner"]
NOT_RECORDERS = ["me_analyst", "auditor", "registration_officer", "finance_officer", "no_role"]
OTHERS = ["registration_officer", "finance_officer", "no_role"]
PAGES = ["community:report", "community:report_csv", "community:sessions", "community:sessions_csv",
         "community:boards", "community:surveys", "community:results", "community:results_csv"]  # fmt: skip


def management(prefix: str, total: int, initial: int = 0) -> dict:
    return {f"{prefix}-TOTAL_FORMS": str(total), f"{prefix}-INITIAL_FORMS": str(initial),
            f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"}  # fmt: skip


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("role", READERS)
def test_readers_see_every_community_page(client_as, personas, role, page):
    assert client_as(personas[role]).get(reverse(page)).status_code == 200


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("role", OTHERS)
def test_other_roles_see_no_community_page(client_as, personas, role, page):
    assert client_as(personas[role]).get(reverse(page)).status_code == 403


@pytest.mark.parametrize("page", PAGES)
def test_anonymous_visitors_are_asked_to_sign_in(client, db, page):
    response = client.get(reverse(page))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_menu_leads_readers_to_the_community_pages(client_as, personas):
    assert reverse("community:report") in client_as(personas["auditor"]).get(reverse("programs:list")).text
    assert (
        reverse("community:report")
        not in client_as(personas["finance_officer"]).get(reverse("programs:list")).text
    )


@pytest.mark.parametrize(
    ("page", "allowed"),
    [("community:session_new", RECORDERS), ("community:survey_new", ["administrator", "programme_officer"])],
)
@pytest.mark.parametrize("role", RECORDERS + NOT_RECORDERS)
def test_only_recorders_open_the_forms(client_as, personas, page, allowed, role):
    assert client_as(personas[role]).get(reverse(page)).status_code == (200 if role in allowed else 403)


# Sessions.


def new_session(district, **overrides) -> dict:
    return {
        "kind": "town_hall", "held_on": "2026-05-04", "district": str(district.pk), "tehsil": "", "venue": "Girls school",
        "programme": "", "facilitator": "Sadia Khan", "organisation": "Rural Support Programme",
        "women": "40", "men": "25", "transgender": "2", "notes": "",
        **management("issue", 2), "issue-0-topic": "deductions", "issue-0-description": "The agent keeps Rs 500.",
        "issue-1-topic": "", "issue-1-description": "",
        **management("action", 2), "action-0-description": "Visit the agents", "action-0-responsible": "DO",
        "action-0-due_on": "2026-06-01", "action-1-description": "", "action-1-responsible": "", "action-1-due_on": "",
    } | overrides  # fmt: skip


def test_a_programme_officer_records_a_town_hall_on_the_form(client_as, officer, district_a):
    tehsil = Tehsil.objects.filter(district=district_a).first()
    response = client_as(officer).post(
        reverse("community:session_new"), new_session(district_a, tehsil=tehsil.pk)
    )

    session = FeedbackSession.objects.get()
    assert response["Location"] == reverse("community:session", args=[session.pk])
    assert (session.tehsil, session.attendance) == (tehsil, 67)
    assert list(session.issues.values_list("topic", "description")) == [
        ("deductions", "The agent keeps Rs 500.")
    ]
    assert list(session.actions.values_list("description", "due_on")) == [
        ("Visit the agents", date(2026, 6, 1))
    ]


def test_a_refused_session_shows_why_and_saves_nothing(client_as, officer, district_a):
    response = client_as(officer).post(reverse("community:session_new"), new_session(district_a, women="0", men="0",
                                                                                     transgender="0"))  # fmt: skip
    assert response.status_code == 200
    assert "a session has at least one woman, man or transgender person" in response.text
    assert not FeedbackSession.objects.exists()


def test_a_partner_is_offered_only_its_districts_and_cannot_post_another(
    client_as, partner, district_a, district_b
):
    client = client_as(partner)
    form = client.get(reverse("community:session_new")).text
    assert f'<option value="{district_a.pk}"' in form
    assert f'<option value="{district_b.pk}"' not in form

    response = client.post(reverse("community:session_new"), new_session(district_b))
    assert "Select a valid choice" in response.text
    assert not FeedbackSession.objects.exists()


def test_the_tehsils_offered_follow_the_district_chosen(client_as, officer, partner, district_a, district_b):
    tehsils = Tehsil.objects.filter(district=district_a)
    answer = client_as(officer).get(reverse("community:tehsils"), {"district": district_a.pk}).text
    assert all(f'value="{tehsil.pk}"' in answer for tehsil in tehsils)
    other = Tehsil.objects.exclude(district=district_a).first()
    assert f'value="{other.pk}"' not in answer

    elsewhere = client_as(partner).get(reverse("community:tehsils"), {"district": other.district_id}).text
    assert 'value=""' in elsewhere and f'value="{other.pk}"' not in elsewhere


def test_a_partner_sees_only_its_districts_sessions(client_as, officer, partner, district_a, district_b):
    mine, theirs = (
        record_session(officer, district_a),
        record_session(officer, district_b, venue="Karachi hall"),
    )
    client = client_as(partner)
    listed = client.get(reverse("community:sessions"), {"start": "2026-04-01", "end": "2026-06-30"}).text
    assert reverse("community:session", args=[mine.pk]) in listed
    assert "Karachi hall" not in listed
    assert client.get(reverse("community:session", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("community:session_edit", args=[theirs.pk])).status_code == 404


def test_readers_see_a_session_but_no_form_to_change_it(client_as, personas, officer, district_a):
    session = record_session(officer, district_a)
    page = client_as(personas["auditor"]).get(reverse("community:session", args=[session.pk])).text
    assert "Payments are late." in page
    assert reverse("community:session_edit", args=[session.pk]) not in page
    assert reverse("community:action_follow_up", args=[session.actions.get().pk]) not in page


def test_an_action_is_followed_up_from_the_session_s_page(client_as, officer, district_a, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda: TODAY)
    action = record_session(officer, district_a).actions.get()
    prefix = f"action-{action.pk}"
    response = client_as(officer).post(reverse("community:action_follow_up", args=[action.pk]), {
        f"{prefix}-status": "done", f"{prefix}-done_on": "2026-05-17", f"{prefix}-reason": "",
    })  # fmt: skip
    assert response["Location"] == reverse("community:session", args=[action.session_id])
    action.refresh_from_db()
    assert (action.status, action.done_on) == (ActionStatus.DONE, date(2026, 5, 17))


def test_a_refused_follow_up_says_why_on_the_session_s_page(client_as, officer, district_a):
    action = record_session(officer, district_a).actions.get()
    prefix = f"action-{action.pk}"
    client = client_as(officer)
    client.post(reverse("community:action_follow_up", args=[action.pk]),
                {f"{prefix}-status": "dropped", f"{prefix}-reason": ""})  # fmt: skip
    page = client.get(reverse("community:session", args=[action.session_id])).text
    assert "Say why the action is dropped." in page


@pytest.mark.parametrize("role", ["me_analyst", "auditor"])
def test_readers_cannot_follow_up_or_add_actions(client_as, personas, officer, district_a, role):
    session = record_session(officer, district_a)
    client = client_as(personas[role])
    action = session.actions.get()
    assert client.post(reverse("community:action_follow_up", args=[action.pk]),
                       {f"action-{action.pk}-status": "in_progress"}).status_code == 403  # fmt: skip
    assert client.post(reverse("community:action_add", args=[session.pk]), {}).status_code == 403
    action.refresh_from_db()
    assert action.status == "open"


def test_an_action_is_added_on_the_session_s_page(client_as, officer, district_a):
    session = record_session(officer, district_a, actions=[])
    client_as(officer).post(reverse("community:action_add", args=[session.pk]), {
        "new-description": "Open a desk", "new-responsible": "Tehsil office", "new-due_on": "2026-06-10",
    })  # fmt: skip
    assert list(session.actions.values_list("description", flat=True)) == ["Open a desk"]


def test_a_session_is_corrected_on_its_form(client_as, officer, district_a):
    session = record_session(officer, district_a)
    data = new_session(district_a, venue="Union council hall") | management("issue", 1, initial=1)
    data |= {"issue-0-topic": "targeting", "issue-0-description": "Families left out."}
    response = client_as(officer).post(reverse("community:session_edit", args=[session.pk]), data)
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.venue == "Union council hall"
    assert list(session.issues.values_list("topic", flat=True)) == ["targeting"]


def test_a_town_hall_links_to_the_entry_of_the_complaints_raised_there(client_as, officer, district_a):
    town_hall = record_session(officer, district_a)
    feedback = record_session(officer, district_a, kind="feedback")
    client = client_as(officer)
    entry = reverse("grievances:town_hall")

    assert f'href="{entry}"' in client.get(reverse("community:session", args=[town_hall.pk])).text
    assert f'href="{entry}"' not in client.get(reverse("community:session", args=[feedback.pk])).text


def test_a_session_s_place_is_named_in_urdu_right_to_left(client_as, officer, district_a):
    session = record_session(officer, district_a)
    client = client_as(officer)
    client.post("/i18n/setlang/", {"language": "ur", "next": "/"})
    page = client.get(reverse("community:session", args=[session.pk])).text
    assert '<html lang="ur" dir="rtl">' in page
    assert district_a.name_ur in page


# Boards.


def test_a_board_is_kept_from_its_pages(client_as, officer, district_a, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda: TODAY)
    client = client_as(officer)
    client.post(reverse("community:boards"), {"name": "Attock women's board", "district": district_a.pk})
    board = AdvisoryBoard.objects.get()
    board_url = reverse("community:board", args=[board.pk])
    for url, data in [
        ("community:member_add", {"name": "Shahida Parveen", "role": "chair", "sex": "female", "phone": "03001234567",
                                  "joined_on": "2025-01-10"}),
        ("community:member_add", {"name": "Bindiya Rana", "role": "member", "sex": "transgender", "phone": "",
                                  "joined_on": "2025-01-10"}),
        ("community:recommendation_add", {"text": "Publish payment hours.", "made_on": "2026-03-05"}),
    ]:  # fmt: skip
        assert client.post(reverse(url, args=[board.pk]), data)["Location"] == board_url
    chair = board.members.get(role="chair")
    client.post(reverse("community:meeting_record", args=[board.pk]),
                {"held_on": "2026-04-02", "attendees": [chair.pk], "minutes": "Agents' deductions."})  # fmt: skip
    recommendation = Recommendation.objects.get()
    client.post(reverse("community:recommendation_decide", args=[recommendation.pk]),
                {"status": "implemented", "decided_on": "2026-04-20", "outcome": "Hours posted."})  # fmt: skip
    client.post(reverse("community:member_left", args=[chair.pk]), {"left_on": "2026-05-01"})

    assert chair.phone == "+923001234567"
    assert list(BoardMeeting.objects.get().attendees.all()) == [chair]
    recommendation.refresh_from_db()
    assert (recommendation.status, recommendation.outcome) == ("implemented", "Hours posted.")
    chair.refresh_from_db()
    assert chair.left_on == date(2026, 5, 1)
    page = client.get(board_url).text
    assert "Hours posted." in page and "Bindiya Rana" in page


def test_a_refused_board_member_is_shown_with_the_reason(client_as, officer, district_a, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda: TODAY)
    board = record_board(officer, district_a)
    response = client_as(officer).post(reverse("community:member_add", args=[board.pk]), {
        "name": "Shahida", "role": "member", "sex": "female", "phone": "12345", "joined_on": "2025-01-10"})  # fmt: skip
    assert response.status_code == 200
    assert "Phone: must be a Pakistani mobile number" in response.text
    assert not board.members.exists()


@pytest.mark.parametrize("role", ["me_analyst", "auditor"])
def test_readers_cannot_change_a_board(client_as, personas, officer, district_a, role):
    board = record_board(officer, district_a)
    client = client_as(personas[role])
    assert (
        client.post(reverse("community:boards"), {"name": "X", "district": district_a.pk}).status_code == 403
    )
    assert client.post(reverse("community:member_add", args=[board.pk]), {}).status_code == 403
    assert client.post(reverse("community:recommendation_add", args=[board.pk]), {}).status_code == 403
    assert AdvisoryBoard.objects.count() == 1


def test_a_partner_sees_only_its_districts_boards(client_as, officer, partner, district_b):
    theirs = record_board(officer, district_b, name="Karachi board")
    client = client_as(partner)
    assert "Karachi board" not in client.get(reverse("community:boards")).text
    assert client.get(reverse("community:board", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("community:member_add", args=[theirs.pk]), {}).status_code == 404


# Surveys.


def test_a_round_is_set_up_on_its_form(client_as, officer, kafaalat):
    response = client_as(officer).post(reverse("community:survey_new"), {
        "programme": kafaalat.pk, "name": "Kafaalat 2026-Q1", "starts_on": "2026-01-01", "ends_on": "2026-03-31",
        **management("question", 2), "question-0-code": "paid_on_time", "question-0-text_en": "Paid on time?",
        "question-0-text_ur": "وقت پر ادائیگی؟", "question-0-scale": "yes_no", "question-1-code": "",
        "question-1-text_en": "", "question-1-text_ur": "", "question-1-scale": "score",
    })  # fmt: skip
    survey_round = SurveyRound.objects.get()
    assert response["Location"] == reverse("community:survey", args=[survey_round.pk])
    assert [q.code for q in survey_round.question_list] == ["paid_on_time"]


def upload(client, survey_round, text: str, name: str = "answers.csv"):
    return client.post(reverse("community:survey", args=[survey_round.pk]),
                       {"file": SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")})  # fmt: skip


def test_responses_are_imported_from_the_round_s_page(client_as, officer, kafaalat, district_a):
    survey_round = make_round(officer, kafaalat)
    beneficiary_household(district_a, kafaalat, ref="HH-A1")
    client = client_as(officer)
    response = upload(
        client,
        survey_round,
        f"household_ref,district,paid_on_time,payment_point\nHH-A1,{district_a.code},yes,5\n",
    )
    assert response["Location"] == reverse("community:survey", args=[survey_round.pk])
    assert SurveyResponse.objects.count() == 1
    page = client.get(reverse("community:survey", args=[survey_round.pk])).text
    assert "answers.csv imported: 1 responses." in page
    assert "100.0&nbsp;%" in page


def test_a_refused_file_lists_its_bad_lines_on_the_page(client_as, officer, kafaalat, district_a):
    survey_round = make_round(officer, kafaalat)
    response = upload(client_as(officer), survey_round,
                      f"household_ref,district,paid_on_time,payment_point\nHH-NONE,{district_a.code},yes,9\n")  # fmt: skip
    assert 'data-testid="rejected-lines"' in response.text
    assert "no household in the registry has this reference" in response.text
    assert "answer with a whole number from 1 to 5, or leave it blank" in response.text
    assert not SurveyResponse.objects.exists()


@pytest.mark.parametrize("role", ["me_analyst", "auditor"])
def test_readers_cannot_import_responses(client_as, personas, officer, kafaalat, role):
    survey_round = make_round(officer, kafaalat)
    assert upload(client_as(personas[role]), survey_round, "household_ref\n").status_code == 403
