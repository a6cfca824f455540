"""Importing a list, and matching again the households that changed since."""

from dataclasses import asdict, dataclass
from datetime import date, datetime
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ehsaas.core.progress import NoProgress, Progress
from ehsaas.core.services import audit_record
from ehsaas.registry import choices as c
from ehsaas.registry.models import WealthFlag, WealthList
from ehsaas.registry.wealth.files import (
    WealthListRefused,
    wealth_entries_write,
    wealth_file_stage,
    wealth_stage_drop,
)
from ehsaas.registry.wealth.matching import (
    flags_audit,
    flags_insert,
    flags_lift_stale,
    flags_supersede,
    list_summary,
)

MSG_UNKNOWN_SOURCE = gettext_lazy("Unknown source %(source)s; choose one of: %(sources)s.")
MSG_AGENCY_REQUIRED = gettext_lazy("Say which agency sent the list.")
MSG_OLDER_THAN_CURRENT = gettext_lazy(
    "The current %(list)s is as of %(current)s; a list as of %(as_of)s is older and would not replace "
    "it. Nothing was imported."
)


@dataclass
class WealthListImport:
    """What importing a list did: its figures, as a job or the command line reports them."""

    wealth_list: int
    lines: int
    distinct: int
    duplicates: int
    members_matched: int
    households_flagged: int
    lifted: int

    def as_dict(self) -> dict:
        return asdict(self)


@transaction.atomic
def wealth_list_import(
    *,
    path: Path,
    source: str,
    agency: str,
    as_of: date,
    acting_user=None,
    file_name: str = "",
    progress: Progress | None = None,
) -> WealthListImport:
    """Import a list file (a `cnic` column, optional `name` and `detail`), flag the households of the
    active members who hold its CNICs, and supersede the older list of the same source: its flags that the
    new list does not repeat are lifted. A file with malformed CNICs is refused whole (WealthListRefused)
    and nothing is written. `acting_user` None is the system (the command line without --user)."""
    if acting_user is not None and not acting_user.has_perm("registry.import_wealth_list"):
        raise PermissionDenied
    progress = progress or NoProgress()
    if source not in c.WealthSource.values:
        raise WealthListRefused(
            MSG_UNKNOWN_SOURCE % {"source": source, "sources": ", ".join(c.WealthSource.values)}
        )
    agency = (agency or "").strip()
    if not agency:
        raise WealthListRefused(MSG_AGENCY_REQUIRED)
    current = (
        WealthList.objects.select_for_update()
        .filter(source=source, status=c.WealthListStatus.CURRENT)
        .first()
    )
    if current is not None and as_of < current.as_of:
        raise WealthListRefused(
            MSG_OLDER_THAN_CURRENT
            % {
                "list": c.WEALTH_LIST_NAMES[source],
                "current": date_format(current.as_of, "DATE_FORMAT"),
                "as_of": date_format(as_of, "DATE_FORMAT"),
            }
        )
    label = file_name or Path(path).name
    read = wealth_file_stage(Path(path), label=label, progress=progress)

    progress.start(0, _("Matching the list against the registry"))
    if current is not None:  # one current list per source (a constraint): the old one steps down first
        current.status = c.WealthListStatus.SUPERSEDED
        current.save(update_fields=["status"])
    wealth_list = WealthList.objects.create(
        source=source,
        agency=agency,
        as_of=as_of,
        file_name=label[:255],
        lines=read.lines,
        imported_by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
    )
    wealth_list.distinct_cnics = wealth_entries_write(wealth_list)
    wealth_stage_drop()
    now = timezone.now()
    flags_insert(wealth_list, now=now)
    lifted = 0
    if current is not None:
        current.superseded_by = wealth_list
        current.save(update_fields=["superseded_by"])
        lifted = flags_supersede(current, wealth_list, now=now)
    flags_audit(actor=acting_user, now=now, previous=current)
    figures = WealthFlag.objects.filter(wealth_list=wealth_list).aggregate(
        members=Count("member_id", distinct=True), households=Count("household_id", distinct=True)
    )
    wealth_list.members_matched, wealth_list.households_flagged = figures["members"], figures["households"]
    wealth_list.save(update_fields=["distinct_cnics", "members_matched", "households_flagged"])
    result = WealthListImport(
        wealth_list=wealth_list.pk,
        lines=read.lines,
        distinct=wealth_list.distinct_cnics,
        duplicates=read.lines - wealth_list.distinct_cnics,
        members_matched=wealth_list.members_matched,
        households_flagged=wealth_list.households_flagged,
        lifted=lifted,
    )
    audit_record(
        actor=acting_user,
        action="wealth.list_imported",
        subject=wealth_list,
        summary=_("Imported %(list)s") % {"list": list_summary(wealth_list)},
        changes={**result.as_dict(), "superseded": current.pk if current else None},
    )
    return result


@transaction.atomic
def wealth_flags_refresh(*, household_ids: list[int] | None = None, since: datetime | None = None) -> dict:
    """Match the current lists again against some households (those named, or those updated since a
    moment): flag members who now match, lift flags of members who no longer do (removed, moved, a CNIC
    given up). Run after households are registered, changed, merged or imported."""
    if not WealthList.objects.filter(status=c.WealthListStatus.CURRENT).exists():
        return {"flagged": 0, "lifted": 0}
    now = timezone.now()
    lifted = flags_lift_stale(now=now, household_ids=household_ids, since=since)
    flagged = sum(
        flags_insert(wealth_list, now=now, household_ids=household_ids, since=since)
        for wealth_list in WealthList.objects.filter(status=c.WealthListStatus.CURRENT)
    )
    flags_audit(actor=None, now=now)
    return {"flagged": flagged, "lifted": lifted}
