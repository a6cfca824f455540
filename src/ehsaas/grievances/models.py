"""Complaints: their categories and service levels, the rules that say who handles them, the tracking
numbers they are followed by, every step of their history, and the re-surveys they open."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from ehsaas.core.identity import format_mobile
from ehsaas.grievances.choices import (
    OPEN_STATUSES,
    Channel,
    ComplaintStatus,
    EventKind,
    ResurveyStatus,
    SlaState,
)

TRACKING_PREFIX = "GR"


class Category(models.Model):
    """A kind of complaint and its service level: the days within which it must be resolved, and how
    many days before that the officer is warned. Kept as data (shipped by a migration, edited by
    administrators). Complaints of a sensitive category are seen only by investigators; those with a
    registry follow-up may open a re-survey or a change request of the complainant's household."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=100)
    name_ur = models.CharField(_("name (Urdu)"), max_length=100)
    sla_days = models.PositiveSmallIntegerField(_("days to resolve (SLA)"))
    warn_days = models.PositiveSmallIntegerField(
        _("days of warning"),
        default=2,
        help_text=_("The officer is warned this many days before the SLA lapses."),
    )
    sensitive = models.BooleanField(
        _("sensitive"),
        default=False,
        help_text=_("Seen only by investigators (misconduct, fraud, harassment)."),
    )
    registry_follow_up = models.BooleanField(_("may open a re-survey or change request"), default=False)
    active = models.BooleanField(_("offered to complainants"), default=True)
    position = models.PositiveSmallIntegerField(_("position in lists"), default=0)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("complaint category")
        verbose_name_plural = _("complaint categories")
        constraints = [
            models.CheckConstraint(condition=Q(sla_days__gte=1), name="%(app_label)s_%(class)s_sla_positive"),
            models.CheckConstraint(
                condition=Q(warn_days__lt=models.F("sla_days")),
                name="%(app_label)s_%(class)s_warning_within_sla",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_ur if (get_language() or "en").startswith("ur") and self.name_ur else self.name_en


class AssignmentRule(models.Model):
    """Who handles the complaints of a district and a category. A rule without a district covers every
    district, one without a category every category; the most specific rule that names someone able to
    handle the complaint wins, and with none the complaint goes to a supervisor of its area."""

    district = models.ForeignKey(
        "core.District", on_delete=models.CASCADE, related_name="+", null=True, blank=True,
        verbose_name=_("district"), help_text=_("Empty: every district."),
    )  # fmt: skip
    category = models.ForeignKey(
        Category, on_delete=models.CASCADE, related_name="rules", null=True, blank=True,
        verbose_name=_("category"), help_text=_("Empty: every category."),
    )  # fmt: skip
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("officer")
    )

    class Meta:
        ordering = ["district__name_en", "category__position"]
        verbose_name = _("assignment rule")
        verbose_name_plural = _("assignment rules")
        constraints = [
            # One rule a district and category, "every" included (NULLs would not collide in a plain one).
            models.UniqueConstraint(
                Coalesce("district", 0), Coalesce("category", 0), name="%(app_label)s_%(class)s_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.district or _('every district')} · {self.category or _('every category')} → {self.officer}"


class TrackingNumber(models.Model):
    """The source of tracking numbers: each complaint draws a row, and the database's sequence (an
    identity column on PostgreSQL, AUTOINCREMENT on SQLite) numbers it, so that two complaints received
    at the same moment never share a number, and a number is never given again, even after a rollback
    or a deletion (unlike counting the complaints, or taking the largest number and adding one)."""

    id = models.BigAutoField(primary_key=True)
    drawn_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("tracking number")

    def __str__(self) -> str:
        return format_tracking_number(self.pk, self.drawn_at)


def format_tracking_number(number: int, at: datetime) -> str:
    """GR-2026-000123: the year (in Pakistan) the number was drawn, and its sequence number."""
    return f"{TRACKING_PREFIX}-{timezone.localtime(at).year}-{number:06d}"


class Complaint(models.Model):
    """A complaint from any channel: what it is about and who made it (nobody, when anonymous), where,
    its service level (due date, warning, escalation), who handles it and the supervisor it went to,
    and how it was resolved and appealed (once). The complainant follows it by its tracking number."""

    tracking_number = models.CharField(_("tracking number"), max_length=24, unique=True)
    number = models.OneToOneField(TrackingNumber, on_delete=models.PROTECT, related_name="complaint")
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices)
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="complaints", verbose_name=_("category")
    )
    description = models.TextField(_("complaint"))
    anonymous = models.BooleanField(_("anonymous"), default=False)
    name = models.CharField(_("name"), max_length=150, blank=True)
    phone = models.CharField(_("mobile number"), max_length=16, blank=True)
    cnic = models.CharField(_("CNIC"), max_length=13, blank=True)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default="ur")
    district = models.ForeignKey(
        "core.District", on_delete=models.PROTECT, related_name="+", null=True, blank=True,
        verbose_name=_("district"),
    )  # fmt: skip
    household = models.ForeignKey(
        "registry.Household", on_delete=models.PROTECT, related_name="complaints", null=True, blank=True,
        verbose_name=_("household"),
    )  # fmt: skip
    place = models.CharField(_("where received"), max_length=200, blank=True)
    received_at = models.DateTimeField(_("received"))
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    status = models.CharField(
        _("status"), max_length=12, choices=ComplaintStatus.choices, default=ComplaintStatus.RECEIVED
    )
    due_at = models.DateTimeField(_("due"))
    warned_at = models.DateTimeField(_("warned"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated"), null=True, blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="complaints_assigned", null=True,
        blank=True, verbose_name=_("handled by"),
    )  # fmt: skip
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True,
        verbose_name=_("supervisor"),
    )  # fmt: skip
    resolution = models.TextField(_("resolution"), blank=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    appeal_reason = models.TextField(_("appeal"), blank=True)
    appealed_at = models.DateTimeField(_("appealed"), null=True, blank=True)

    class Meta:
        ordering = ["due_at", "id"]
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        permissions = [
            ("handle_complaint", _("Can take up and resolve complaints")),
            ("supervise_complaints", _("Can assign, and resolve any complaint of their area")),
            ("oversee_complaints", _("Can read every complaint of their area")),
            ("view_sensitive_complaint", _("Can see complaints of sensitive categories")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ComplaintStatus.values), name="%(app_label)s_%(class)s_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(channel__in=Channel.values), name="%(app_label)s_%(class)s_channel_valid"
            ),
            models.CheckConstraint(
                condition=Q(anonymous=False) | Q(name="", cnic=""),
                name="%(app_label)s_%(class)s_anonymous_unnamed",
            ),
            models.CheckConstraint(
                condition=~Q(status=ComplaintStatus.RESOLVED)
                | (~Q(resolution="") & Q(resolved_at__isnull=False)),
                name="%(app_label)s_%(class)s_resolved_with_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status=ComplaintStatus.APPEALED) | Q(appealed_at__isnull=False),
                name="%(app_label)s_%(class)s_appeal_recorded",
            ),
            models.CheckConstraint(
                condition=Q(due_at__gt=models.F("received_at")),
                name="%(app_label)s_%(class)s_due_after_receipt",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "due_at"], name="grievances_complaint_due_idx"),
            models.Index(fields=["district", "status"], name="grievances_complaint_area_idx"),
            models.Index(fields=["assigned_to", "status"], name="grievances_complaint_mine_idx"),
        ]

    def __str__(self) -> str:
        return self.tracking_number

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def sla_state(self, now: datetime | None = None) -> SlaState:
        """Green while there is time, amber within the category's days of warning, red once due."""
        if not self.is_open:
            return SlaState.CLOSED
        now = now or timezone.now()
        if now >= self.due_at:
            return SlaState.OVERDUE
        if now >= self.due_at - timedelta(days=self.category.warn_days):
            return SlaState.DUE_SOON
        return SlaState.ON_TIME

    @property
    def phone_written(self) -> str:
        """The phone as people write it: 0300-1234567."""
        return format_mobile(self.phone) if self.phone else ""

    @property
    def may_be_appealed(self) -> bool:
        return self.status == ComplaintStatus.RESOLVED and self.appealed_at is None


