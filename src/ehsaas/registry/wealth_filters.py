"""Wealth filters: lists of people who are not poor, from other agencies, matched by CNIC against the
registry's members; each match excludes the member's household from targeting (a WealthFlag).

Everything here is set-based. A list file is read with polars in batches (memory stays flat for
millions of lines) into a staging table (COPY on PostgreSQL), then written and matched with a few SQL
statements, never one query per row. The services in `services/wealth_filters.py` call these in their
transactions; the selectors at the end are what pages and downstream apps read.
"""

import csv
import io
import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from pathlib import Path

import polars as pl
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from ehsaas.core.access import district_scope
from ehsaas.core.identity import mask_cnic
from ehsaas.core.progress import NoProgress, Progress
from ehsaas.core.services import audit_record
from ehsaas.registry import choices as c
from ehsaas.registry.models import Household, Identifier, WealthFlag, WealthList, WealthOverride

BATCH_ROWS = 200_000
SHOWN_PROBLEMS = 5  # malformed CNICs named in the refusal; the rest are counted
_ID_CHUNK = 1_000  # household ids per statement when an event names them

MSG_UNKNOWN_SOURCE = gettext_lazy("Unknown source %(source)s; choose one of: %(sources)s.")
MSG_AGENCY_REQUIRED = gettext_lazy("Say which agency sent the list.")
MSG_NO_FILE = gettext_lazy("%(file)s: no such file")
MSG_NOT_UTF8 = gettext_lazy("%(file)s: not UTF-8 text; save it as CSV UTF-8 and try again")
MSG_NOT_CSV = gettext_lazy("%(file)s: not a well-formed CSV file (%(error)s)")
MSG_NO_CNIC_COLUMN = gettext_lazy(
    "%(file)s has no cnic column (its columns are: %(columns)s). Nothing was imported."
)
MSG_EMPTY = gettext_lazy("%(file)s has no lines under its header. Nothing was imported.")
MSG_OLDER_THAN_CURRENT = gettext_lazy(
    "The current %(list)s is as of %(current)s; a list as of %(as_of)s is older and would not replace "
    "it. Nothing was imported."
)
MSG_CNIC_RULE = gettext_lazy(
    "A CNIC is 13 digits, written NNNNN-NNNNNNN-N (dashes optional). Nothing was imported."
)
MSG_REASON = gettext_lazy(
    "%(name)s (member %(member_no)s, CNIC %(cnic)s) is on the %(list)s of %(agency)s, as of %(date)s"
)


class WealthListRefused(Exception):
    """The list cannot be imported as it is; nothing was written. The message says why and where."""


@dataclass
class ListRead:
    """What reading a list file found: its good lines are in the staging table."""

    lines: int = 0
    bad_lines: int = 0
    bad_examples: list[tuple[int, str]] = field(default_factory=list)


# Reading and staging a list file


def _header(path: Path, label: str) -> list[str]:
    if not path.is_file():
        raise WealthListRefused(MSG_NO_FILE % {"file": label})
    with path.open("rb") as handle:
        first_line = handle.readline(64 * 1024)
    try:
        text = first_line.decode("utf-8")
    except UnicodeDecodeError:
        raise WealthListRefused(MSG_NOT_UTF8 % {"file": label}) from None
    return [name.strip().lstrip("\ufeff").strip().lower() for name in next(csv.reader([text]), [])]


def _bad_cnics_message(label: str, read: ListRead) -> str:
    lines = ", ".join(
        _("line %(line)s «%(value)s»") % {"line": line, "value": value} for line, value in read.bad_examples
    )
    more = read.bad_lines - len(read.bad_examples)
    if more:
        lines += ngettext(" and %(more)s more", " and %(more)s more", more) % {"more": more}
    text = ngettext(
        "%(file)s: %(count)s line has a malformed CNIC: %(lines)s.",
        "%(file)s: %(count)s lines have a malformed CNIC: %(lines)s.",
        read.bad_lines,
    ) % {"file": label, "count": read.bad_lines, "lines": lines}
    return f"{text} {MSG_CNIC_RULE}"


