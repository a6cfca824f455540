"""Wealth filters: an agency's list of people who are not poor is imported, matched by CNIC against the
registry's active members, and each match excludes the member's household with a reason a person can
read. A file with malformed CNICs is refused whole; a newer list of the same source replaces the older;
households registered or changed later are matched too."""

from datetime import date

import pytest
from django.db import connection
from django.utils import timezone, translation
from django_tasks_db.models import DBTaskResult

from ehsaas.core.identity import format_cnic, mask_cnic
from ehsaas.core.models import AuditEvent
from ehsaas.registry import choices as c
from ehsaas.registry.models import Identifier, WealthFlag, WealthList, WealthListEntry
from ehsaas.registry.services.households import household_register
from ehsaas.registry.services.wealth_filters import (
    WealthListRefused,
    wealth_flags_refresh,
    wealth_list_import,
)
from ehsaas.registry.tasks.wealth_filters import refresh_wealth_flags
from ehsaas.registry.wealth.selectors import (
    EXCLUDED_HOUSEHOLDS_SQL,
    households_excluded_by_wealth,
    wealth_reasons_for_household,
)
from tests.registry.factories import head_of, new_cnic
from tests.registry.test_household_register import household_data, person

pytestmark = pytest.mark.django_db
AGENCY = "Excise and Taxation, Punjab"
MAY_2026 = date(2026, 5, 1)


def write_list(folder, rows, header="cnic,name,detail", name="list.csv"):
    path = folder / name
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def import_list(path, *, source="car_owners", as_of=MAY_2026, agency=AGENCY, user=None):
    return wealth_list_import(path=path, source=source, agency=agency, as_of=as_of, acting_user=user)


def cnic_of(member) -> str:
    return member.identifiers.get(active=True).number


def test_a_list_flags_the_household_of_an_active_member_who_holds_one_of_its_cnics(
    tmp_path, household, elsewhere
):
    head = head_of(household)
    path = write_list(tmp_path, [f"{format_cnic(cnic_of(head))},M ASLAM,LEA-1234", f"{new_cnic()},Nobody,"])

    result = import_list(path)

    assert (result.lines, result.distinct, result.members_matched, result.households_flagged) == (2, 2, 1, 1)
    assert list(households_excluded_by_wealth()) == [household]
    flag = WealthFlag.objects.get()
    assert (flag.member, flag.household, flag.status, flag.source) == (
        head,
        household,
        "active",
        "car_owners",
    )


def test_the_reason_names_the_member_the_masked_cnic_the_list_the_agency_and_the_date(tmp_path, household):
    head = head_of(household)
    import_list(write_list(tmp_path, [cnic_of(head)]))

    with translation.override("en"):
        [reason] = wealth_reasons_for_household(household=household)

    assert reason == (
        f"Muhammad Aslam (member 1, CNIC {mask_cnic(cnic_of(head))}) is on the car owners list of "
        "Excise and Taxation, Punjab, as of May 1, 2026"
    )
    assert cnic_of(head)[5:10] not in reason  # the middle of the number is hidden


def test_the_reason_in_urdu_gives_the_date_the_urdu_way(tmp_path, household):
    import_list(write_list(tmp_path, [cnic_of(head_of(household))]))
    with translation.override("ur"):
        [reason] = wealth_reasons_for_household(household=household)
    assert "1 مئی 2026" in reason


def test_cnics_with_or_without_dashes_and_spaces_match_the_same_member(tmp_path, household):
    members = list(household.members.order_by("member_no"))
    numbers = [cnic_of(m) for m in members]
    rows = [numbers[0], format_cnic(numbers[1]), f" {numbers[2][:5]} {numbers[2][5:]} "]
    result = import_list(write_list(tmp_path, rows, header="cnic"))
    assert result.members_matched == 3 and result.households_flagged == 1


def test_duplicate_lines_are_counted_not_refused(tmp_path, household):
    number = cnic_of(head_of(household))
    result = import_list(write_list(tmp_path, [number, format_cnic(number), number, new_cnic()]))
    assert (result.lines, result.distinct, result.duplicates) == (4, 2, 2)
    assert WealthListEntry.objects.count() == 2
    assert WealthFlag.objects.count() == 1


