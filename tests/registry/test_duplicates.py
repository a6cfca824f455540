"""Duplicate detection beyond the ID number, and the merge and dismiss decisions."""

from datetime import date
from io import StringIO

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.core.management import call_command

from ehsaas.core.choices import JobStatus, Role
from ehsaas.core.models import AuditEvent, Job
from ehsaas.registry import choices as c
from ehsaas.registry import duplicates
from ehsaas.registry.duplicates import duplicate_candidates_for_user, duplicates_find, reason_text
from ehsaas.registry.models import DuplicateCandidate, Identifier
from ehsaas.registry.services.duplicates import (
    DuplicateDecisionError,
    duplicate_detection_start,
    duplicate_dismiss,
    duplicate_merge,
)
from tests.conftest import make_user
from tests.registry.records import make_household, make_member, new_cnic

BORN = date(1980, 1, 1)


@pytest.fixture
def reviewer(personas):
    return personas["registration_officer"]


@pytest.fixture
def latin_and_urdu(district_a):
    """One man written twice: in Latin letters in one household, in Urdu script in another."""
    first = make_household(district_a, ref="HH-A-101")
    make_member(first, "Ghulam Nabi", relationship=c.Relationship.HEAD, date_of_birth=date(1950, 2, 2))
    latin = make_member(first, "Muhammad Ali", date_of_birth=BORN, cnic=new_cnic())
    second = make_household(district_a, ref="HH-A-102")
    make_member(second, "Rashid Mehmood", relationship=c.Relationship.HEAD, date_of_birth=date(1960, 3, 3))
    urdu = make_member(second, "محمد علی", date_of_birth=BORN)
    return latin, urdu


def test_the_same_man_in_latin_and_urdu_script_is_found(latin_and_urdu):
    latin, urdu = latin_and_urdu
    result = duplicates_find()

    assert result.new_pairs == 1
    pair = DuplicateCandidate.objects.get()
    assert (pair.member_a, pair.member_b) == (latin, urdu)
    assert pair.status == c.DuplicateStatus.OPEN
    assert pair.score >= 90
    codes = [r["code"] for r in pair.reasons]
    assert codes[:2] == ["same_date_of_birth", "same_district"]
    assert "names_sound_alike" in codes and "different_scripts" in codes
    assert reason_text(pair.reasons[-2]) == "Names sound alike (100/100)"


def test_members_born_on_different_days_are_not_paired(district_a):
    household = make_household(district_a)
    make_member(household, "Muhammad Ali", date_of_birth=BORN)
    make_member(make_household(district_a), "محمد علی", date_of_birth=date(1980, 1, 2))

    assert duplicates_find().found == 0
    assert not DuplicateCandidate.objects.exists()


def test_members_in_different_districts_are_not_paired(district_a, district_b):
    make_member(make_household(district_a), "Muhammad Ali", date_of_birth=BORN)
    make_member(make_household(district_b), "Muhammad Ali", date_of_birth=BORN)

    assert duplicates_find().found == 0


def test_names_that_only_share_a_skeleton_are_not_paired(district_a):
    make_member(make_household(district_a), "Ahmed Khan", date_of_birth=BORN)
    make_member(make_household(district_a), "Muhammad Khan", date_of_birth=BORN)

    assert duplicates_find().found == 0


def test_sharing_only_a_common_word_such_as_muhammad_is_not_enough(district_a):
    make_member(make_household(district_a), "Muhammad Ali", date_of_birth=BORN)
    make_member(make_household(district_a), "Muhammad Aslam", date_of_birth=BORN)

    assert duplicates_find().found == 0


def test_bibi_written_as_two_words_in_urdu_still_matches(district_a):
    make_member(make_household(district_a), "Fatima Bibi", sex="female", date_of_birth=BORN)
    make_member(make_household(district_a), "فاطمہ بی بی", sex="female", date_of_birth=BORN)

    assert duplicates_find().found == 1
    assert DuplicateCandidate.objects.get().score >= 90


