"""Satisfaction surveys: a round holds its questions as data (a code naming the file's column, English and
Urdu text, 1-to-5 or yes/no), which can change until responses come in. Responses come in a CSV file, a
household a line, named by a beneficiary's CNIC or the household reference; a file with any bad line is
refused whole, every bad line named with its line, column and what is wrong, and nothing is written;
the file is checked and written with a number of queries that does not grow with its lines."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ehsaas.community.models import SurveyAnswer, SurveyImport, SurveyResponse, SurveyRound
from ehsaas.community.surveys import SurveyFileRefused, survey_responses_import, survey_round_save
from ehsaas.core.models import AuditEvent
from tests.community.conftest import QUESTIONS, beneficiary_household, make_round
from tests.registry.records import make_household

pytestmark = pytest.mark.django_db
CNIC = "3520212345672"


def refusal(error) -> str:
    return " ".join(error.value.messages)


@pytest.fixture
def csv_file(district_a, district_b):
    """`csv_file(*lines)`: the lines as a UTF-8 file, {a} and {b} standing for the two districts' names."""

    def make(*lines: str) -> bytes:
        return (
            ("\n".join(lines) + "\n")
            .format(a=district_a.name_en, A=district_a.name_en.upper(), b=district_b.name_en)
            .encode("utf-8")
        )

    return make


HEADER = "cnic,household_ref,district,paid_on_time,payment_point"


@pytest.fixture
def survey_round(officer, kafaalat) -> SurveyRound:
    return make_round(officer, kafaalat)


@pytest.fixture
def households(district_a, district_b, kafaalat):
    """Beneficiaries of Kafaalat: HH-A1 (her CNIC is CNIC) and HH-A2 in district_a, HH-B1 in district_b; and
    HH-A3 in district_a, in no programme."""
    return {
        "HH-A1": beneficiary_household(district_a, kafaalat, ref="HH-A1", cnic=CNIC),
        "HH-A2": beneficiary_household(district_a, kafaalat, ref="HH-A2"),
        "HH-B1": beneficiary_household(district_b, kafaalat, ref="HH-B1"),
        "HH-A3": make_household(district_a, ref="HH-A3"),
    }


def import_file(user, survey_round, data: bytes, name: str = "round1.csv") -> SurveyImport:
    return survey_responses_import(acting_user=user, survey_round=survey_round, data=data, file_name=name)


# Rounds.


def question(**overrides) -> dict:
    return {
        "code": "paid_on_time",
        "text_en": "Paid on time?",
        "text_ur": "وقت پر ادائیگی؟",
        "scale": "yes_no",
    } | overrides


def test_a_round_holds_its_questions_in_order(officer, kafaalat):
    survey_round = make_round(officer, kafaalat, questions=[question(code=" Paid_On_Time "), QUESTIONS[1]])
    assert [(q.code, q.scale) for q in survey_round.question_list] == [("paid_on_time", "yes_no"),
                                                                        ("payment_point", "score")]  # fmt: skip
    assert AuditEvent.objects.filter(
        action="community.survey_round_created", subject_id=survey_round.pk
    ).exists()


@pytest.mark.parametrize(
    ("questions", "message"),
    [
        ([], "Ask at least one question."),
        ([question(code="1st")], "Question 1: the code “1st” must start with a letter"),
        ([question(code="paid on time")], "Question 1: the code “paid on time” must start with a letter"),
        ([question(code="district")], "Question 1: “district” names a column of the file"),
        ([question(), question()], "Question 2: the code “paid_on_time” is used twice."),
        ([question(text_ur=" ")], "Question 1: write the question in English and in Urdu."),
    ],
)
def test_a_round_s_questions_are_checked(officer, kafaalat, questions, message):
    with pytest.raises(ValidationError) as error:
        make_round(officer, kafaalat, questions=questions or None) if questions else survey_round_save(
            acting_user=officer, survey_round=None, questions=[],
            fields={"programme": kafaalat, "name": "R", "starts_on": date(2026, 1, 1), "ends_on": date(2026, 3, 31)},
        )  # fmt: skip
    assert message in refusal(error)
    assert not SurveyRound.objects.exists()