def test_removed_members_inactive_numbers_and_b_forms_are_not_matched(tmp_path, household):
    head, wife, son = household.members.order_by("member_no")
    son.status = c.MemberStatus.REMOVED
    son.save(update_fields=["status"])
    wife.identifiers.update(active=False)
    Identifier.objects.filter(member=head).update(id_type=c.IdType.B_FORM)

    result = import_list(write_list(tmp_path, [cnic_of(son), wife.identifiers.get().number, cnic_of(head)]))

    assert result.members_matched == 0
    assert not households_excluded_by_wealth().exists()


def test_a_file_without_a_cnic_column_is_refused_and_nothing_is_written(tmp_path, household):
    path = write_list(tmp_path, ["3520212345671,Aslam"], header="id_number,name")

    with pytest.raises(WealthListRefused) as refused:
        import_list(path)

    assert (
        str(refused.value)
        == "list.csv has no cnic column (its columns are: id_number, name). Nothing was imported."
    )
    assert not WealthList.objects.exists()


def test_malformed_cnics_are_refused_whole_naming_the_first_lines_and_counting_the_rest(tmp_path, household):
    good = cnic_of(head_of(household))
    bad = ["1234", "abcdefghijklm", "", "35202-123456-7", "0000000000000", "352021234567", "x", "9"]
    path = write_list(tmp_path, [good, *[f"{value},Someone," for value in bad]])

    with pytest.raises(WealthListRefused) as refused:
        import_list(path)

    message = str(refused.value)
    assert message.startswith(
        "list.csv: 8 lines have a malformed CNIC: line 3 «1234», line 4 «abcdefghijklm», line 5 «», "
        "line 6 «35202-123456-7», line 7 «0000000000000» and 3 more."
    )
    assert message.endswith(
        "A CNIC is 13 digits, written NNNNN-NNNNNNN-N (dashes optional). Nothing was imported."
    )
    assert not WealthList.objects.exists() and not WealthListEntry.objects.exists()
    assert not WealthFlag.objects.exists()


def test_one_malformed_cnic_is_named_alone(tmp_path, household):
    with pytest.raises(WealthListRefused) as refused:
        import_list(write_list(tmp_path, [cnic_of(head_of(household)), "12-34"]))
    assert str(refused.value).startswith("list.csv: 1 line has a malformed CNIC: line 3 «12-34».")


def test_a_list_with_no_lines_is_refused(tmp_path):
    with pytest.raises(WealthListRefused, match="has no lines under its header"):
        import_list(write_list(tmp_path, []))


def test_a_newer_list_lifts_the_flags_of_people_no_longer_on_it_and_keeps_them_in_history(
    tmp_path, household, elsewhere
):
    stays, leaves = head_of(household), head_of(elsewhere)
    import_list(
        write_list(tmp_path, [cnic_of(stays), cnic_of(leaves)], name="april.csv"), as_of=date(2026, 4, 1)
    )

    result = import_list(write_list(tmp_path, [cnic_of(stays)], name="may.csv"))

    old, new = WealthList.objects.order_by("as_of")
    assert (old.status, old.superseded_by, new.status) == ("superseded", new, "current")
    assert result.lifted == 1
    lifted = WealthFlag.objects.get(wealth_list=old, member=leaves)
    assert lifted.status == "lifted" and lifted.ended_at is not None
    assert WealthFlag.objects.get(wealth_list=old, member=stays).status == "replaced"
    assert WealthFlag.objects.get(wealth_list=new, member=stays).status == "active"
    assert list(households_excluded_by_wealth()) == [household]
    assert AuditEvent.objects.filter(action="wealth.lifted", subject_id=elsewhere.pk).exists()
    # The household still excluded has no new history entry: nothing changed for it.
    assert AuditEvent.objects.filter(action="wealth.flagged", subject_id=household.pk).count() == 1