def test_two_members_holding_different_id_numbers_are_not_paired(district_a):
    make_member(make_household(district_a), "Muhammad Ali", date_of_birth=BORN, cnic=new_cnic())
    make_member(make_household(district_a), "Muhammad Ali", date_of_birth=BORN, cnic=new_cnic())

    assert duplicates_find().found == 0


def test_removed_members_are_not_compared(district_a):
    make_member(make_household(district_a), "Muhammad Ali", date_of_birth=BORN)
    make_member(make_household(district_a), "Muhammad Ali", date_of_birth=BORN, status=c.MemberStatus.REMOVED)

    assert duplicates_find().found == 0


def test_running_detection_twice_adds_no_pair_twice(latin_and_urdu):
    assert duplicates_find().new_pairs == 1
    again = duplicates_find()

    assert (again.found, again.new_pairs) == (1, 0)
    assert DuplicateCandidate.objects.count() == 1


def test_pairs_are_written_while_the_members_are_still_being_read(district_a, monkeypatch):
    monkeypatch.setattr(duplicates, "READ_CHUNK", 1)
    monkeypatch.setattr(duplicates, "WRITE_BATCH", 1)
    for born in (date(1970, 1, 1), date(1971, 1, 1), date(1972, 1, 1)):
        make_member(make_household(district_a), "Muhammad Ali", date_of_birth=born)
        make_member(make_household(district_a), "محمد علی", date_of_birth=born)

    result = duplicates_find()

    assert (result.blocks, result.new_pairs) == (3, 3)
    assert DuplicateCandidate.objects.count() == 3


def test_detection_can_be_limited_to_some_districts(latin_and_urdu, district_a, district_b):
    assert duplicates_find(district_ids=[district_b.pk]).found == 0
    assert duplicates_find(district_ids=[district_a.pk]).found == 1


def test_a_dismissed_pair_is_not_listed_again(latin_and_urdu, reviewer):
    duplicates_find()
    duplicate_dismiss(
        acting_user=reviewer, candidate=DuplicateCandidate.objects.get(), note="Cousins, met both"
    )

    assert duplicates_find().new_pairs == 0
    assert not DuplicateCandidate.objects.filter(status=c.DuplicateStatus.OPEN).exists()


def test_merging_removes_the_other_and_moves_their_id_to_the_kept_member(latin_and_urdu, reviewer):
    latin, urdu = latin_and_urdu
    duplicates_find()
    pair = DuplicateCandidate.objects.get()
    number = latin.identifiers.get().number

    duplicate_merge(acting_user=reviewer, candidate=pair, keep=urdu, note="Same man, confirmed by phone")

    latin.refresh_from_db()
    pair.refresh_from_db()
    assert latin.status == c.MemberStatus.REMOVED
    assert Identifier.objects.get(number=number).member == urdu
    assert (pair.status, pair.decided_by, pair.note) == (
        c.DuplicateStatus.MERGED, reviewer, "Same man, confirmed by phone",
    )  # fmt: skip
    removed = AuditEvent.objects.get(action="member.removed", subject_id=latin.household_id)
    assert removed.reason.startswith("duplicate of محمد علی (household HH-A-102")
    assert AuditEvent.objects.filter(action="duplicate.merged").count() == 2  # both households' histories


def test_merging_deactivates_the_removed_members_id_when_the_kept_one_has_their_own(district_a, reviewer):
    kept = make_member(make_household(district_a), "Muhammad Ali", date_of_birth=BORN, cnic=new_cnic())
    other = make_member(make_household(district_a), "Mohammed Ali", date_of_birth=BORN, cnic=new_cnic())
    pair = DuplicateCandidate.objects.create(member_a=kept, member_b=other, score=90)

    duplicate_merge(acting_user=reviewer, candidate=pair, keep=kept)

    assert list(other.identifiers.values_list("active", flat=True)) == [False]
    assert list(kept.identifiers.values_list("active", flat=True)) == [True]


