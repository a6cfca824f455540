"""Decisions on likely duplicates: merge the pair (one member stays, the other is removed as a
duplicate of them) or dismiss it (they are two people). And starting a detection run as a job.

A merge never deletes: the removed member keeps their record with the status "removed", and the reason
"duplicate of …" is written in the household's history. Their ID number moves to the kept member when
the kept member has none; otherwise it is deactivated, which frees the number (it was a mistake).
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ehsaas.core.events import HOUSEHOLDS_CHANGED, publish
from ehsaas.core.identity import mask_cnic
from ehsaas.core.models import Job
from ehsaas.core.services import audit_record, job_create
from ehsaas.registry import choices as c
from ehsaas.registry.duplicates import MIN_SCORE, duplicate_candidates_for_user
from ehsaas.registry.models import DuplicateCandidate, Identifier, Member
from ehsaas.registry.tasks.duplicates import find_duplicates

JOB_KIND = "registry.find_duplicates"

MSG_NOT_OPEN = gettext_lazy("This pair has already been decided (%(status)s).")
MSG_KEEP_ONE = gettext_lazy("Choose which of the two members to keep.")
MSG_NOTE_REQUIRED = gettext_lazy("Say why these are two different people: a note is required.")
MSG_NOT_ACTIVE = gettext_lazy(
    "%(name)s is no longer an active member (status: %(status)s); dismiss this pair instead."
)
MSG_HEAD = gettext_lazy(
    "%(name)s is the head of household %(household)s: a merge cannot remove a head. Keep %(name)s, "
    "or ask for a change of head first."
)


class DuplicateDecisionError(ValidationError):
    """A merge or dismissal that cannot be made, with the reason why."""


@transaction.atomic
def duplicate_merge(
    *, acting_user, candidate: DuplicateCandidate, keep: Member, note: str = ""
) -> DuplicateCandidate:
    """Keep one member of the pair and mark the other removed as their duplicate."""
    candidate = _open_candidate(acting_user, candidate)
    if keep.pk not in (candidate.member_a_id, candidate.member_b_id):
        raise DuplicateDecisionError(MSG_KEEP_ONE)
    members = {m.pk: m for m in Member.objects.filter(pk__in=[candidate.member_a_id, candidate.member_b_id])
               .select_related("household").prefetch_related("identifiers")}  # fmt: skip
    kept = members[keep.pk]
    removed = members[candidate.member_b_id if keep.pk == candidate.member_a_id else candidate.member_a_id]
    for member in (kept, removed):
        if member.status != c.MemberStatus.ACTIVE:
            raise DuplicateDecisionError(
                MSG_NOT_ACTIVE, params={"name": member.full_name, "status": member.get_status_display()}
            )
    if removed.relationship == c.Relationship.HEAD:
        raise DuplicateDecisionError(
            MSG_HEAD, params={"name": removed.full_name, "household": removed.household.household_ref}
        )

    removed.status = c.MemberStatus.REMOVED
    removed.save(update_fields=["status"])
    held = Identifier.objects.filter(member=removed, active=True)
    numbers = [mask_cnic(n) for n in held.values_list("number", flat=True)]
    kept_has_id = any(i.active for i in kept.identifiers.all())
    if kept_has_id:
        held.update(active=False)
    else:
        held.update(member=kept)
    _decide(acting_user, candidate, c.DuplicateStatus.MERGED, note)
    closed = _close_other_pairs(acting_user, candidate, removed)

    duplicate_of = _("duplicate of %(name)s (household %(household)s, member %(number)s)") % {
        "name": kept.full_name,
        "household": kept.household.household_ref,
        "number": kept.member_no,
    }
    changes = {
        "duplicate_candidate": candidate.pk,
        "kept": kept.pk,
        "removed": removed.pk,
        "status": [c.MemberStatus.ACTIVE, c.MemberStatus.REMOVED],
        "identifiers_deactivated" if kept_has_id else "identifiers_moved_to_kept": numbers,
        "other_pairs_closed": closed,
    }
    audit_record(
        actor=acting_user,
        action="member.removed",
        subject=removed.household,
        summary=_("Member removed: %(name)s, %(why)s") % {"name": removed.full_name, "why": duplicate_of},
        reason=duplicate_of,
        changes=changes,
    )
    for household in _households(kept, removed):
        audit_record(
            actor=acting_user,
            action="duplicate.merged",
            subject=household,
            summary=_("Likely duplicates merged: %(removed)s into %(kept)s")
            % {"removed": removed.full_name, "kept": kept.full_name},
            reason=candidate.note,
            changes=changes,
        )
    publish(
        HOUSEHOLDS_CHANGED, household_ids=sorted({kept.household_id, removed.household_id}), reason="merged"
    )
    return candidate


@transaction.atomic
def duplicate_dismiss(*, acting_user, candidate: DuplicateCandidate, note: str) -> DuplicateCandidate:
    """Record that the two members are different people; the pair is not listed again."""
    note = (note or "").strip()
    if not note:
        raise DuplicateDecisionError(MSG_NOTE_REQUIRED)
    candidate = _open_candidate(acting_user, candidate)
    _decide(acting_user, candidate, c.DuplicateStatus.DISMISSED, note)
    a, b = candidate.member_a, candidate.member_b
    for household in _households(a, b):
        audit_record(
            actor=acting_user,
            action="duplicate.dismissed",
            subject=household,
            summary=_("Not duplicates: %(a)s and %(b)s") % {"a": a.full_name, "b": b.full_name},
            reason=note,
            changes={"duplicate_candidate": candidate.pk, "members": [a.pk, b.pk], "score": candidate.score},
        )
    return candidate


@transaction.atomic
def duplicate_detection_start(*, acting_user, min_score: int = MIN_SCORE) -> Job:
    """Start a detection run in the task worker; the returned job shows its progress."""
    if not acting_user.has_perm("registry.review_duplicates"):
        raise PermissionDenied
    job = job_create(
        kind=JOB_KIND,
        acting_user=acting_user,
        params={"min_score": min_score},
        message=_("Waiting for the worker"),
    )
    transaction.on_commit(lambda: find_duplicates.enqueue(job.pk))
    return job


def _open_candidate(user, candidate: DuplicateCandidate) -> DuplicateCandidate:
    """The pair, visible to the user, re-read under a lock, still open."""
    visible = duplicate_candidates_for_user(user=user).filter(pk=candidate.pk).values_list("pk", flat=True)
    locked = DuplicateCandidate.objects.select_for_update(of=("self",)).filter(pk__in=list(visible))
    fresh = locked.select_related("member_a__household", "member_b__household").first()
    if fresh is None:
        raise Http404
    if fresh.status != c.DuplicateStatus.OPEN:
        raise DuplicateDecisionError(MSG_NOT_OPEN, params={"status": fresh.get_status_display()})
    return fresh


def _decide(user, candidate: DuplicateCandidate, status: str, note: str) -> None:
    candidate.status = status
    candidate.decided_by = user
    candidate.decided_at = timezone.now()
    candidate.note = (note or "").strip()
    candidate.save(update_fields=["status", "decided_by", "decided_at", "note"])


def _close_other_pairs(user, candidate: DuplicateCandidate, removed: Member) -> list[int]:
    """Other open pairs with the removed member are closed: the member is no longer in the registry's
    active list, and their duplicate (the kept member) is paired with the others on the next run."""
    others = DuplicateCandidate.objects.filter(status=c.DuplicateStatus.OPEN).exclude(pk=candidate.pk)
    others = others.filter(member_a=removed) | others.filter(member_b=removed)
    ids = list(others.values_list("pk", flat=True))
    DuplicateCandidate.objects.filter(pk__in=ids).update(
        status=c.DuplicateStatus.DISMISSED,
        decided_by=user,
        decided_at=timezone.now(),
        note=_("Closed: %(name)s was removed as a duplicate (pair #%(pair)s).")
        % {"name": removed.full_name, "pair": candidate.pk},
    )
    return ids


def _households(*members: Member) -> list:
    seen = {}
    for member in members:
        seen.setdefault(member.household_id, member.household)
    return list(seen.values())