def test_a_list_older_than_the_current_one_of_its_source_is_refused(tmp_path, household):
    import_list(write_list(tmp_path, [cnic_of(head_of(household))]))
    with pytest.raises(WealthListRefused) as refused:
        import_list(write_list(tmp_path, [new_cnic()], name="old.csv"), as_of=date(2026, 1, 1))
    assert "is older and would not replace it" in str(refused.value)
    assert WealthList.objects.count() == 1


def test_lists_of_different_sources_are_each_current(tmp_path, household):
    number = cnic_of(head_of(household))
    import_list(write_list(tmp_path, [number]))
    import_list(write_list(tmp_path, [number], name="tax.csv"), source="taxpayers", agency="FBR")
    assert WealthList.objects.filter(status="current").count() == 2
    assert len(wealth_reasons_for_household(household=household)) == 2


def test_an_unknown_source_is_refused(tmp_path):
    with pytest.raises(WealthListRefused, match="Unknown source boats"):
        import_list(write_list(tmp_path, [new_cnic()]), source="boats")


def test_the_households_flagged_are_written_in_their_history(tmp_path, household):
    import_list(write_list(tmp_path, [cnic_of(head_of(household))]))
    event = AuditEvent.objects.get(action="wealth.flagged")
    assert (event.subject_type, event.subject_id) == ("registry.household", household.pk)
    assert "car owners list of Excise and Taxation, Punjab" in event.summary


def test_the_sql_of_excluded_households_agrees_with_the_queryset(tmp_path, household, elsewhere):
    import_list(write_list(tmp_path, [cnic_of(head_of(household))]))
    with connection.cursor() as cursor:
        cursor.execute(EXCLUDED_HOUSEHOLDS_SQL)
        assert {row[0] for row in cursor.fetchall()} == {household.pk}


# Households registered or changed after the list was imported


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def run_queued_refresh():
    """Run what the worker would: the matching task the registry's event queued."""
    [queued] = DBTaskResult.objects.filter(task_path__endswith="refresh_wealth_flags")
    return refresh_wealth_flags.call(*queued.args_kwargs["args"], **queued.args_kwargs["kwargs"])


def test_a_household_registered_later_is_matched_against_the_current_lists(
    tmp_path, committed, personas, district_a
):
    number = new_cnic()
    import_list(write_list(tmp_path, [number]))

    with committed():
        household = household_register(
            acting_user=personas["registration_officer"],
            data=household_data(district_a),
            members=[person(id_number=number)],
        )
    assert not households_excluded_by_wealth().exists()  # the worker has not run yet

    assert run_queued_refresh() == {"flagged": 1, "lifted": 0}
    assert list(households_excluded_by_wealth()) == [household]


def test_no_matching_is_queued_while_there_is_no_current_list(committed, personas, district_a):
    with committed():
        household_register(
            acting_user=personas["registration_officer"], data=household_data(district_a), members=[person()]
        )
    assert not DBTaskResult.objects.filter(task_path__endswith="refresh_wealth_flags").exists()


def test_households_updated_since_a_moment_are_matched(tmp_path, household):
    since = timezone.now()
    number = new_cnic()
    import_list(write_list(tmp_path, [number]))
    Identifier.objects.filter(member=head_of(household)).update(number=number)
    household.save(update_fields=["updated_at"])

    assert wealth_flags_refresh(since=since) == {"flagged": 1, "lifted": 0}
    assert list(households_excluded_by_wealth()) == [household]


def test_a_member_removed_later_no_longer_excludes_the_household(tmp_path, household):
    head = head_of(household)
    wife = household.members.get(member_no=2)
    import_list(write_list(tmp_path, [cnic_of(wife)]))
    wife.status = c.MemberStatus.REMOVED
    wife.save(update_fields=["status"])

    assert wealth_flags_refresh(household_ids=[household.pk]) == {"flagged": 0, "lifted": 1}

    assert not households_excluded_by_wealth().exists()
    assert WealthFlag.objects.get().status == "lifted"
    assert head.wealth_flags.count() == 0
    assert AuditEvent.objects.filter(action="wealth.lifted", subject_id=household.pk).exists()
