"""Wealth filters: starting a list's import from the browser as a Job, and overrides of a flag, asked
for by one user and decided by another (maker-checker).

The import itself and the matching of households registered later (`wealth_list_import`,
`wealth_flags_refresh`) are set-based work in `registry/wealth/`, which the worker's tasks call;
they are re-exported here so that callers find every write of wealth filters in one place.
"""

import uuid
from datetime import date
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ehsaas.core.maker_checker import maker_checker_decide, maker_checker_ensure_open
from ehsaas.core.models import Job
from ehsaas.core.services import audit_record, job_create
from ehsaas.registry import choices as c
from ehsaas.registry.models import WealthFlag, WealthOverride
from ehsaas.registry.tasks.wealth_filters import import_wealth_list
from ehsaas.registry.wealth.files import WealthListRefused
from ehsaas.registry.wealth.importing import WealthListImport, wealth_flags_refresh, wealth_list_import
from ehsaas.registry.wealth.selectors import wealth_flags_for_user, wealth_override_get_for_user

__all__ = [
    "WealthListImport",
    "WealthListRefused",
    "WealthOverrideError",
    "wealth_flags_refresh",
    "wealth_list_import",
    "wealth_list_import_start",
    "wealth_override_approve",
    "wealth_override_reject",
    "wealth_override_request",
]

JOB_KIND = "registry.wealth_import"
UPLOAD_FOLDER = "wealth-lists"

MSG_REASON_REQUIRED = gettext_lazy("Write why the person should not be excluded, and what was seen.")
MSG_NOTE_REQUIRED = gettext_lazy("Write why the override is rejected.")
MSG_FLAG_NOT_ACTIVE = gettext_lazy(
    "This flag no longer excludes the household; there is nothing to override."
)
MSG_OVERRIDE_EXISTS = gettext_lazy(
    "An override for this member and list is already %(status)s; it cannot be asked for twice."
)
MSG_OWN_OVERRIDE = gettext_lazy("You asked for this override: another person must approve or reject it.")
MSG_ALREADY_DECIDED = gettext_lazy("This override has already been decided (%(status)s).")


class WealthOverrideError(ValidationError):
    """An override that cannot be asked for, approved or rejected, with the reason why."""


def _store(upload: UploadedFile) -> Path:
    folder = Path(settings.MEDIA_ROOT) / UPLOAD_FOLDER / uuid.uuid4().hex
    folder.mkdir(parents=True)
    target = folder / "list.csv"
    with target.open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return target


@transaction.atomic
def wealth_list_import_start(
    *, acting_user, upload: UploadedFile, source: str, agency: str, as_of: date
) -> Job:
    """Keep the uploaded file for the worker and queue its import as a Job, enqueued once the Job row
    is committed (so the worker never looks for a job that does not exist yet)."""
    if not acting_user.has_perm("registry.import_wealth_list"):
        raise PermissionDenied
    params = {
        "path": str(_store(upload)),
        "file_name": upload.name,
        "source": source,
        "agency": agency,
        "as_of": as_of.isoformat(),
    }
    job = job_create(
        kind=JOB_KIND, acting_user=acting_user, params=params, message=_("Waiting for the worker")
    )
    audit_record(
        actor=acting_user,
        action="wealth.import_started",
        subject=job,
        summary=f"Import of wealth list {upload.name} ({source}, as of {as_of.isoformat()}) queued",
    )
    transaction.on_commit(lambda: import_wealth_list.enqueue(job.pk))
    return job


# Overrides (maker-checker)


def _override_summary(template: str, override: WealthOverride) -> str:
    return template % {
        "name": override.member.full_name,
        "member_no": override.member.member_no,
        "list": c.WEALTH_LIST_NAMES[override.source],
    }


@transaction.atomic
def wealth_override_request(*, acting_user, flag: WealthFlag, reason: str) -> WealthOverride:
    """Record that a member disputes being on a list, with a written reason, for another user to decide."""
    if not acting_user.has_perm("registry.request_wealth_override"):
        raise PermissionDenied
    flag = wealth_flags_for_user(user=acting_user).select_for_update(of=("self",)).filter(pk=flag.pk).first()
    if flag is None:
        raise PermissionDenied
    reason = (reason or "").strip()
    if not reason:
        raise WealthOverrideError(MSG_REASON_REQUIRED)
    if flag.status != c.WealthFlagStatus.ACTIVE:
        raise WealthOverrideError(MSG_FLAG_NOT_ACTIVE)
    standing = WealthOverride.objects.filter(
        member_id=flag.member_id,
        source=flag.source,
        status__in=[c.WealthOverrideStatus.SUBMITTED, c.WealthOverrideStatus.APPROVED],
    ).first()
    if standing is not None:
        raise WealthOverrideError(MSG_OVERRIDE_EXISTS, params={"status": standing.get_status_display()})
    override = WealthOverride.objects.create(
        flag=flag,
        household_id=flag.household_id,
        member_id=flag.member_id,
        source=flag.source,
        reason=reason,
        requested_by=acting_user,
    )
    audit_record(
        actor=acting_user,
        action="wealth.override_requested",
        subject=flag.household,
        summary=_override_summary(
            _("Override asked for %(name)s (member %(member_no)s) on the %(list)s"), override
        ),
        reason=reason,
        changes={"wealth_override": override.pk, "wealth_flag": flag.pk, "source": flag.source},
    )
    return override


def _open_for_decision(acting_user, override: WealthOverride) -> WealthOverride:
    if not acting_user.has_perm("registry.decide_wealth_override"):
        raise PermissionDenied
    override = wealth_override_get_for_user(user=acting_user, pk=override.pk)
    override = (
        WealthOverride.objects.select_for_update().select_related("member", "household").get(pk=override.pk)
    )
    maker_checker_ensure_open(
        override,
        acting_user=acting_user,
        refused=WealthOverrideError,
        own_message=MSG_OWN_OVERRIDE,
        decided_message=MSG_ALREADY_DECIDED,
    )
    return override


def _decide(acting_user, override: WealthOverride, status: str, note: str, action: str, summary: str) -> None:
    maker_checker_decide(override, acting_user=acting_user, status=status, note=note)
    audit_record(
        actor=acting_user,
        action=action,
        subject=override.household,
        summary=_override_summary(summary, override),
        reason=note or override.reason,
        changes={"wealth_override": override.pk, "wealth_flag": override.flag_id, "source": override.source},
    )


@transaction.atomic
def wealth_override_approve(*, acting_user, override: WealthOverride, note: str = "") -> WealthOverride:
    """Lift the exclusion for the member and source (the flag itself stays, for history)."""
    override = _open_for_decision(acting_user, override)
    _decide(
        acting_user,
        override,
        c.WealthOverrideStatus.APPROVED,
        (note or "").strip(),
        "wealth.override_approved",
        _(
            "Override approved: %(name)s (member %(member_no)s) no longer excludes the household for the %(list)s"
        ),
    )
    return override


@transaction.atomic
def wealth_override_reject(*, acting_user, override: WealthOverride, note: str) -> WealthOverride:
    """The exclusion stands; the note says why."""
    note = (note or "").strip()
    if not note:
        raise WealthOverrideError(MSG_NOTE_REQUIRED)
    override = _open_for_decision(acting_user, override)
    _decide(
        acting_user,
        override,
        c.WealthOverrideStatus.REJECTED,
        note,
        "wealth.override_rejected",
        _("Override rejected for %(name)s (member %(member_no)s) on the %(list)s"),
    )
    return override
