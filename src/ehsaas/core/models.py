from django.conf import settings
from django.contrib.humanize.templatetags.humanize import intcomma
from django.db import models
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from ehsaas.core.choices import JobStatus
from ehsaas.core.jobs import JOB_KINDS


class BilingualName(models.Model):
    """A place with an English and an Urdu name; `name` follows the active language."""

    code = models.CharField(_("code"), max_length=16, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=100)
    name_ur = models.CharField(_("name (Urdu)"), max_length=100)

    class Meta:
        abstract = True
        ordering = ["name_en"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_ur if (get_language() or "en").startswith("ur") and self.name_ur else self.name_en


# The status a maker-checker record has while it waits for a decision.
AWAITING_DECISION = "submitted"


class MakerChecker(models.Model):
    """A record one user asks for, with a reason, and a second user decides (maker-checker): approves or
    rejects it, with a note. The concrete model declares `status`, whose choices include
    AWAITING_DECISION; the constraints hold in the database that nobody decides their own request and
    that a decision always has its decider and time."""

    reason = models.TextField(_("reason"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)

    class Meta:
        abstract = True
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(decided_by__isnull=True) | ~models.Q(decided_by=models.F("requested_by")),
                name="%(app_label)s_%(class)s_checker_is_not_maker",
            ),
            models.CheckConstraint(
                condition=models.Q(status=AWAITING_DECISION, decided_by__isnull=True)
                | (
                    ~models.Q(status=AWAITING_DECISION)
                    & models.Q(decided_by__isnull=False, decided_at__isnull=False)
                ),
                name="%(app_label)s_%(class)s_decision_recorded",
            ),
        ]

    def awaits_decision_from(self, user) -> bool:
        """Whether the record waits for a decision that `user` could give: it is undecided and they did
        not ask for it. Whether they hold the permission to decide is the caller's to check."""
        return self.status == AWAITING_DECISION and self.requested_by_id != user.pk


class Province(BilingualName):
    """A province or territory, coded by ISO 3166-2:PK (PK-PB, PK-SD, …)."""


class Division(BilingualName):
    """An administrative division: a group of districts within a province."""

    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="divisions")


class District(BilingualName):
    """A district, the unit that staff scopes, payments and reports are organised by."""

    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="districts")
    division = models.ForeignKey(Division, on_delete=models.PROTECT, related_name="districts", null=True)
    latitude = models.DecimalField(max_digits=8, decimal_places=5, null=True, blank=True)
    longitude = models.DecimalField(max_digits=8, decimal_places=5, null=True, blank=True)


class Tehsil(BilingualName):
    """A tehsil (taluka in Sindh): a sub-division of a district."""

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="tehsils")


class StaffScope(models.Model):
    """Where a staff member may work. A partner user sees only the districts listed here;
    other roles with no districts listed work nationwide."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="scope")
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    districts = models.ManyToManyField(District, related_name="+", blank=True)

    def __str__(self) -> str:
        return f"{self.user} ({self.organisation or _('nationwide')})"


class AuditEvent(models.Model):
    """Who changed what, when and why. Written by services in the same transaction as the change;
    never edited. `subject` is the record a person looks the change up under (a household for
    changes to its members)."""

    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="audit_events", null=True, blank=True
    )
    action = models.CharField(_("action"), max_length=64)
    subject_type = models.CharField(max_length=64)
    subject_id = models.BigIntegerField()
    summary = models.CharField(_("summary"), max_length=300)
    reason = models.TextField(_("reason"), blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["subject_type", "subject_id", "-at"], name="core_audit_subject_idx")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.subject_type}#{self.subject_id}"


class Job(models.Model):
    """A long piece of work a person started (an import, a scoring run), with progress they can follow
    in the browser or the terminal. The work itself runs in the task worker, never in a web request."""

    kind = models.CharField(_("kind"), max_length=64)
    status = models.CharField(_("status"), max_length=16, choices=JobStatus.choices, default=JobStatus.QUEUED)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="jobs", null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    params = models.JSONField(default=dict, blank=True)
    total = models.PositiveBigIntegerField(default=0)
    done = models.PositiveBigIntegerField(default=0)
    message = models.CharField(max_length=300, blank=True)
    result = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=JobStatus.values), name="%(app_label)s_%(class)s_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.status})"

    @property
    def percent(self) -> int:
        if self.status == JobStatus.SUCCEEDED:
            return 100
        return min(100, int(100 * self.done / self.total)) if self.total else 0

    @property
    def kind_label(self) -> str:
        kind = JOB_KINDS.get(self.kind)
        return str(kind.label) if kind else self.kind

    @property
    def result_items(self) -> list[tuple[str, object]]:
        """The figures of a finished job with the labels its kind gives them (unknown keys as they are),
        numbers grouped in thousands; a model's version such as "2026-illustrative" stays as written."""
        labels = JOB_KINDS[self.kind].result_labels if self.kind in JOB_KINDS else {}
        return [
            (
                str(labels.get(key, key)),
                intcomma(value) if isinstance(value, int | float) and not isinstance(value, bool) else value,
            )
            for key, value in self.result.items()
            if key != "report" and not isinstance(value, dict)  # a kind's report page shows nested detail
        ]

    @property
    def report_url(self) -> str | None:
        kind = JOB_KINDS.get(self.kind)
        if kind is None or not kind.report_url_name or not self.result.get("report"):
            return None
        return reverse(kind.report_url_name, args=[self.pk])

    @property
    def report_label(self) -> str:
        kind = JOB_KINDS.get(self.kind)
        return str(kind.report_label) if kind else ""

    @property
    def is_finished(self) -> bool:
        return self.status in (JobStatus.SUCCEEDED, JobStatus.FAILED)
