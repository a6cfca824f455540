"""The files schools and health centres send: a child named by B-form number or by household reference
and member number; a file with a bad line is refused whole, every bad line named by line, column and a
plain message, and nothing is written; the same file imported twice changes nothing; a corrected figure
replaces the old one. Programme officers and administrators import files; registration officers may
record one visit seen on a health card from a household's page; others neither."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from ehsaas.programs import services as s
from ehsaas.programs.compliance import ComplianceFileRefused, LineProblem
from ehsaas.programs.models import ComplianceFile, HealthVisit, SchoolAttendance
from ehsaas.registry import choices as c
from tests.programs.conftest import family
from tests.registry.records import make_member

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 1)
BFORM = "4210112345673"


@pytest.fixture
def children(district_a):
    """Two children in school: the first holds a B-form, the second is member 4 of household HH-SCHOOL."""
    household = family(district_a, score=20, ref="HH-SCHOOL")
    first = make_member(household, "Ayesha", relationship=c.Relationship.DAUGHTER, sex=c.Sex.FEMALE,
                        date_of_birth=date(2015, 3, 1), in_school=True, cnic=BFORM, id_type=c.IdType.B_FORM)  # fmt: skip
    second = make_member(household, "Bilal", date_of_birth=date(2017, 6, 1), in_school=True)
    return first, second


def csv_file(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode("utf-8")


def import_file(user, data: bytes, kind: str = "attendance", name: str = "school.csv"):
    return s.compliance_file_import(acting_user=user, kind=kind, data=data, file_name=name, today=TODAY)


GOOD_ATTENDANCE = csv_file(
    "id_number,household_ref,member_no,quarter,attendance",
    "42101-1234567-3,,,2026-Q3,85",
    ",HH-SCHOOL,4,2026-q3,62.5%",
)


def test_a_school_file_records_each_child_s_attendance_by_b_form_or_household_and_member(children, officer):
    result = import_file(officer, GOOD_ATTENDANCE)

    assert (result.lines, result.new, result.changed, result.unchanged) == (2, 2, 0, 0)
    assert set(SchoolAttendance.objects.values_list("member", "quarter", "attendance")) == {
        (children[0].pk, "2026-Q3", 85), (children[1].pk, "2026-Q3", 62.5),
    }  # fmt: skip
    record = ComplianceFile.objects.get()
    assert (record.kind, record.file_name, record.new, record.imported_by) == (
        "attendance",
        "school.csv",
        2,
        officer,
    )


def test_the_same_file_twice_changes_nothing(children, officer):
    import_file(officer, GOOD_ATTENDANCE)
    before = list(SchoolAttendance.objects.values_list("id", "attendance", "recorded_at"))

    result = import_file(officer, GOOD_ATTENDANCE)

    assert (result.new, result.changed, result.unchanged) == (0, 0, 2)
    assert list(SchoolAttendance.objects.values_list("id", "attendance", "recorded_at")) == before


def test_a_later_file_corrects_a_child_s_figure(children, officer):
    import_file(officer, GOOD_ATTENDANCE)

    result = import_file(officer, csv_file("b_form,quarter,attendance", f"{BFORM},2026-Q3,91"))

    assert (result.new, result.changed, result.unchanged) == (0, 1, 0)
    assert SchoolAttendance.objects.get(member=children[0]).attendance == 91


def test_every_bad_line_is_reported_with_its_line_and_column_and_nothing_is_written(children, officer):
    data = csv_file(
        "id_number,household_ref,member_no,quarter,attendance",
        "42101-1234567-3,,,2026-Q3,85",  # good
        "4210112345,,,2026-Q3,80",  # 3: a number too short
        "3520299999991,,,2026-Q3,80",  # 4: no one holds it
        ",HH-NOWHERE,1,2026-Q3,80",  # 5: no such household
        ",HH-SCHOOL,9,2026-Q3,80",  # 6: no such member
        ",HH-SCHOOL,two,2026-Q3,80",  # 7: member number not a number
        ",,,2026-Q3,80",  # 8: nobody named
        ",HH-SCHOOL,4,Q3-2026,80",  # 9: quarter miswritten
        ",HH-SCHOOL,4,2027-Q1,80",  # 10: quarter not begun
        ",HH-SCHOOL,4,2026-Q2,120",  # 11: not a percentage
        ",HH-SCHOOL,4,2026-Q1,high",  # 12: not a number
        "42101-1234567-3,HH-SCHOOL,4,2026-Q2,80",  # 13: the number and the member disagree
        f"{BFORM},,,2026-Q3,70",  # 14: another figure for the child and quarter of line 2
    )

    with pytest.raises(ComplianceFileRefused) as refused:
        import_file(officer, data)

    assert refused.value.message == "school.csv has 12 bad lines, listed below. Nothing was imported."
    assert [(p.line, p.column) for p in refused.value.problems] == [
        (3, "id_number"), (4, "id_number"), (5, "household_ref"), (6, "household_ref"), (7, "member_no"),
        (8, "id_number"), (9, "quarter"), (10, "quarter"), (11, "attendance"), (12, "attendance"),
        (13, "id_number"), (14, "attendance"),
    ]  # fmt: skip
    messages = {p.line: p.message for p in refused.value.problems}
    assert messages[3] == "a B-form or CNIC number is 13 digits, written NNNNN-NNNNNNN-N (dashes optional)"
    assert messages[4] == "no one in the registry holds this number"
    assert messages[5] == "household HH-NOWHERE has no member 1"
    assert messages[10] == "2027-Q1 has not begun yet"
    assert messages[11] == "attendance is a number from 0 to 100, e.g. 85 or 72.5"
    assert messages[13] == "this number belongs to someone other than member 4 of household HH-SCHOOL"
    assert messages[14] == "line 2 gives this person another attendance for the same quarter"
    assert refused.value.problems[0] == LineProblem(3, "id_number", "4210112345", messages[3])
    assert not SchoolAttendance.objects.exists()
    assert not ComplianceFile.objects.exists()


def test_a_line_repeated_with_the_same_figure_is_one_record(children, officer):
    result = import_file(
        officer, csv_file("cnic,quarter,attendance", f"{BFORM},2026-Q3,85", f"{BFORM},2026-Q3,85")
    )

    assert (result.lines, result.new) == (1, 1)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (csv_file("id_number,attendance", f"{BFORM},80"), "school.csv lacks the columns quarter"),
        (csv_file("name,quarter,attendance", "Ayesha,2026-Q3,80"), "school.csv names nobody"),
        (csv_file("id_number,quarter,attendance"), "school.csv has no lines under its header"),
        ("id_number,quarter,attendance\n4210112345673,2026-Q3,٨٠ é".encode("utf-16"), "is not UTF-8 text"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_with_a_plain_message(children, officer, data, message):
    with pytest.raises(ComplianceFileRefused, match=message):
        import_file(officer, data)
    assert not SchoolAttendance.objects.exists()


VISITS = csv_file(
    "id_number,household_ref,member_no,date,kind,centre",
    f"{BFORM},,,2026-08-14,immunisation,BHU Malir",
    ",HH-SCHOOL,4,2026-08-14,Growth check,BHU Malir",
    ",HH-SCHOOL,2,2026-09-02,check-up,RHC Attock",
)


def test_a_health_centre_file_records_each_visit_once(children, officer):
    first = import_file(officer, VISITS, kind="visits", name="centre.csv")
    again = import_file(officer, VISITS, kind="visits", name="centre.csv")

    assert (first.new, first.unchanged) == (3, 0)
    assert (again.new, again.unchanged) == (0, 3)
    assert set(HealthVisit.objects.values_list("member__member_no", "kind", "visited_on")) == {
        (3, "immunisation", date(2026, 8, 14)), (4, "growth_check", date(2026, 8, 14)),
        (2, "check_up", date(2026, 9, 2)),
    }  # fmt: skip


def test_a_visits_file_with_a_bad_date_or_kind_is_refused_whole(children, officer):
    data = csv_file(
        "id_number,date,kind",
        f"{BFORM},2026-08-14,immunisation",
        f"{BFORM},14/08/2026,immunisation",
        f"{BFORM},2026-12-01,immunisation",
        f"{BFORM},2026-08-15,x-ray",
    )

    with pytest.raises(ComplianceFileRefused) as refused:
        import_file(officer, data, kind="visits")

    assert [(p.line, p.column, p.message) for p in refused.value.problems] == [
        (3, "date", "write the date as year-month-day, e.g. 2026-08-14"),
        (4, "date", "this date has not come yet"),
        (5, "kind", "the kind is one of: check_up, immunisation, growth_check"),
    ]
    assert not HealthVisit.objects.exists()


@pytest.mark.parametrize(
    "role", ["registration_officer", "finance_officer", "me_analyst", "auditor", "partner"]
)
def test_only_programme_officers_and_administrators_import_files(children, personas, role):
    with pytest.raises(PermissionDenied):
        import_file(personas[role], GOOD_ATTENDANCE)


def test_an_administrator_imports_files(children, personas):
    assert import_file(personas["administrator"], GOOD_ATTENDANCE).new == 2


@pytest.mark.parametrize("role", ["registration_officer", "programme_officer", "administrator"])
def test_those_who_meet_families_record_a_visit_seen_on_a_health_card(children, personas, role):
    visit = s.health_visit_record(
        acting_user=personas[role],
        member=children[0],
        kind="immunisation",
        visited_on=date(2026, 10, 2),
        today=TODAY,
    )
    assert (visit.recorded_by, visit.visited_on) == (personas[role], date(2026, 10, 2))


@pytest.mark.parametrize("role", ["finance_officer", "me_analyst", "auditor", "partner"])
def test_others_do_not_record_visits(children, personas, role):
    with pytest.raises(PermissionDenied):
        s.health_visit_record(acting_user=personas[role], member=children[0], kind="immunisation",
                              visited_on=date(2026, 10, 2), today=TODAY)  # fmt: skip


def test_a_visit_recorded_twice_or_in_the_future_is_refused(children, officer):
    s.health_visit_record(acting_user=officer, member=children[0], kind="immunisation", visited_on=date(2026, 10, 2),
                          today=TODAY)  # fmt: skip
    with pytest.raises(ValidationError, match="recorded already"):
        s.health_visit_record(acting_user=officer, member=children[0], kind="immunisation",
                              visited_on=date(2026, 10, 2), today=TODAY)  # fmt: skip
    with pytest.raises(ValidationError, match="the date is after today"):
        s.health_visit_record(acting_user=officer, member=children[0], kind="immunisation",
                              visited_on=date(2026, 11, 2), today=TODAY)  # fmt: skip
    assert HealthVisit.objects.count() == 1