def wealth_file_stage(path: Path, *, label: str, progress: Progress | None = None) -> ListRead:
    """Read a list file in batches into the staging table `wealth_stage` (cnic, name, detail), checking
    every CNIC. Raises WealthListRefused for a file without a cnic column, or with malformed CNICs (the
    first few named with their line numbers and values, the rest counted)."""
    progress = progress or NoProgress()
    header = _header(Path(path), label)
    if "cnic" not in header:
        raise WealthListRefused(MSG_NO_CNIC_COLUMN % {"file": label, "columns": ", ".join(header) or "—"})
    progress.start(_count_lines(Path(path)), _("Reading the list"), unit="lines")
    _create_stage()
    read = ListRead()
    frame = pl.scan_csv(
        path, infer_schema=False, row_index_name="_line", row_index_offset=2, raise_if_empty=False
    )
    frame = frame.rename(lambda name: name.strip().lstrip("\ufeff").strip().lower())
    wanted = [name for name in ("cnic", "name", "detail") if name in header]
    try:
        for batch in frame.select("_line", *wanted).collect_batches(chunk_size=BATCH_ROWS):
            _stage_batch(batch, read)
            progress.advance(batch.height)
    except pl.exceptions.PolarsError as error:
        raise WealthListRefused(MSG_NOT_CSV % {"file": label, "error": error}) from error
    progress.close()
    if read.bad_lines:
        raise WealthListRefused(_bad_cnics_message(label, read))
    if not read.lines:
        raise WealthListRefused(MSG_EMPTY % {"file": label})
    return read


def _count_lines(path: Path) -> int:
    with path.open("rb") as handle:
        lines = sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b""))
    return max(0, lines - 1)


def _stage_batch(batch: pl.DataFrame, read: ListRead) -> None:
    raw = pl.col("cnic").fill_null("").str.strip_chars()
    digits = raw.str.replace_all(r"[\s\-]", "")
    checked = batch.with_columns(
        raw.alias("_raw"),
        digits.alias("cnic"),
        (digits.str.contains(r"^\d{13}$") & (digits != "0" * 13)).alias("_ok"),
    )
    bad = checked.filter(~pl.col("_ok"))
    read.lines += batch.height
    if bad.height:
        read.bad_lines += bad.height
        room = SHOWN_PROBLEMS - len(read.bad_examples)
        if room > 0:
            read.bad_examples += bad.head(room).select("_line", "_raw").rows()
        return
    if read.bad_lines:  # the file is refused whatever follows; only the count goes on
        return
    good = checked.select(
        "cnic",
        (pl.col("name") if "name" in batch.columns else pl.lit(""))
        .fill_null("")
        .str.strip_chars()
        .str.slice(0, 150)
        .alias("name"),
        (pl.col("detail") if "detail" in batch.columns else pl.lit(""))
        .fill_null("")
        .str.strip_chars()
        .str.slice(0, 300)
        .alias("detail"),
    )
    _copy(good)


def _create_stage() -> None:
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS wealth_stage")
        cursor.execute("CREATE TEMPORARY TABLE wealth_stage (cnic text, name text, detail text)")


def wealth_stage_drop() -> None:
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS wealth_stage")


def _copy(frame: pl.DataFrame) -> None:
    """COPY on PostgreSQL (as fast as the database takes rows); executemany on SQLite."""
    if connection.vendor == "postgresql":
        buffer = io.BytesIO()
        frame.write_csv(buffer, include_header=False)
        with (
            connection.connection.cursor() as cursor,
            cursor.copy("COPY wealth_stage (cnic, name, detail) FROM STDIN WITH (FORMAT csv)") as copy,
        ):
            copy.write(buffer.getbuffer())
        return
    with connection.cursor() as cursor:
        cursor.executemany("INSERT INTO wealth_stage (cnic, name, detail) VALUES (%s, %s, %s)", frame.rows())


