"""Enrolment: a run judges every unit of the registry and lists who newly qualifies (with amount and
category), who no longer does and why, and whose amount changes; a programme officer approves the list
and a second person confirms it, and only then do beneficiaries change, once. Quota and budget take
newcomers poorest first."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from ehsaas.programs import services as s
from ehsaas.programs.choices import BeneficiaryStatus, ChangeKind, RunStatus
from ehsaas.programs.enrolment import enrolment_compute
from ehsaas.programs.models import (
    Beneficiary,
    BeneficiaryStatusChange,
    EnrolmentChange,
    EnrolmentRun,
    Programme,
)
from ehsaas.registry import choices as c
from tests.programs.conftest import family, scored

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 1)


def kafaalat() -> Programme:
    return Programme.objects.get(code="kafaalat")


def computed(programme: Programme, user) -> EnrolmentRun:
    run = EnrolmentRun.objects.create(programme=programme, started_by=user)
    enrolment_compute(run, today=TODAY)
    run.refresh_from_db()
    return run


def confirmed(programme, officer, second_officer) -> EnrolmentRun:
    run = computed(programme, officer)
    s.enrolment_approve(acting_user=officer, run=run)
    return s.enrolment_confirm(acting_user=second_officer, run=run)


def changes(run) -> dict[tuple, str]:
    return {
        (ch.household_id, ch.member_id, ch.change): ch.reason
        for ch in EnrolmentChange.objects.filter(run=run)
    }


@pytest.fixture
def families(district_a):
    return {
        "poor": family(district_a, score=20),
        "near": family(district_a, score=35),
        "near_disabled": family(district_a, score=35, disabled=True),
        "rich": family(district_a, score=80),
        "no_wife": family(district_a, score=10, wife=False),
        "unscored": family(district_a, score=None),
    }


def wife(household):
    return household.members.get(relationship=c.Relationship.SPOUSE)


def test_kafaalat_takes_the_wife_of_each_household_under_the_cutoff_or_the_higher_one_with_a_disabled_member(
    families, officer
):
    run = computed(kafaalat(), officer)

    joining = {key[1] for key in changes(run) if key[2] == ChangeKind.JOIN}
    assert joining == {wife(families["poor"]).pk, wife(families["near_disabled"]).pk}
    assert (run.joining, run.leaving, run.staying) == (2, 0, 0)
    assert run.amount_per_payment == 2 * 13_500
    assert not Beneficiary.objects.exists()  # nothing changes before the list is confirmed


def test_a_household_a_wealth_filter_excludes_does_not_qualify(families, officer, tmp_path):
    from tests.registry.test_wealth_filters import import_list, write_list

    cnic = "3520212345671"
    head = families["poor"].members.get(relationship=c.Relationship.HEAD)
    head.identifiers.create(id_type=c.IdType.CNIC, number=cnic, active=True)
    import_list(write_list(tmp_path, [cnic]))

    run = computed(kafaalat(), officer)

    assert wife(families["poor"]).pk not in {key[1] for key in changes(run)}


def test_a_confirmed_list_makes_beneficiaries_once_with_their_history(families, officer, second_officer):
    run = confirmed(kafaalat(), officer, second_officer)

    beneficiary = Beneficiary.objects.get(member=wife(families["poor"]))
    assert (beneficiary.status, beneficiary.amount, beneficiary.category) == ("active", 13_500, "Kafaalat")
    history = BeneficiaryStatusChange.objects.get(beneficiary=beneficiary)
    assert (history.from_status, history.to_status, history.changed_by) == ("", "active", second_officer)
    assert run.status == RunStatus.CONFIRMED

    again = computed(kafaalat(), officer)  # nothing has changed since
    assert (again.joining, again.leaving, again.staying) == (0, 0, 2)
    assert Beneficiary.objects.count() == 2


def test_one_who_no_longer_qualifies_is_listed_with_the_reason_and_exits_on_confirmation(
    families, officer, second_officer
):
    confirmed(kafaalat(), officer, second_officer)
    scored(families["poor"], 60)

    run = computed(kafaalat(), officer)

    reason = changes(run)[(families["poor"].pk, wife(families["poor"]).pk, ChangeKind.LEAVE)]
    assert "pmt_score <= 32" in reason
    s.enrolment_approve(acting_user=second_officer, run=run)
    s.enrolment_confirm(acting_user=officer, run=run)
    beneficiary = Beneficiary.objects.get(member=wife(families["poor"]))
    assert beneficiary.status == BeneficiaryStatus.EXITED and "pmt_score <= 32" in beneficiary.status_reason


def test_one_who_qualifies_again_comes_back_rather_than_twice(families, officer, second_officer):
    confirmed(kafaalat(), officer, second_officer)
    scored(families["poor"], 60)
    confirmed(kafaalat(), officer, second_officer)
    scored(families["poor"], 20)

    confirmed(kafaalat(), officer, second_officer)

    beneficiary = Beneficiary.objects.get(member=wife(families["poor"]))
    assert beneficiary.status == BeneficiaryStatus.ACTIVE
    assert list(beneficiary.status_changes.values_list("to_status", flat=True)) == [
        "active",
        "exited",
        "active",
    ]


def test_stipends_pay_children_of_kafaalat_families_in_school_by_level_and_sex(
    district_a, officer, second_officer
):
    household = family(district_a, score=20, children=[
        (c.Sex.FEMALE, date(2018, 5, 1), True),  # 8: primary
        (c.Sex.MALE, date(2013, 5, 1), True),  # 13: secondary
        (c.Sex.MALE, date(2015, 5, 1), False),  # not in school
    ])  # fmt: skip
    stipends = Programme.objects.get(code="taleemi-wazaif")
    assert computed(stipends, officer).joining == 0  # the family is not in Kafaalat yet

    confirmed(kafaalat(), officer, second_officer)
    run = computed(stipends, officer)

    amounts = {
        ch.member.date_of_birth.year: (ch.amount, ch.category) for ch in run.changes.select_related("member")
    }
    assert amounts == {2018: (2500, "Primary, girl"), 2013: (3000, "Secondary, boy")}
    assert all(ch.household_id == household.pk for ch in run.changes.all())


def test_a_quota_takes_newcomers_poorest_first(district_a, officer):
    poorer, poor = family(district_a, score=5), family(district_a, score=25)
    programme = kafaalat()
    programme.quota = 1
    programme.save()

    run = computed(programme, officer)

    assert {ch.household_id for ch in run.changes.all()} == {poorer.pk}
    assert run.over_limit == 1 and poor.pk


def test_a_budget_takes_newcomers_poorest_first_while_money_lasts(district_a, officer):
    family(district_a, score=5), family(district_a, score=25)
    programme = kafaalat()
    programme.budget = 20_000  # one payment of 13,500 fits, two do not

    programme.save()
    run = computed(programme, officer)

    assert (run.joining, run.over_limit, run.amount_per_payment) == (1, 1, 13_500)


def test_the_approver_cannot_confirm_their_own_approval(families, officer):
    run = computed(kafaalat(), officer)
    s.enrolment_approve(acting_user=officer, run=run)
    with pytest.raises(s.ProgrammeRefused, match="cannot confirm"):
        s.enrolment_confirm(acting_user=officer, run=run)
    assert not Beneficiary.objects.exists()


def test_the_database_refuses_a_confirmation_by_the_approver(families, officer):
    run = computed(kafaalat(), officer)
    s.enrolment_approve(acting_user=officer, run=run)
    with pytest.raises(IntegrityError), transaction.atomic():
        EnrolmentRun.objects.filter(pk=run.pk).update(status=RunStatus.CONFIRMED, confirmed_by=officer)


def test_a_list_is_confirmed_once(families, officer, second_officer):
    run = confirmed(kafaalat(), officer, second_officer)
    with pytest.raises(s.ProgrammeRefused, match="Only an approved list"):
        s.enrolment_confirm(acting_user=second_officer, run=run)
    assert Beneficiary.objects.count() == 2


def test_a_list_needs_approval_before_confirmation(families, officer, second_officer):
    run = computed(kafaalat(), officer)
    with pytest.raises(s.ProgrammeRefused, match="Only an approved list"):
        s.enrolment_confirm(acting_user=second_officer, run=run)


def test_a_rejected_list_changes_nobody_and_needs_a_reason(families, officer):
    run = computed(kafaalat(), officer)
    with pytest.raises(s.ProgrammeRefused, match="a note is required"):
        s.enrolment_reject(acting_user=officer, run=run, note=" ")
    s.enrolment_reject(acting_user=officer, run=run, note="The scores are a month old")
    assert (
        EnrolmentRun.objects.get(pk=run.pk).status == RunStatus.REJECTED and not Beneficiary.objects.exists()
    )


def test_a_new_run_supersedes_one_not_yet_confirmed(families, officer, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    first = s.enrolment_start(acting_user=officer, programme=kafaalat())
    s.enrolment_start(acting_user=officer, programme=kafaalat())
    assert EnrolmentRun.objects.get(pk=first.pk).status == RunStatus.SUPERSEDED


def test_only_an_active_programme_enrols(officer):
    with pytest.raises(s.ProgrammeRefused, match="Only an active programme enrols"):
        s.enrolment_start(acting_user=officer, programme=Programme.objects.get(code="emergency-cash"))


@pytest.mark.parametrize(
    "role", ["me_analyst", "auditor", "registration_officer", "finance_officer", "partner"]
)
def test_only_programme_staff_run_approve_and_confirm_enrolment(families, personas, officer, role):
    run = computed(kafaalat(), officer)
    with pytest.raises(PermissionDenied):
        s.enrolment_start(acting_user=personas[role], programme=kafaalat())
    with pytest.raises(PermissionDenied):
        s.enrolment_approve(acting_user=personas[role], run=run)
    with pytest.raises(PermissionDenied):
        s.enrolment_confirm(acting_user=personas[role], run=run)


def test_the_enrol_command_runs_a_programme_and_says_where_to_approve_it(families, capsys):
    from django.core.management import call_command

    call_command("enrol", "kafaalat", "--no-progress")

    run = EnrolmentRun.objects.get()
    printed = capsys.readouterr().out
    assert f"Run #{run.pk} of kafaalat" in printed and "2 newly qualify" in printed
    assert f"/programmes/runs/{run.pk}/" in printed and run.status == RunStatus.READY


@pytest.mark.parametrize(
    ("code", "message"), [("nope", "no programme nope"), ("emergency-cash", "only an active")]
)
def test_the_enrol_command_refuses_an_unknown_or_inactive_programme(code, message):
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match=message):
        call_command("enrol", code, "--no-progress")