def test_a_round_ends_on_or_after_it_starts(officer, kafaalat):
    with pytest.raises(ValidationError) as error:
        make_round(officer, kafaalat, starts_on=date(2026, 4, 1), ends_on=date(2026, 3, 31))
    assert "A round ends on or after the day it starts." in refusal(error)


@pytest.mark.parametrize("role", ["partner", "me_analyst", "auditor", "registration_officer"])
def test_only_programme_officers_and_administrators_set_up_rounds(personas, kafaalat, role):
    with pytest.raises(PermissionDenied):
        make_round(personas[role], kafaalat)
    assert make_round(personas["administrator"], kafaalat).created_by == personas["administrator"]


def test_a_round_answered_keeps_its_questions_but_may_be_renamed(
    officer, survey_round, households, kafaalat, csv_file
):
    import_file(officer, survey_round, csv_file(HEADER, ",HH-A1,{a},yes,4"))
    fields = {"programme": kafaalat, "starts_on": survey_round.starts_on, "ends_on": survey_round.ends_on}
    with pytest.raises(ValidationError) as error:
        survey_round_save(acting_user=officer, survey_round=survey_round, fields=fields | {"name": "R"},
                          questions=QUESTIONS[:1])  # fmt: skip
    renamed = survey_round_save(acting_user=officer, survey_round=survey_round, questions=QUESTIONS,
                                fields=fields | {"name": "Kafaalat, first quarter"})  # fmt: skip

    assert "its programme and questions can no longer change" in refusal(error)
    assert (renamed.name, len(renamed.questions)) == ("Kafaalat, first quarter", 2)


# Importing responses.


def test_a_file_records_each_household_s_answers_by_cnic_or_household_reference(officer, survey_round, households,
                                                                                 district_a, csv_file):  # fmt: skip
    imported = import_file(officer, survey_round, csv_file(
        HEADER,
        "35202-1234567-2,,{A},Yes,4",
        f",HH-A2,{district_a.code},no,",
        f",HH-B1,{households['HH-B1'].district.name_ur},,2",
    ))  # fmt: skip

    assert (imported.responses, imported.file_name, imported.imported_by) == (3, "round1.csv", officer)
    responses = {r.household.household_ref: r for r in SurveyResponse.objects.select_related("household")}
    assert responses["HH-A1"].member.household_id == households["HH-A1"].pk
    assert (responses["HH-A1"].line, responses["HH-A2"].line, responses["HH-B1"].line) == (2, 3, 4)
    assert responses["HH-A2"].member is None
    assert responses["HH-B1"].district == households["HH-B1"].district
    answers = set(SurveyAnswer.objects.values_list("response__household__household_ref", "question", "score",
                                                   "satisfied"))  # fmt: skip
    assert answers == {
        ("HH-A1", "paid_on_time", None, True), ("HH-A1", "payment_point", 4, True),
        ("HH-A2", "paid_on_time", None, False), ("HH-B1", "payment_point", 2, False),
    }  # fmt: skip
    assert AuditEvent.objects.get(action="community.survey_imported").summary.startswith(
        "round1.csv: 3 responses"
    )


