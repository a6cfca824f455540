"""Re-evaluation: when a household's data, score or wealth flags change after a programme's last settled
run, the programme judges those households again, by itself, and lists what changes for two people to
approve and confirm like any enrolment list; a re-evaluation that changes nothing ends there."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command

from ehsaas.core.events import HOUSEHOLDS_CHANGED, SCORES_CHANGED, publish
from ehsaas.core.models import Job
from ehsaas.programs import services as s
from ehsaas.programs.choices import BeneficiaryStatus, ChangeKind, ProgrammeStatus, RunScope, RunStatus
from ehsaas.programs.enrolment import enrolment_compute
from ehsaas.programs.models import Beneficiary, EnrolmentChange, EnrolmentRun, Programme
from ehsaas.programs.reevaluation import NotDue, changed_households, reevaluation_due
from ehsaas.programs.tasks import compute_enrolment_job, reevaluate_programmes
from ehsaas.registry import choices as c
from ehsaas.registry.services.changes import change_request_approve, change_request_submit
from tests.programs.conftest import family, scored

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 1)
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def kafaalat() -> Programme:
    return Programme.objects.get(code="kafaalat")


def wife(household):
    return household.members.get(relationship=c.Relationship.SPOUSE)


def changes(run) -> set[tuple[int, int | None, str]]:
    return set(EnrolmentChange.objects.filter(run=run).values_list("household_id", "member_id", "change"))


def settled(programme, officer, second_officer) -> EnrolmentRun:
    """A run over the whole registry, approved and confirmed."""
    run = EnrolmentRun.objects.create(programme=programme, started_by=officer)
    enrolment_compute(run, today=TODAY)
    s.enrolment_approve(acting_user=officer, run=run)
    return s.enrolment_confirm(acting_user=second_officer, run=run)


def reevaluated(programme, user=None) -> EnrolmentRun:
    """A re-evaluation queued (by `user`, or by the platform) and computed by its job."""
    run = s.reevaluation_start(acting_user=user, programme=programme) if user else None
    if run is None:
        reevaluate_programmes.call(codes=[programme.code])
        run = EnrolmentRun.objects.filter(programme=programme, scope=RunScope.CHANGED).latest("started_at")
    compute_enrolment_job.call(run.job_id)
    run.refresh_from_db()
    return run


@pytest.fixture
def enrolled(district_a, officer, second_officer):
    """Two poor families and a near-poor one, Kafaalat settled over them: both poor wives enrolled."""
    households = {
        "poor": family(district_a, score=20),
        "other": family(district_a, score=25),
        "near": family(district_a, score=36),
    }
    settled(kafaalat(), officer, second_officer)
    return households


def test_a_household_whose_score_rose_above_the_cutoff_is_judged_again_and_its_woman_listed_to_leave(
    enrolled, officer
):
    scored(enrolled["poor"], 60)

    run = reevaluated(kafaalat(), officer)

    assert (run.scope, run.status, run.households, run.units) == (RunScope.CHANGED, RunStatus.READY, 1, 1)
    assert changes(run) == {(enrolled["poor"].pk, wife(enrolled["poor"]).pk, ChangeKind.LEAVE)}
    assert "pmt_score" in EnrolmentChange.objects.get(run=run).reason


def test_a_household_whose_score_fell_under_the_cutoff_is_listed_to_join(enrolled, officer):
    scored(enrolled["near"], 30)

    run = reevaluated(kafaalat(), officer)

    assert changes(run) == {(enrolled["near"].pk, wife(enrolled["near"]).pk, ChangeKind.JOIN)}


def test_a_re_evaluation_is_confirmed_by_two_people_and_changes_only_the_households_judged(
    enrolled, officer, second_officer
):
    scored(enrolled["poor"], 60)
    run = reevaluated(kafaalat(), officer)

    s.enrolment_approve(acting_user=officer, run=run)
    s.enrolment_confirm(acting_user=second_officer, run=run)

    statuses = dict(Beneficiary.objects.filter(programme=kafaalat()).values_list("household_id", "status"))
    assert statuses == {
        enrolled["poor"].pk: BeneficiaryStatus.EXITED,
        enrolled["other"].pk: BeneficiaryStatus.ACTIVE,
    }


def test_a_re_evaluation_that_changes_nobodys_place_ends_with_nothing_to_change(enrolled, officer):
    scored(enrolled["poor"], 21)  # rescored, still under the cutoff

    run = reevaluated(kafaalat(), officer)

    assert (run.status, run.households, changes(run)) == (RunStatus.UNCHANGED, 1, set())
    assert "Nothing to change" in Job.objects.get(pk=run.job_id).message


def test_a_wealth_flag_raised_after_the_last_run_takes_the_household_out(enrolled, officer, tmp_path):
    from tests.registry.test_wealth_filters import import_list, write_list

    cnic = "3520212345671"
    head = enrolled["other"].members.get(relationship=c.Relationship.HEAD)
    head.identifiers.create(id_type=c.IdType.CNIC, number=cnic, active=True)
    import_list(write_list(tmp_path, [cnic]))

    run = reevaluated(kafaalat(), officer)

    assert changes(run) == {(enrolled["other"].pk, wife(enrolled["other"]).pk, ChangeKind.LEAVE)}


def test_households_changed_before_the_last_settled_run_are_not_judged_again(
    enrolled, officer, second_officer
):
    scored(enrolled["poor"], 60)
    settled(kafaalat(), officer, second_officer)

    with pytest.raises(NotDue, match="No household has changed since the last settled run"):
        reevaluation_due(kafaalat())
    assert changed_households(kafaalat(), kafaalat().enrolment_runs.first().started_at) == ([], None)


def test_nothing_is_re_evaluated_before_a_programme_was_ever_settled(district_a, officer):
    family(district_a, score=20)

    with pytest.raises(
        s.ProgrammeRefused, match="run enrolment over the whole registry and confirm it first"
    ):
        s.reevaluation_start(acting_user=officer, programme=kafaalat())
    assert not EnrolmentRun.objects.exists()


def test_nothing_is_re_evaluated_while_a_run_over_the_whole_registry_waits(enrolled, officer, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    scored(enrolled["poor"], 60)
    s.enrolment_start(acting_user=officer, programme=kafaalat())

    with pytest.raises(s.ProgrammeRefused, match="A run over the whole registry is under way"):
        s.reevaluation_start(acting_user=officer, programme=kafaalat())


def test_a_paused_programme_is_not_re_evaluated(enrolled, officer):
    Programme.objects.filter(code="kafaalat").update(status=ProgrammeStatus.PAUSED)
    scored(enrolled["poor"], 60)

    with pytest.raises(s.ProgrammeRefused, match="Only an active programme is re-evaluated"):
        s.reevaluation_start(acting_user=officer, programme=kafaalat())


def test_a_newer_re_evaluation_supersedes_the_one_waiting_and_covers_its_households(enrolled, officer):
    scored(enrolled["poor"], 60)
    first = reevaluated(kafaalat(), officer)
    scored(enrolled["near"], 30)

    second = reevaluated(kafaalat(), officer)

    first.refresh_from_db()
    assert first.status == RunStatus.SUPERSEDED and second.households == 2
    assert {change for _h, _m, change in changes(second)} == {ChangeKind.LEAVE, ChangeKind.JOIN}


def test_a_waiting_re_evaluation_that_covers_every_change_is_not_repeated(enrolled, officer):
    scored(enrolled["poor"], 60)
    reevaluated(kafaalat(), officer)

    with pytest.raises(s.ProgrammeRefused, match="covers every change already"):
        s.reevaluation_start(acting_user=officer, programme=kafaalat())


def test_a_re_evaluation_still_waiting_for_the_worker_covers_the_changes_made_meanwhile(enrolled, officer):
    scored(enrolled["poor"], 60)
    waiting = s.reevaluation_start(acting_user=officer, programme=kafaalat())
    scored(enrolled["near"], 30)

    with pytest.raises(s.ProgrammeRefused, match="covers every change already"):
        s.reevaluation_start(acting_user=officer, programme=kafaalat())
    compute_enrolment_job.call(waiting.job_id)

    waiting.refresh_from_db()
    assert waiting.households == 2
    assert {change for _h, _m, change in changes(waiting)} == {ChangeKind.LEAVE, ChangeKind.JOIN}


def test_a_run_superseded_while_it_was_computed_stays_superseded(enrolled, officer):
    run = EnrolmentRun.objects.create(programme=kafaalat(), started_by=officer)
    EnrolmentRun.objects.filter(pk=run.pk).update(status=RunStatus.SUPERSEDED)  # by a newer one, meanwhile

    enrolment_compute(run, today=TODAY)

    run.refresh_from_db()
    assert run.status == RunStatus.SUPERSEDED


def test_a_run_over_the_whole_registry_supersedes_a_waiting_re_evaluation(enrolled, officer, settings):
    scored(enrolled["poor"], 60)
    waiting = reevaluated(kafaalat(), officer)
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}

    s.enrolment_start(acting_user=officer, programme=kafaalat())

    waiting.refresh_from_db()
    assert waiting.status == RunStatus.SUPERSEDED


def test_a_new_score_re_evaluates_the_active_programmes_by_itself(
    enrolled, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = IMMEDIATE
    scored(enrolled["poor"], 60)

    with django_capture_on_commit_callbacks(execute=True):
        publish(SCORES_CHANGED, household_ids=[enrolled["poor"].pk])

    run = EnrolmentRun.objects.get(programme=kafaalat(), scope=RunScope.CHANGED)
    assert run.started_by is None and run.status == RunStatus.READY
    assert changes(run) == {(enrolled["poor"].pk, wife(enrolled["poor"]).pk, ChangeKind.LEAVE)}


def test_a_member_removed_by_an_approved_change_request_is_listed_to_leave_by_itself(
    enrolled, personas, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = IMMEDIATE
    household = enrolled["poor"]
    request = change_request_submit(
        acting_user=personas["registration_officer"], household=household, kind=c.ChangeKind.REMOVE_MEMBER,
        member=wife(household), payload={"cause": "died"}, reason="Reported by the union council",
    )  # fmt: skip

    with django_capture_on_commit_callbacks(execute=True):
        change_request_approve(acting_user=personas["second_registration_officer"], change_request=request)

    run = EnrolmentRun.objects.get(programme=kafaalat(), scope=RunScope.CHANGED)
    change = EnrolmentChange.objects.get(run=run)
    assert (change.member_id, change.change) == (wife(household).pk, ChangeKind.LEAVE)
    assert "no longer an active member" in change.reason


def test_changes_to_a_household_re_evaluate_nothing_when_no_programme_was_settled(
    district_a, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = IMMEDIATE
    household = family(district_a, score=20)

    with django_capture_on_commit_callbacks(execute=True):
        publish(HOUSEHOLDS_CHANGED, household_ids=[household.pk], reason="changed")

    assert not EnrolmentRun.objects.exists()


def test_confirming_kafaalat_re_evaluates_the_stipends_that_read_who_is_in_it(
    district_a, officer, second_officer, settings, django_capture_on_commit_callbacks
):
    stipends = Programme.objects.get(code="taleemi-wazaif")
    Programme.objects.filter(pk=stipends.pk).update(status=ProgrammeStatus.ACTIVE)
    settled(stipends, officer, second_officer)  # nobody is in Kafaalat yet: no stipends
    household = family(district_a, score=20, children=[(c.Sex.FEMALE, date(2016, 3, 1), True)])
    settings.TASKS = IMMEDIATE
    run = EnrolmentRun.objects.create(programme=kafaalat(), started_by=officer)
    enrolment_compute(run, today=TODAY)
    s.enrolment_approve(acting_user=officer, run=run)

    with django_capture_on_commit_callbacks(execute=True):
        s.enrolment_confirm(acting_user=second_officer, run=run)

    reevaluation = EnrolmentRun.objects.get(programme__code="taleemi-wazaif", scope=RunScope.CHANGED)
    girl = household.members.get(relationship=c.Relationship.DAUGHTER)
    assert changes(reevaluation) == {(household.pk, girl.pk, ChangeKind.JOIN)}


@pytest.mark.parametrize(
    "role", ["me_analyst", "auditor", "registration_officer", "finance_officer", "partner"]
)
def test_only_programme_staff_start_a_re_evaluation(enrolled, personas, role):
    scored(enrolled["poor"], 60)

    with pytest.raises(PermissionDenied):
        s.reevaluation_start(acting_user=personas[role], programme=kafaalat())


def test_the_programme_page_starts_a_re_evaluation_and_follows_its_job(
    enrolled, officer, client_as, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = IMMEDIATE
    scored(enrolled["poor"], 60)

    with django_capture_on_commit_callbacks(execute=True):
        response = client_as(officer).post(f"/programmes/{kafaalat().code}/reevaluate/")

    run = EnrolmentRun.objects.get(scope=RunScope.CHANGED)
    assert response.status_code == 302 and response["Location"] == f"/jobs/{run.job_id}/"
    page = client_as(officer).get(f"/programmes/runs/{run.pk}/").content.decode()
    assert "A re-evaluation" in page and "1 household changed" in page


def test_the_programme_page_says_why_no_re_evaluation_is_due(enrolled, officer, client_as):
    response = client_as(officer).post(f"/programmes/{kafaalat().code}/reevaluate/", follow=True)

    assert "No household has changed since the last settled run" in response.content.decode()
    assert not EnrolmentRun.objects.filter(scope=RunScope.CHANGED).exists()


def test_the_enrol_command_re_evaluates_the_households_changed(enrolled, capsys):
    scored(enrolled["near"], 30)

    call_command("enrol", "kafaalat", "--changed", "--no-progress")

    printed = capsys.readouterr().out
    assert "Re-evaluated 1 households changed since" in printed and "1 newly qualify" in printed


def test_the_enrol_command_says_when_nothing_is_due(enrolled):
    with pytest.raises(CommandError, match="No household has changed"):
        call_command("enrol", "kafaalat", "--changed", "--no-progress")
