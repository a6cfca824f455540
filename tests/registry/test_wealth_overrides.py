"""A person named on a wealth list who disputes it: one staff user asks for an override with a written
reason, a second, different user approves or rejects it (maker-checker, also a database constraint).
An approved override lifts the exclusion for that member and source, for later lists of the source too."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from ehsaas.core.models import AuditEvent
from ehsaas.registry.models import WealthFlag, WealthOverride
from ehsaas.registry.services.wealth_filters import (
    MSG_ALREADY_DECIDED,
    MSG_FLAG_NOT_ACTIVE,
    MSG_NOTE_REQUIRED,
    MSG_OVERRIDE_EXISTS,
    MSG_OWN_OVERRIDE,
    MSG_REASON_REQUIRED,
    WealthOverrideError,
    wealth_override_approve,
    wealth_override_reject,
    wealth_override_request,
)
from ehsaas.registry.wealth.selectors import households_excluded_by_wealth, wealth_reasons_for_household
from tests.registry.factories import head_of
from tests.registry.test_wealth_filters import cnic_of, import_list, write_list

pytestmark = pytest.mark.django_db
RETIRED = "Retired in 2019; pension letter seen"


@pytest.fixture
def flag(tmp_path, household):
    import_list(write_list(tmp_path, [cnic_of(head_of(household))]))
    return WealthFlag.objects.get()


@pytest.fixture
def requested(flag, personas):
    return wealth_override_request(acting_user=personas["registration_officer"], flag=flag, reason=RETIRED)


def test_an_override_asked_for_by_one_user_and_approved_by_another_lifts_the_exclusion(
    requested, personas, household
):
    assert list(households_excluded_by_wealth()) == [household]  # asking changes nothing yet

    wealth_override_approve(acting_user=personas["programme_officer"], override=requested)

    requested.refresh_from_db()
    assert (requested.status, requested.decided_by) == ("approved", personas["programme_officer"])
    assert not households_excluded_by_wealth().exists()
    assert wealth_reasons_for_household(household=household) == []
    assert WealthFlag.objects.get().status == "active"  # the flag stays, for history


def test_the_person_who_asked_may_not_decide(flag, personas):
    override = wealth_override_request(acting_user=personas["programme_officer"], flag=flag, reason=RETIRED)
    with pytest.raises(WealthOverrideError) as refused:
        wealth_override_approve(acting_user=personas["programme_officer"], override=override)
    assert refused.value.message == MSG_OWN_OVERRIDE


def test_the_database_refuses_a_decision_recorded_by_the_maker(requested, personas):
    with pytest.raises(IntegrityError), transaction.atomic():
        WealthOverride.objects.filter(pk=requested.pk).update(
            status="approved", decided_by=personas["registration_officer"], decided_at=timezone.now()
        )


def test_an_override_needs_a_written_reason(flag, personas):
    with pytest.raises(WealthOverrideError) as refused:
        wealth_override_request(acting_user=personas["registration_officer"], flag=flag, reason="  ")
    assert refused.value.message == MSG_REASON_REQUIRED


def test_rejecting_needs_a_note_and_leaves_the_household_excluded(requested, personas, household):
    with pytest.raises(WealthOverrideError) as refused:
        wealth_override_reject(acting_user=personas["administrator"], override=requested, note="")
    assert refused.value.message == MSG_NOTE_REQUIRED

    wealth_override_reject(acting_user=personas["administrator"], override=requested, note="Payroll confirms")

    assert WealthOverride.objects.get().status == "rejected"
    assert list(households_excluded_by_wealth()) == [household]


def test_an_override_is_decided_once(requested, personas):
    wealth_override_approve(acting_user=personas["programme_officer"], override=requested)
    with pytest.raises(WealthOverrideError) as refused:
        wealth_override_reject(acting_user=personas["administrator"], override=requested, note="No")
    assert refused.value.message == MSG_ALREADY_DECIDED


def test_an_override_cannot_be_asked_for_twice_while_one_stands(requested, flag, personas):
    with pytest.raises(WealthOverrideError) as refused:
        wealth_override_request(acting_user=personas["programme_officer"], flag=flag, reason=RETIRED)
    assert refused.value.message == MSG_OVERRIDE_EXISTS


def test_after_a_rejection_an_override_may_be_asked_for_again(requested, flag, personas):
    wealth_override_reject(acting_user=personas["administrator"], override=requested, note="Payroll confirms")
    again = wealth_override_request(acting_user=personas["programme_officer"], flag=flag, reason="New letter")
    assert again.status == "submitted"


def test_a_lifted_flag_cannot_be_overridden(flag, personas):
    WealthFlag.objects.filter(pk=flag.pk).update(status="lifted", ended_at=timezone.now())
    with pytest.raises(WealthOverrideError) as refused:
        wealth_override_request(acting_user=personas["registration_officer"], flag=flag, reason=RETIRED)
    assert refused.value.message == MSG_FLAG_NOT_ACTIVE


def test_an_approved_override_holds_for_a_newer_list_of_its_source_but_not_for_other_sources(
    requested, personas, household, tmp_path
):
    wealth_override_approve(acting_user=personas["programme_officer"], override=requested)
    number = cnic_of(head_of(household))

    import_list(write_list(tmp_path, [number], name="june.csv"), as_of=date(2026, 6, 1))
    assert not households_excluded_by_wealth().exists()

    import_list(write_list(tmp_path, [number], name="tax.csv"), source="taxpayers", agency="FBR")
    assert list(households_excluded_by_wealth()) == [household]


@pytest.mark.parametrize("role", ["administrator", "me_analyst", "auditor", "partner", "finance_officer"])
def test_only_registration_and_programme_officers_ask_for_overrides(flag, personas, role):
    with pytest.raises(PermissionDenied):
        wealth_override_request(acting_user=personas[role], flag=flag, reason=RETIRED)


@pytest.mark.parametrize(
    "role", ["registration_officer", "me_analyst", "auditor", "partner", "finance_officer"]
)
def test_only_programme_officers_and_administrators_decide(requested, personas, role):
    with pytest.raises(PermissionDenied):
        wealth_override_approve(acting_user=personas[role], override=requested)


def test_each_step_is_written_in_the_households_history(requested, personas, household):
    wealth_override_approve(
        acting_user=personas["programme_officer"], override=requested, note="Letter checked"
    )
    events = AuditEvent.objects.filter(subject_type="registry.household", subject_id=household.pk)
    asked = events.get(action="wealth.override_requested")
    approved = events.get(action="wealth.override_approved")
    assert (asked.actor, asked.reason) == (personas["registration_officer"], RETIRED)
    assert (approved.actor, approved.reason) == (personas["programme_officer"], "Letter checked")
    assert "Muhammad Aslam (member 1)" in approved.summary
