"""The registry tells the apps downstream of it (targeting, programmes) which households changed: after
registration by hand, an approved change, a merge of duplicates, and an import."""

import pytest

from ehsaas.core import events
from ehsaas.registry import choices as c
from ehsaas.registry.imports import registry_import
from ehsaas.registry.models import Household
from ehsaas.registry.services.changes import change_request_approve, change_request_submit
from ehsaas.registry.services.households import HouseholdInvalid, household_register
from tests.registry.records import make_family
from tests.registry.survey import family, household_row, write_survey
from tests.registry.test_household_register import household_data, person

pytestmark = pytest.mark.django_db


@pytest.fixture
def changed():
    calls = []

    def listener(**payload):
        calls.append(payload)

    events.subscribe(events.HOUSEHOLDS_CHANGED, listener)
    yield calls
    events._subscribers[events.HOUSEHOLDS_CHANGED].remove(listener)


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """`with committed():` runs what the block published as its transaction would on commit."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def test_registering_a_household_by_hand_names_it(changed, committed, personas, district_a):
    with committed():
        household = household_register(
            acting_user=personas["registration_officer"], data=household_data(district_a), members=[person()]
        )
    assert changed == [{"household_ids": [household.pk], "reason": "registered"}]


def test_a_refused_registration_tells_nobody(changed, committed, personas, district_a):
    with committed(), pytest.raises(HouseholdInvalid):
        household_register(acting_user=personas["registration_officer"], data=household_data(district_a),
                           members=[])  # fmt: skip
    assert changed == []


def test_an_approved_change_names_the_household_it_changed(changed, committed, personas, district_a):
    household, head, _wife = make_family(district_a, ref="HH-A-001")
    request = change_request_submit(
        acting_user=personas["registration_officer"], household=household, kind=c.ChangeKind.CORRECT_FIELD,
        member=head, payload={"target": "member", "field": "education", "new": "graduate"},
        reason="Degree certificate seen",
    )  # fmt: skip
    assert changed == []
    with committed():
        change_request_approve(acting_user=personas["second_registration_officer"], change_request=request)
    assert changed == [{"household_ids": [household.pk], "reason": "changed"}]


def test_an_import_says_from_when_to_look_for_the_households_it_wrote(
    changed, committed, tmp_path, district_a
):
    paths = write_survey(tmp_path, [household_row(district_a, "HH1")], family("HH1", 1))
    with committed():
        registry_import(households=paths[0], members=paths[1])

    [heard] = changed
    assert heard["household_ids"] is None and heard["reason"] == "imported"
    assert Household.objects.get(household_ref="HH1").updated_at >= heard["since"]


def test_importing_the_same_files_again_tells_nobody(changed, committed, tmp_path, district_a):
    paths = write_survey(tmp_path, [household_row(district_a, "HH1")], family("HH1", 1))
    registry_import(households=paths[0], members=paths[1])
    with committed():
        registry_import(households=paths[0], members=paths[1])
    assert changed == []
