"""Importing survey files: each household accepted or rejected whole, every problem reported with
file, line, column and a plain message, the same files twice change nothing."""

import csv

import pytest
from django.db import connection
from openpyxl import Workbook

from ehsaas.core.models import AuditEvent
from ehsaas.registry.imports import UnusableFile, bulk_load, merge, registry_import, sources
from ehsaas.registry.imports import contract as k
from ehsaas.registry.models import Household, Identifier, Member
from tests.registry.survey import family, household_row, write_csv, write_survey

pytestmark = pytest.mark.django_db


def run(folder, households, members, **options):
    paths = write_survey(folder, households, members)
    report = folder / "rejects.csv"
    result = registry_import(households=paths[0], members=paths[1], report=report, **options)
    with report.open(encoding="utf-8") as handle:
        return result, list(csv.DictReader(handle))


def test_it_imports_a_household_with_its_members_and_their_id_numbers(tmp_path, district_a):
    result, problems = run(tmp_path, [household_row(district_a, "HH1")], family("HH1", 1))

    assert result.summary() == {"accepted": 1, "rejected": 0, "unchanged": 0, "members": 3}
    assert problems == []
    household = Household.objects.get(household_ref="HH1")
    assert household.district == district_a
    assert household.phone == "+923001234567"
    assert household.goats == 3 and household.electricity is True and household.car is False
    wife = household.members.get(member_no=2)
    assert wife.full_name == "فاطمہ بی بی" and wife.lactating is True and wife.name_key == "ftm b b"
    assert Identifier.objects.get(member=wife).number == "3520200000022"
    assert Identifier.objects.get(member__member_no=3).id_type == "b_form"
    assert AuditEvent.objects.get(subject_id=household.pk).action == "household.imported"


def test_importing_the_same_files_again_changes_nothing(tmp_path, district_a):
    households, members = [household_row(district_a, "HH1")], family("HH1", 1)
    run(tmp_path, households, members)
    events = AuditEvent.objects.count()

    result, problems = run(tmp_path, households, members)

    assert problems == []
    assert result.summary() == {"accepted": 0, "rejected": 0, "unchanged": 1, "members": 0}
    assert AuditEvent.objects.count() == events
    assert Member.objects.count() == 3 and Identifier.objects.count() == 3


def test_a_resurveyed_household_is_updated_and_a_member_no_longer_listed_is_kept_as_removed(
    tmp_path, district_a
):
    run(tmp_path, [household_row(district_a, "HH1")], family("HH1", 1))

    result, _ = run(tmp_path, [household_row(district_a, "HH1", rooms="3")], family("HH1", 1)[:2])

    assert (result.updated, result.new) == (1, 0)
    assert Household.objects.get().rooms == 3
    daughter = Member.objects.get(member_no=3)
    assert daughter.status == "removed"
    assert daughter.identifiers.get().active is False
    assert Identifier.objects.filter(active=True).count() == 2
    assert AuditEvent.objects.filter(action="household.reimported").count() == 1


def test_a_household_with_one_bad_member_row_is_rejected_whole(tmp_path, district_a):
    members = family("HH1", 1)
    members[2]["date_of_birth"] = "2016-13-45"

    result, problems = run(tmp_path, [household_row(district_a, "HH1")], members)

    assert result.summary() == {"accepted": 0, "rejected": 1, "unchanged": 0, "members": 0}
    assert not Household.objects.exists() and not Member.objects.exists()
    assert problems == [
        {"file": "members.csv", "line": "4", "column": "date_of_birth", "household_ref": "HH1",
         "message": f"{k.MSG_DATE} (found «2016-13-45»)"}
    ]  # fmt: skip


