"""A list's entries, the flags its matches raise and lift, and the households' history of them."""

import json
from collections.abc import Iterable
from datetime import datetime

from django.db import connection
from django.db.models import Exists, OuterRef
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from ehsaas.registry import choices as c
from ehsaas.registry.models import Identifier, WealthFlag, WealthList

_ID_CHUNK = 1_000  # household ids per statement when an event names them


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