def wealth_entries_write(wealth_list: WealthList) -> int:
    """The staged lines as the list's entries, each CNIC once. Returns the number of distinct CNICs."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO registry_wealthlistentry (wealth_list_id, cnic, name, detail) "
            "SELECT %s, cnic, MAX(name), MAX(detail) FROM wealth_stage GROUP BY cnic",
            [wealth_list.pk],
        )
        return cursor.rowcount


# Matching


def _dt(value: datetime):
    return connection.ops.adapt_datetimefield_value(value)


def _json(value: dict) -> tuple[str, str]:
    placeholder = "CAST(%s AS jsonb)" if connection.vendor == "postgresql" else "%s"
    return placeholder, json.dumps(value)


def _scope_sql(household_ids: list[int] | None, since: datetime | None) -> Iterable[tuple[str, list]]:
    """SQL conditions on `m.household_id` that together cover the households to match: all of them,
    those named (in chunks), or those updated since a moment."""
    if household_ids is not None:
        for start in range(0, len(household_ids), _ID_CHUNK):
            chunk = household_ids[start : start + _ID_CHUNK]
            yield f"m.household_id IN ({', '.join(['%s'] * len(chunk))})", list(chunk)
    elif since is not None:
        yield "m.household_id IN (SELECT id FROM registry_household WHERE updated_at >= %s)", [_dt(since)]
    else:
        yield "1 = 1", []


def flags_insert(
    wealth_list: WealthList, *, now: datetime, household_ids: list[int] | None = None, since=None
) -> int:
    """Flag every active member (of the households in scope) who holds an active CNIC on the list and is
    not flagged by it already. Returns the number of flags written."""
    written = 0
    for condition, params in _scope_sql(household_ids, since):
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO registry_wealthflag "
                "(wealth_list_id, source, household_id, member_id, cnic, status, flagged_at, ended_at) "
                "SELECT e.wealth_list_id, %s, m.household_id, m.id, e.cnic, %s, %s, NULL "
                "FROM registry_wealthlistentry e "
                "JOIN registry_identifier i ON i.number = e.cnic AND i.active AND i.id_type = %s "
                "JOIN registry_member m ON m.id = i.member_id AND m.status = %s "
                f"WHERE e.wealth_list_id = %s AND {condition} "
                "AND NOT EXISTS (SELECT 1 FROM registry_wealthflag f WHERE f.wealth_list_id = e.wealth_list_id "
                "AND f.member_id = m.id AND f.status = %s)",
                [
                    wealth_list.source,
                    c.WealthFlagStatus.ACTIVE,
                    _dt(now),
                    c.IdType.CNIC,
                    c.MemberStatus.ACTIVE,
                    *[wealth_list.pk],
                    *params,
                    c.WealthFlagStatus.ACTIVE,
                ],
            )
            written += cursor.rowcount
    return written


def flags_lift_stale(*, now: datetime, household_ids: list[int] | None = None, since=None) -> int:
    """Lift the active flags of current lists, in the households in scope, whose member no longer
    matches: removed or deceased, moved to another household, or no longer holding the CNIC."""
    still_matches = Identifier.objects.filter(
        member_id=OuterRef("member_id"),
        number=OuterRef("cnic"),
        active=True,
        id_type=c.IdType.CNIC,
        member__status=c.MemberStatus.ACTIVE,
        member__household_id=OuterRef("household_id"),
    )
    flags = WealthFlag.objects.filter(
        status=c.WealthFlagStatus.ACTIVE, wealth_list__status=c.WealthListStatus.CURRENT
    )
    if household_ids is not None:
        flags = flags.filter(household_id__in=household_ids)
    elif since is not None:
        flags = flags.filter(household__updated_at__gte=since)
    return flags.filter(~Exists(still_matches)).update(status=c.WealthFlagStatus.LIFTED, ended_at=now)


def flags_supersede(old: WealthList, new: WealthList, *, now: datetime) -> int:
    """The old list's active flags end: `replaced` where the new list flags the same member in the same
    household, `lifted` (kept, never deleted) where it does not. Returns the number lifted."""
    on_new = WealthFlag.objects.filter(
        wealth_list=new,
        status=c.WealthFlagStatus.ACTIVE,
        member_id=OuterRef("member_id"),
        household_id=OuterRef("household_id"),
    )
    active = WealthFlag.objects.filter(wealth_list=old, status=c.WealthFlagStatus.ACTIVE)
    active.filter(Exists(on_new)).update(status=c.WealthFlagStatus.REPLACED, ended_at=now)
    return active.update(status=c.WealthFlagStatus.LIFTED, ended_at=now)


def list_summary(wealth_list: WealthList) -> str:
    """ "the car owners list of Excise and Taxation, Punjab, as of 1 May 2026"."""
    return _("the %(list)s of %(agency)s, as of %(date)s") % {
        "list": c.WEALTH_LIST_NAMES[wealth_list.source],
        "agency": wealth_list.agency,
        "date": date_format(wealth_list.as_of, "DATE_FORMAT"),
    }


def flags_audit(*, actor, now: datetime, previous: WealthList | None = None) -> None:
    """One history entry per household whose exclusion began or was lifted at `now`, written by two
    INSERT … SELECT statements. A household still on the newer list of its source gets none: nothing
    changed for it."""
    actor_id = actor.pk if getattr(actor, "is_authenticated", False) else None
    began = WealthFlag.objects.filter(flagged_at=now, status=c.WealthFlagStatus.ACTIVE)
    if previous is not None:
        began = began.exclude(
            Exists(
                WealthFlag.objects.filter(
                    wealth_list=previous,
                    status=c.WealthFlagStatus.REPLACED,
                    member_id=OuterRef("member_id"),
                    household_id=OuterRef("household_id"),
                )
            )
        )
    lifted = WealthFlag.objects.filter(ended_at=now, status=c.WealthFlagStatus.LIFTED)
    for action, flags in (("wealth.flagged", began), ("wealth.lifted", lifted)):
        for list_id in flags.values_list("wealth_list_id", flat=True).distinct().order_by():
            wealth_list = WealthList.objects.get(pk=list_id)
            if action == "wealth.flagged":
                summary = _("Excluded: a member is on %(list)s") % {"list": list_summary(wealth_list)}
            else:
                summary = _("Exclusion lifted: a member no longer matches %(list)s") % {
                    "list": list_summary(wealth_list)
                }
            households = flags.filter(wealth_list_id=list_id).values("household_id").distinct().order_by()
            sql, params = households.query.sql_with_params()
            placeholder, changes = _json({"wealth_list": list_id, "source": wealth_list.source})
            with connection.cursor() as cursor:
                cursor.execute(
                    "INSERT INTO core_auditevent "
                    "(at, actor_id, action, subject_type, subject_id, summary, reason, changes) "
                    f"SELECT %s, %s, %s, %s, h.household_id, %s, '', {placeholder} FROM ({sql}) h",
                    [_dt(now), actor_id, action, "registry.household", summary[:300], changes, *params],
                )


# The import and the matching of households changed later


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


# Selectors


def _require_view(user) -> None:
    if not user.has_perm("registry.view_wealthlist"):
        raise PermissionDenied


def wealth_lists_for_user(*, user) -> QuerySet[WealthList]:
    """Every list (a list's source and date are not protected); for a user limited to some districts the
    figures count only those districts' members and households (`members_shown`, `households_shown`)."""
    _require_view(user)
    lists = WealthList.objects.select_related("imported_by")
    scope = district_scope(user)
    if scope is None:
        return lists
    in_scope = Q(flags__household__district_id__in=scope)
    return lists.annotate(
        scoped_members=Count("flags__member", filter=in_scope, distinct=True),
        scoped_households=Count("flags__household", filter=in_scope, distinct=True),
    )


def wealth_list_get_for_user(*, user, pk: int) -> WealthList:
    wealth_list = wealth_lists_for_user(user=user).filter(pk=pk).first()
    if wealth_list is None:
        raise Http404
    return wealth_list


def wealth_flags_for_user(*, user) -> QuerySet[WealthFlag]:
    """Flags of the households the user may see (a partner: its districts only)."""
    _require_view(user)
    flags = WealthFlag.objects.select_related("wealth_list", "member", "household__district")
    scope = district_scope(user)
    if scope is not None:
        flags = flags.filter(household__district_id__in=scope)
    return flags


def wealth_overrides_for_user(*, user) -> QuerySet[WealthOverride]:
    _require_view(user)
    overrides = WealthOverride.objects.select_related(
        "flag__wealth_list", "member", "household__district", "requested_by", "decided_by"
    )
    scope = district_scope(user)
    if scope is not None:
        overrides = overrides.filter(household__district_id__in=scope)
    return overrides


def wealth_override_get_for_user(*, user, pk: int) -> WealthOverride:
    override = wealth_overrides_for_user(user=user).filter(pk=pk).first()
    if override is None:
        raise Http404
    return override


def _overridden() -> Exists:
    return Exists(
        WealthOverride.objects.filter(
            member_id=OuterRef("member_id"),
            source=OuterRef("source"),
            status=c.WealthOverrideStatus.APPROVED,
        )
    )


def excluding_flags() -> QuerySet[WealthFlag]:
    """The flags that exclude their household now: active, and not lifted by an approved override."""
    return WealthFlag.objects.filter(status=c.WealthFlagStatus.ACTIVE).exclude(_overridden())


def households_excluded_by_wealth() -> QuerySet[Household]:
    """Households currently excluded by a wealth filter, for targeting and programmes to leave out
    (`.exclude(pk__in=households_excluded_by_wealth().values("pk"))`). One SQL statement, no loop."""
    return Household.objects.filter(Exists(excluding_flags().filter(household_id=OuterRef("pk"))))


# The same rule as SQL, for set-based work that joins it in (`… AND h.id NOT IN (<this>)`).
EXCLUDED_HOUSEHOLDS_SQL = (
    "SELECT f.household_id FROM registry_wealthflag f WHERE f.status = 'active' AND NOT EXISTS ("
    "SELECT 1 FROM registry_wealthoverride o WHERE o.member_id = f.member_id AND o.source = f.source "
    "AND o.status = 'approved')"
)


def wealth_reason(flag: WealthFlag) -> str:
    """“Muhammad Aslam (member 1, CNIC 35202-*****71-1) is on the car owners list of Excise and
    Taxation, Punjab, as of 1 May 2026”, in the active language."""
    wealth_list = flag.wealth_list
    return MSG_REASON % {
        "name": flag.member.full_name,
        "member_no": flag.member.member_no,
        "cnic": mask_cnic(flag.cnic),
        "list": c.WEALTH_LIST_NAMES[wealth_list.source],
        "agency": wealth_list.agency,
        "date": date_format(wealth_list.as_of, "DATE_FORMAT"),
    }


def wealth_reasons_for_household(*, household: Household) -> list[str]:
    """Why the household is excluded now, one sentence per flag (empty when it is not excluded)."""
    flags = excluding_flags().filter(household=household).select_related("wealth_list", "member")
    return [wealth_reason(flag) for flag in flags.order_by("member__member_no", "source")]