def test_good_households_are_accepted_beside_rejected_ones(tmp_path, district_a):
    households = [household_row(district_a, "HH1"), household_row(district_a, "HH2", rooms="0")]

    result, problems = run(tmp_path, households, family("HH1", 1) + family("HH2", 10))

    assert (result.accepted, result.rejected) == (1, 1)
    assert list(Household.objects.values_list("household_ref", flat=True)) == ["HH1"]
    assert [(p["line"], p["column"]) for p in problems] == [("3", "rooms")]


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("area", "town", k.MSG_ONE_OF % {"words": "urban, rural"}),
        ("electricity", "maybe", k.MSG_YES_NO),
        ("rooms", "two", k.MSG_WHOLE_NUMBER % {"min": 1}),
        ("goats", "-1", k.MSG_WHOLE_NUMBER % {"min": 0}),
        ("land_acres", "1.234", k.MSG_NUMBER),
        ("latitude", "51.5", k.MSG_LATITUDE % {"low": 23.5, "high": 37.2}),
        ("survey_date", "01/05/2024", k.MSG_DATE),
        ("survey_date", "2999-01-01", k.MSG_DATE_FUTURE),
        ("district", "Atlantis", k.MSG_UNKNOWN_DISTRICT),
        ("province", "PK-XX", k.MSG_UNKNOWN_PROVINCE),
    ],
)
def test_each_bad_household_value_is_reported_with_its_column_and_value(
    tmp_path, district_a, column, value, message
):
    result, problems = run(tmp_path, [household_row(district_a, "HH1", **{column: value})], family("HH1", 1))

    assert result.rejected == 1
    assert problems[0]["column"] == column and problems[0]["message"] == f"{message} (found «{value}»)"


def test_a_missing_required_value_is_reported_without_a_value(tmp_path, district_a):
    _, problems = run(tmp_path, [household_row(district_a, "HH1", walls="")], family("HH1", 1))

    assert [(p["column"], p["message"]) for p in problems] == [("walls", str(k.MSG_REQUIRED))]


def test_a_place_may_be_written_as_a_code_or_an_urdu_name(tmp_path, district_a):
    row = household_row(district_a, "HH1", province=district_a.province.name_ur, district=district_a.code)

    result, problems = run(tmp_path, [row], family("HH1", 1))

    assert result.accepted == 1 and problems == [] and Household.objects.get().district == district_a


@pytest.mark.parametrize(
    ("change", "column", "message"),
    [
        ({"id_number": "12345"}, "id_number", "must be 13 digits"),
        ({"id_type": "none"}, "id_number", str(k.MSG_ID_UNEXPECTED)),
        ({"pregnant": "yes"}, "pregnant", str(k.MSG_PREGNANT_SEX)),
        ({"disability": "walking;flying"}, "disability", "must be none, or any of"),
        ({"phone": "12345"}, "phone", "must be a Pakistani mobile number"),
    ],
)
def test_each_bad_member_value_rejects_the_household(tmp_path, district_a, change, column, message):
    members = family("HH1", 1)
    members[0].update(change)

    result, problems = run(tmp_path, [household_row(district_a, "HH1")], members)

    assert result.rejected == 1
    assert problems[0]["column"] == column and problems[0]["message"].startswith(message)


def test_a_household_without_a_head_is_rejected(tmp_path, district_a):
    members = family("HH1", 1)
    members[0]["relationship"] = "parent"

    _, problems = run(tmp_path, [household_row(district_a, "HH1")], members)

    assert problems[0]["message"] == k.MSG_NO_HEAD % {"ref": "HH1"}


def test_a_household_with_two_heads_is_rejected(tmp_path, district_a):
    members = family("HH1", 1)
    members[1]["relationship"] = "head"

    _, problems = run(tmp_path, [household_row(district_a, "HH1")], members)

    assert problems[0]["message"] == k.MSG_MANY_HEADS % {"ref": "HH1", "count": 2}


def test_a_member_number_given_twice_is_reported_at_the_second_line(tmp_path, district_a):
    members = family("HH1", 1)
    members[2]["member_no"] = "2"

    _, problems = run(tmp_path, [household_row(district_a, "HH1")], members)

    assert problems == [
        {"file": "members.csv", "line": "4", "column": "member_no", "household_ref": "HH1",
         "message": k.MSG_DUPLICATE_MEMBER_NO % {"no": 2, "ref": "HH1", "line": 3}}
    ]  # fmt: skip