def test_every_bad_line_is_named_with_its_column_and_nothing_is_written(
    officer, survey_round, households, district_a, district_b, kafaalat, csv_file
):
    for ref in ("HH-C1", "HH-C2", "HH-C3", "HH-C4", "HH-C5"):
        beneficiary_household(district_a, kafaalat, ref=ref)
    data = csv_file(
        HEADER,
        "35202-123,,{a},yes,4",  # 2: not a CNIC
        ",,{a},yes,4",  # 3: nobody named
        "35202-9999999-2,,{a},yes,4",  # 4: nobody holds the CNIC
        ",HH-NONE,{a},yes,4",  # 5: no such household
        f"{CNIC},HH-A2,{{a}},yes,4",  # 6: the CNIC is of HH-A1's woman
        ",HH-C1,Atlantis,yes,4",  # 7: no such district
        f",HH-C2,{district_b.name_en},yes,4",  # 8: HH-C2 lives in district_a
        ",HH-A3,{a},yes,4",  # 9: not a beneficiary of Kafaalat
        ",HH-C3,{a},yes,6",  # 10: off the scale
        ",HH-C4,{a},maybe,4",  # 11: neither yes nor no
        ",HH-C5,{a},,",  # 12: no answer
        ",HH-A2,{a},yes,4",  # 13: good
        f"{CNIC},,{{a}},no,2",  # 14: good (HH-A1)
        ",HH-A1,{a},no,3",  # 15: HH-A1 again
    )
    with pytest.raises(SurveyFileRefused) as refused:
        import_file(officer, survey_round, data)

    problems = {(p.line, p.column): p.message for p in refused.value.problems}
    assert list(problems) == [
        (2, "cnic"), (3, "household_ref"), (4, "cnic"), (5, "household_ref"), (6, "cnic"), (7, "district"),
        (8, "district"), (9, "household_ref"), (10, "payment_point"), (11, "paid_on_time"), (12, "paid_on_time"),
        (15, "household_ref"),
    ]  # fmt: skip
    assert problems[(2, "cnic")] == "must be 13 digits, written NNNNN-NNNNNNN-N (dashes optional)"
    assert (
        problems[(3, "household_ref")]
        == "name the household: a beneficiary's CNIC or the household reference"
    )
    assert problems[(4, "cnic")] == "no one in the registry holds this CNIC"
    assert problems[(5, "household_ref")] == "no household in the registry has this reference"
    assert problems[(6, "cnic")] == "this CNIC belongs to a member of household HH-A1"
    assert problems[(7, "district")] == "no district has this name or code"
    assert problems[(8, "district")] == f"household HH-C2 lives in {district_a.name_en}"
    assert problems[(9, "household_ref")] == "household HH-A3 is not a beneficiary of Kafaalat"
    assert problems[(10, "payment_point")] == "answer with a whole number from 1 to 5, or leave it blank"
    assert problems[(11, "paid_on_time")] == "answer yes or no, or leave it blank"
    assert problems[(12, "paid_on_time")] == "the line answers no question"
    assert problems[(15, "household_ref")] == "line 14 gives this household's answers already"
    assert [p.value for p in refused.value.problems[:2]] == ["35202-123", ""]
    assert refused.value.message == "round1.csv has 12 bad lines, listed below. Nothing was imported."
    assert not SurveyResponse.objects.exists()
    assert not SurveyAnswer.objects.exists()
    assert not SurveyImport.objects.exists()


def test_a_household_answers_a_round_once(officer, survey_round, households, csv_file):
    import_file(officer, survey_round, csv_file(HEADER, ",HH-A2,{a},yes,4"), name="first.csv")
    with pytest.raises(SurveyFileRefused) as refused:
        import_file(officer, survey_round, csv_file(HEADER, ",HH-A1,{a},yes,4", ",HH-A2,{a},no,1"))

    [problem] = refused.value.problems
    assert (problem.line, problem.column) == (3, "household_ref")
    assert problem.message == "household HH-A2 answered this round already (first.csv, line 2)"
    assert SurveyResponse.objects.count() == 1


