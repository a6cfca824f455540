"""Other agencies' lists of people who are not poor, and the flags and overrides they give rise to."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from ehsaas.core.models import MakerChecker
from ehsaas.registry import choices as c
from ehsaas.registry.models.households import Household, Member


class WealthList(models.Model):
    """A list from another agency of people who are not poor (government employees, car owners,
    taxpayers, …), keyed by CNIC and true as of a date. Its people's households are excluded from
    targeting (WealthFlag). The newest list of a source is the current one; a newer list supersedes it and
    the old one is kept, with its entries and flags, as history."""

    source = models.CharField(_("source"), max_length=32, choices=c.WealthSource.choices)
    agency = models.CharField(_("agency"), max_length=200)
    as_of = models.DateField(_("as of"))
    status = models.CharField(
        _("status"), max_length=12, choices=c.WealthListStatus.choices, default=c.WealthListStatus.CURRENT
    )
    file_name = models.CharField(_("file"), max_length=255, blank=True)
    lines = models.PositiveBigIntegerField(_("lines"), default=0)
    distinct_cnics = models.PositiveBigIntegerField(_("distinct CNICs"), default=0)
    members_matched = models.PositiveBigIntegerField(_("members matched"), default=0)
    households_flagged = models.PositiveBigIntegerField(_("households flagged"), default=0)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("imported by"),
    )
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)
    superseded_by = models.ForeignKey(
        "self", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    class Meta:
        ordering = ["-as_of", "-id"]
        permissions = [
            ("import_wealth_list", _("Can import wealth lists from other agencies")),
            ("request_wealth_override", _("Can ask for a wealth flag to be overridden")),
            ("decide_wealth_override", _("Can approve or reject wealth flag overrides")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["source"],
                condition=Q(status="current"),
                name="%(app_label)s_%(class)s_one_current_per_source",
            ),
            models.CheckConstraint(
                condition=Q(source__in=c.WealthSource.values), name="%(app_label)s_%(class)s_source_valid"
            ),
            models.CheckConstraint(
                condition=Q(distinct_cnics__lte=F("lines")),
                name="%(app_label)s_%(class)s_distinct_at_most_lines",
            ),
            models.CheckConstraint(
                condition=Q(superseded_by__isnull=True) | Q(status="superseded"),
                name="%(app_label)s_%(class)s_only_superseded_has_successor",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_source_display()} ({self.agency}, {self.as_of:%Y-%m-%d})"


class WealthListEntry(models.Model):
    """One CNIC on a wealth list, as the agency sent it (the number normalised to 13 digits). A CNIC
    written twice in a file is kept once."""

    # Indexed by the (list, cnic) unique constraint, whose first column it is.
    wealth_list = models.ForeignKey(
        WealthList, on_delete=models.PROTECT, related_name="entries", db_index=False
    )
    cnic = models.CharField(_("CNIC"), max_length=13)
    name = models.CharField(_("name"), max_length=150, blank=True)
    detail = models.CharField(_("detail"), max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["wealth_list", "cnic"], name="%(app_label)s_%(class)s_cnic_once_per_list"
            ),
        ]

    def __str__(self) -> str:
        return self.cnic


class WealthFlag(models.Model):
    """A member's household is excluded from targeting because the member's CNIC is on a wealth list.

    Flags are never deleted: when a newer list of the same source still names the member the flag is
    `replaced` (by the newer list's own flag), and when the member is no longer on the list, left the
    household or no longer holds the CNIC it is `lifted`. An approved WealthOverride for the member and
    source lifts the exclusion without touching the flag."""

    wealth_list = models.ForeignKey(
        WealthList, on_delete=models.PROTECT, related_name="flags", db_index=False
    )
    source = models.CharField(_("source"), max_length=32, choices=c.WealthSource.choices)
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="wealth_flags", db_index=False
    )
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="wealth_flags")
    cnic = models.CharField(_("CNIC"), max_length=13)
    status = models.CharField(
        _("status"), max_length=10, choices=c.WealthFlagStatus.choices, default=c.WealthFlagStatus.ACTIVE
    )
    flagged_at = models.DateTimeField(_("flagged at"))
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)

    class Meta:
        ordering = ["household_id", "-flagged_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["wealth_list", "member"],
                condition=Q(status="active"),
                name="%(app_label)s_%(class)s_one_active_per_list_and_member",
            ),
            models.CheckConstraint(
                condition=Q(status="active", ended_at__isnull=True)
                | (~Q(status="active") & Q(ended_at__isnull=False)),
                name="%(app_label)s_%(class)s_ended_unless_active",
            ),
        ]
        indexes = [
            models.Index(fields=["household", "status"], name="registry_wflag_household_idx"),
            models.Index(fields=["wealth_list", "status", "household"], name="registry_wflag_list_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.source}: {self.member_id} ({self.status})"


class WealthOverride(MakerChecker):
    """A member disputes being on a wealth list: one staff user records why the exclusion is wrong, a
    second user approves or rejects it (maker-checker). An approved override lifts the exclusion for that
    member and source, for this list and the lists of that source that come after it."""

    flag = models.ForeignKey(WealthFlag, on_delete=models.PROTECT, related_name="overrides")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="wealth_overrides")
    # Indexed by the (member, source) unique constraint, whose first column it is.
    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="wealth_overrides", db_index=False
    )
    source = models.CharField(_("source"), max_length=32, choices=c.WealthSource.choices)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=c.WealthOverrideStatus.choices,
        default=c.WealthOverrideStatus.SUBMITTED,
    )

    class Meta(MakerChecker.Meta):
        constraints = [
            *MakerChecker.Meta.constraints,
            models.UniqueConstraint(
                fields=["member", "source"],
                condition=Q(status__in=["submitted", "approved"]),
                name="%(app_label)s_%(class)s_one_standing_per_member_and_source",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_source_display()} – {self.member}"