def test_only_the_household_that_repeats_a_member_number_is_rejected(tmp_path, district_a):
    members = family("HH1", 1) + family("HH2", 10)
    members[5]["member_no"] = "1"

    result, problems = run(
        tmp_path, [household_row(district_a, "HH1"), household_row(district_a, "HH2")], members
    )

    assert (result.accepted, result.rejected) == (1, 1)
    assert [(p["line"], p["household_ref"]) for p in problems] == [("7", "HH2")]
    assert problems[0]["message"] == k.MSG_DUPLICATE_MEMBER_NO % {"no": 1, "ref": "HH2", "line": 5}


def test_an_id_number_held_by_another_household_is_a_conflict_naming_that_household(tmp_path, district_a):
    run(tmp_path, [household_row(district_a, "HH1")], family("HH1", 1))
    newcomer = family("HH2", 20)
    newcomer[0]["id_number"] = "35202-0000001-1"  # the head of HH1

    result, problems = run(tmp_path, [household_row(district_a, "HH2")], newcomer)

    assert result.rejected == 1 and not Household.objects.filter(household_ref="HH2").exists()
    assert problems[0]["message"] == k.MSG_ID_HELD % {"number": "35202-0000001-1", "ref": "HH1", "no": 1}


def test_an_id_number_given_twice_in_the_file_rejects_the_later_household(tmp_path, district_a):
    second = family("HH2", 20)
    second[1]["id_number"] = "3520200000011"

    _, problems = run(tmp_path, [household_row(district_a, "HH1"), household_row(district_a, "HH2")],
                      family("HH1", 1) + second)  # fmt: skip

    assert list(Household.objects.values_list("household_ref", flat=True)) == ["HH1"]
    assert problems[0]["message"] == k.MSG_ID_TWICE_IN_FILE % {
        "number": "35202-0000001-1",
        "line": 2,
        "ref": "HH1",
    }


def test_members_of_a_household_missing_from_the_households_file_are_reported(tmp_path, district_a):
    result, problems = run(tmp_path, [household_row(district_a, "HH1")], family("HH1", 1) + family("HH9", 30))

    assert result.accepted == 1
    assert {p["message"] for p in problems} == {k.MSG_NO_HOUSEHOLD % {"ref": "HH9"}}
    assert len(problems) == 3


def test_a_household_row_given_twice_is_rejected(tmp_path, district_a):
    result, problems = run(tmp_path, [household_row(district_a, "HH1")] * 2, family("HH1", 1))

    assert result.rejected == 1 and not Household.objects.exists()
    assert problems[0]["message"] == k.MSG_DUPLICATE_HOUSEHOLD % {"ref": "HH1", "line": 2}


def test_a_household_without_members_is_rejected(tmp_path, district_a):
    result, problems = run(tmp_path, [household_row(district_a, "HH1"), household_row(district_a, "HH2")],
                           family("HH1", 1))  # fmt: skip

    assert result.rejected == 1

    assert problems[0]["message"] == k.MSG_NO_MEMBERS % {"ref": "HH2"}


def test_a_file_without_a_required_column_is_unusable_and_nothing_is_written(tmp_path, district_a):
    households, members = write_survey(tmp_path, [household_row(district_a, "HH1")], family("HH1", 1))
    text = households.read_text(encoding="utf-8").splitlines()
    households.write_text("\n".join(line.rsplit(",", 1)[0] for line in text) + "\n", encoding="utf-8")
    members.write_text(members.read_text(encoding="utf-8").replace("full_name", "name"), encoding="utf-8")

    with pytest.raises(UnusableFile, match=r"members\.csv: required columns are missing: full_name"):
        registry_import(households=households, members=members)
    assert not Household.objects.exists()


def test_a_file_that_is_not_utf8_is_unusable(tmp_path, district_a):
    households, members = write_survey(
        tmp_path, [household_row(district_a, "HH1", address="Chak")], family("HH1", 1)
    )
    households.write_bytes(households.read_bytes().replace(b"Chak", b"Ch\xe4k"))

    with pytest.raises(UnusableFile, match=r"households.csv line 2: not UTF-8"):
        registry_import(households=households, members=members)
    assert not Household.objects.exists()