def test_the_same_household_answers_each_round(officer, survey_round, households, kafaalat, csv_file):
    second = make_round(
        officer, kafaalat, name="Kafaalat 2026-Q2", starts_on=date(2026, 4, 1), ends_on=date(2026, 6, 30)
    )
    import_file(officer, survey_round, csv_file(HEADER, ",HH-A2,{a},yes,4"))
    import_file(officer, second, csv_file(HEADER, ",HH-A2,{a},no,2"))
    assert SurveyResponse.objects.filter(household=households["HH-A2"]).count() == 2


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        (["cnic,district,paid_on_time", "x,{a},yes"],
         "round1.csv lacks the columns payment_point (its columns are: cnic, district, paid_on_time)."),
        ([HEADER + ",colour", ",HH-A2,{a},yes,4,red"],
         "round1.csv has columns the round does not ask: colour (its questions are: paid_on_time, payment_point)."),
        (["district,paid_on_time,payment_point", "{a},yes,4"],
         "round1.csv names nobody: it needs a cnic or a household_ref column."),
        ([HEADER + ",district", ",HH-A2,{a},yes,4,{a}"], "round1.csv has the column district twice."),
        ([HEADER, "", " , , , , "], "round1.csv has no lines under its header."),
    ],
)  # fmt: skip
def test_a_file_that_cannot_be_read_as_a_whole_is_refused_saying_why(officer, survey_round, households, lines,
                                                                      message, csv_file):  # fmt: skip
    with pytest.raises(SurveyFileRefused) as refused:
        import_file(officer, survey_round, csv_file(*lines))
    assert refused.value.message.startswith(message)
    assert refused.value.message.endswith("Nothing was imported.")
    assert not SurveyResponse.objects.exists()


def test_a_file_that_is_not_utf8_is_refused(officer, survey_round):
    with pytest.raises(SurveyFileRefused) as refused:
        import_file(officer, survey_round, (HEADER + "\n,HH-A2,ملتان,yes,4\n").encode("cp1256"))
    assert "is not UTF-8 text" in refused.value.message


def test_a_line_with_too_few_or_too_many_fields_is_named(officer, survey_round, households, csv_file):
    with pytest.raises(SurveyFileRefused) as refused:
        import_file(officer, survey_round, csv_file(HEADER, ",HH-A2,{a},yes", ",HH-A1,{a},yes,4,5"))
    assert [(p.line, p.message) for p in refused.value.problems] == [
        (2, "the line has 4 fields where the header has 5"), (3, "the line has 6 fields where the header has 5"),
    ]  # fmt: skip


def test_lines_are_numbered_where_they_start_in_the_file(officer, survey_round, households, csv_file):
    with pytest.raises(SurveyFileRefused) as refused:
        import_file(
            officer, survey_round, csv_file(HEADER, ',"HH-', 'A2",{a},yes,4', "", ",HH-NONE,{a},yes,4")
        )
    assert [(p.line, p.column) for p in refused.value.problems] == [
        (2, "household_ref"),
        (5, "household_ref"),
    ]


def test_a_partner_imports_the_answers_of_its_districts_only(
    partner, survey_round, households, district_b, csv_file
):
    with pytest.raises(SurveyFileRefused) as refused:
        import_file(
            partner, survey_round, csv_file(HEADER, ",HH-A2,{a},yes,4", f",HH-B1,{district_b.code},no,1")
        )
    assert [(p.line, p.column, p.message) for p in refused.value.problems] == [
        (3, "district", "you do not work in this district"),
    ]
    assert import_file(partner, survey_round, csv_file(HEADER, ",HH-A2,{a},yes,4")).responses == 1


@pytest.mark.parametrize("role", ["me_analyst", "auditor", "registration_officer"])
def test_readers_and_other_roles_do_not_import_responses(personas, survey_round, households, role, csv_file):
    with pytest.raises(PermissionDenied):
        import_file(personas[role], survey_round, csv_file(HEADER, ",HH-A2,{a},yes,4"))


def test_the_import_s_queries_do_not_grow_with_its_lines(officer, kafaalat, district_a, csv_file):
    for number in range(30):
        beneficiary_household(district_a, kafaalat, ref=f"HH-{number:03d}")
    first, few, many = (make_round(officer, kafaalat, name=name) for name in ("First", "Few", "Many"))

    def queries(survey_round, count: int) -> int:
        data = csv_file(HEADER, *(f",HH-{number:03d},{{a}},yes,{1 + number % 5}" for number in range(count)))
        with CaptureQueriesContext(connection) as captured:
            import_file(officer, survey_round, data)
        return len(captured.captured_queries)

    queries(first, 1)  # the user's permissions and scope are read once and kept
    assert queries(few, 3) == queries(many, 30)
    assert SurveyAnswer.objects.filter(response__survey_round__name="Many").count() == 60