class ComplaintEvent(models.Model):
    """One step of a complaint: what happened, who did it (nobody for the SLA timer and the
    complainant), when, the status after it, who had the complaint after it, and any note."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("when"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True,
        verbose_name=_("by"),
    )  # fmt: skip
    kind = models.CharField(_("step"), max_length=16, choices=EventKind.choices)
    status = models.CharField(_("status"), max_length=12, choices=ComplaintStatus.choices)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True,
        verbose_name=_("handled by"),
    )  # fmt: skip
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["complaint", "at", "id"]
        verbose_name = _("complaint step")
        verbose_name_plural = _("complaint steps")

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"


class ResurveyRequest(models.Model):
    """A household to be surveyed again because a complaint says the survey left it out wrongly;
    listed for the registration officers of its district, who record when it was done."""

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="resurveys")
    household = models.ForeignKey(
        "registry.Household", on_delete=models.PROTECT, related_name="resurvey_requests"
    )
    reason = models.TextField(_("reason"))
    status = models.CharField(
        _("status"), max_length=8, choices=ResurveyStatus.choices, default=ResurveyStatus.OPEN
    )
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("requested"))
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["status", "requested_at", "id"]
        verbose_name = _("re-survey request")
        verbose_name_plural = _("re-survey requests")
        permissions = [("record_resurvey", _("Can record that a household was surveyed again"))]
        constraints = [
            models.UniqueConstraint(
                fields=["household"],
                condition=Q(status=ResurveyStatus.OPEN),
                name="%(app_label)s_%(class)s_one_open",
            ),
            models.CheckConstraint(
                condition=Q(status=ResurveyStatus.OPEN) | Q(done_at__isnull=False, done_by__isnull=False),
                name="%(app_label)s_%(class)s_done_recorded",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.household} ({self.get_status_display()})"