def test_a_merge_cannot_remove_a_head_of_household(district_a, reviewer):
    household = make_household(district_a, ref="HH-A-200")
    head = make_member(household, "Muhammad Ali", relationship=c.Relationship.HEAD, date_of_birth=BORN)
    other = make_member(make_household(district_a), "Mohammed Ali", date_of_birth=BORN)
    pair = DuplicateCandidate.objects.create(member_a=head, member_b=other, score=90)

    with pytest.raises(DuplicateDecisionError, match="HH-A-200: a merge cannot remove a head"):
        duplicate_merge(acting_user=reviewer, candidate=pair, keep=other)
    head.refresh_from_db()
    assert head.status == c.MemberStatus.ACTIVE


def test_a_merge_keeps_one_of_the_two(latin_and_urdu, reviewer, district_a):
    duplicates_find()
    stranger = make_member(make_household(district_a), "Someone Else")
    with pytest.raises(DuplicateDecisionError, match="Choose which of the two members to keep"):
        duplicate_merge(acting_user=reviewer, candidate=DuplicateCandidate.objects.get(), keep=stranger)


def test_a_decided_pair_cannot_be_decided_again(latin_and_urdu, reviewer):
    latin, _ = latin_and_urdu
    duplicates_find()
    pair = DuplicateCandidate.objects.get()
    duplicate_dismiss(acting_user=reviewer, candidate=pair, note="Different fathers")
    with pytest.raises(DuplicateDecisionError, match="already been decided"):
        duplicate_merge(acting_user=reviewer, candidate=pair, keep=latin)


def test_dismissing_needs_a_note_and_is_recorded_in_both_histories(latin_and_urdu, reviewer):
    latin, urdu = latin_and_urdu
    duplicates_find()
    pair = DuplicateCandidate.objects.get()
    with pytest.raises(DuplicateDecisionError, match="a note is required"):
        duplicate_dismiss(acting_user=reviewer, candidate=pair, note="")

    duplicate_dismiss(acting_user=reviewer, candidate=pair, note="Different fathers")

    dismissed = AuditEvent.objects.filter(action="duplicate.dismissed")
    assert sorted(dismissed.values_list("subject_id", flat=True)) == sorted(
        [latin.household_id, urdu.household_id]
    )
    assert set(dismissed.values_list("reason", flat=True)) == {"Different fathers"}


def test_a_role_without_the_review_permission_cannot_decide(latin_and_urdu, personas):
    duplicates_find()
    with pytest.raises(PermissionDenied):
        duplicate_dismiss(
            acting_user=personas["programme_officer"], candidate=DuplicateCandidate.objects.get(), note="x"
        )


def test_a_partner_reviewer_sees_only_pairs_within_their_districts(latin_and_urdu, district_a, district_b):
    make_member(make_household(district_b), "Fatima Bibi", sex="female", date_of_birth=BORN)
    make_member(make_household(district_b), "فاطمہ بی بی", sex="female", date_of_birth=BORN)
    duplicates_find()
    assert DuplicateCandidate.objects.count() == 2
    partner = make_user("partner_reviewer", Role.PARTNER, districts=[district_a])
    partner.user_permissions.add(Permission.objects.get(codename="review_duplicates"))

    visible = duplicate_candidates_for_user(user=partner)

    assert [p.member_a.full_name for p in visible] == ["Muhammad Ali"]


def test_the_command_prints_how_many_new_pairs(latin_and_urdu):
    out = StringIO()
    call_command("find-duplicates", "--no-progress", stdout=out)
    assert out.getvalue().startswith("1 new pairs of likely duplicates")
    out = StringIO()
    call_command("find-duplicates", "--no-progress", stdout=out)
    assert out.getvalue().startswith("0 new pairs of likely duplicates (1 found")


def test_detection_started_from_the_ui_runs_as_a_job_with_progress(
    latin_and_urdu, reviewer, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        job = duplicate_detection_start(acting_user=reviewer)

    job = Job.objects.get(pk=job.pk)
    assert job.status == JobStatus.SUCCEEDED
    assert job.created_by == reviewer
    assert (job.done, job.total) == (2, 2)
    assert job.result["new_pairs"] == 1
    assert DuplicateCandidate.objects.count() == 1