def test_a_row_with_more_fields_than_the_header_is_unusable_and_its_line_is_named(tmp_path, district_a):
    households, members = write_survey(tmp_path, [household_row(district_a, "HH1")], family("HH1", 1))
    members.write_text(
        members.read_text(encoding="utf-8") + "HH1,4,none,,X,male,2000-01-01,son,x,y,z,a,b,c,d,e,f\n"
    )

    with pytest.raises(UnusableFile, match=r"members.csv line 5: 17 fields where the header has 16"):
        registry_import(households=households, members=members)


def test_columns_may_come_in_any_order_and_optional_ones_may_be_left_out(tmp_path, district_a):
    row = household_row(district_a, "HH1")
    columns = sorted(c for c in row if c not in ("tehsil", "latitude", "longitude", "monthly_consumption"))
    households, members = write_survey(tmp_path, [row], family("HH1", 1))
    write_csv(households, [row], columns)

    assert registry_import(households=households, members=members).accepted == 1


def test_a_workbook_with_households_and_members_sheets_imports_like_two_csv_files(tmp_path, district_a):
    workbook = Workbook()
    for sheet, rows in (("households", [household_row(district_a, "HH1")]), ("members", family("HH1", 1))):
        worksheet = workbook.create_sheet(sheet)
        worksheet.append(list(rows[0]))
        for row in rows:
            worksheet.append([int(v) if v.isdigit() and len(v) < 4 else v for v in row.values()])
    del workbook["Sheet"]
    workbook.save(tmp_path / "survey.xlsx")

    result = registry_import(households=tmp_path / "survey.xlsx", members=None)

    assert result.summary() == {"accepted": 1, "rejected": 0, "unchanged": 0, "members": 3}


def test_an_import_stopped_between_chunks_leaves_whole_households_and_a_rerun_completes_it(
    tmp_path, district_a, monkeypatch
):
    households = [household_row(district_a, f"HH{i}") for i in range(1, 4)]
    members = [m for i in range(1, 4) for m in family(f"HH{i}", 10 * i)]
    paths = write_survey(tmp_path, households, members)
    calls, write_chunk = [], merge.write_chunk

    def dies_on_the_second_chunk(**kwargs):
        calls.append(kwargs)
        if len(calls) == 2:
            raise KeyboardInterrupt("killed")
        return write_chunk(**kwargs)

    monkeypatch.setattr(merge, "write_chunk", dies_on_the_second_chunk)
    with pytest.raises(KeyboardInterrupt):
        registry_import(households=paths[0], members=paths[1], chunk_size=1)
    assert list(Household.objects.values_list("household_ref", flat=True)) == ["HH1"]
    assert Member.objects.count() == 3

    monkeypatch.setattr(merge, "write_chunk", write_chunk)
    result = registry_import(households=paths[0], members=paths[1], chunk_size=1)
    assert (result.unchanged, result.new) == (1, 2)
    assert Member.objects.count() == 9


@pytest.mark.skipif(connection.vendor == "postgresql", reason="PostgreSQL bulk-loads: test_import_bulk_load")
def test_an_import_into_sqlite_never_sets_the_registry_indexes_aside(monkeypatch):
    monkeypatch.setattr(bulk_load, "SMALLEST_BULK_LOAD", 1)

    assert not bulk_load.bulk_load_wanted(new_households=1_000_000)


def test_files_read_in_many_small_blocks_keep_every_row_whole_and_its_line_number(
    tmp_path, district_a, monkeypatch
):
    monkeypatch.setattr(sources, "BATCH_BYTES", 200)  # a few rows a block, some cut inside a quoted field
    households = [household_row(district_a, f"HH{i}", address=f'Chak {i},\n"Old" Road') for i in range(1, 8)]
    households[5]["rooms"] = "0"
    members = [m for i in range(1, 8) for m in family(f"HH{i}", 10 * i)]

    result, problems = run(tmp_path, households, members)

    assert (result.accepted, result.rejected) == (6, 1)
    assert [(p["line"], p["column"], p["household_ref"]) for p in problems] == [("7", "rooms", "HH6")]
    assert Household.objects.get(household_ref="HH7").address == 'Chak 7,\n"Old" Road'
    assert set(Member.objects.filter(member_no=2).values_list("name_key", flat=True)) == {"ftm b b"}
