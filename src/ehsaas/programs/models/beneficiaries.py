"""The beneficiaries a programme enrols, every change of their status, and the enrolment runs that
list who newly qualifies and who no longer does."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ehsaas.programs.choices import (
    BeneficiaryStatus,
    ChangeKind,
    RunScope,
    RunStatus,
)
from ehsaas.programs.models.programmes import Programme


class Beneficiary(models.Model):
    """A household, or one of its members, in a programme, with a status that changes only through
    the services (each change recorded in BeneficiaryStatusChange)."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="beneficiaries")
    household = models.ForeignKey(
        "registry.Household", on_delete=models.PROTECT, related_name="beneficiaries"
    )
    member = models.ForeignKey(
        "registry.Member", on_delete=models.PROTECT, related_name="beneficiaries", null=True, blank=True
    )
    status = models.CharField(_("status"), max_length=10, choices=BeneficiaryStatus.choices)
    status_reason = models.TextField(_("reason"), blank=True)
    status_since = models.DateTimeField(_("since"))
    amount = models.PositiveIntegerField(_("amount (Rs a payment)"), default=0)
    category = models.CharField(_("category"), max_length=120, blank=True)
    enrolled_at = models.DateTimeField(_("enrolled"), auto_now_add=True)

    class Meta:
        ordering = ["programme", "household", "member"]
        verbose_name = _("beneficiary")
        verbose_name_plural = _("beneficiaries")
        constraints = [
            # A person is in a programme once; a household served as a whole is in it once.
            models.UniqueConstraint(
                fields=["programme", "member"],
                condition=Q(member__isnull=False),
                name="%(app_label)s_%(class)s_member_once",
            ),
            models.UniqueConstraint(
                fields=["programme", "household"],
                condition=Q(member__isnull=True),
                name="%(app_label)s_%(class)s_household_once",
            ),
        ]
        indexes = [models.Index(fields=["household", "programme"], name="programs_beneficiary_hh_idx")]

    def __str__(self) -> str:
        return f"{self.programme.code} · {self.member_id or self.household_id}"


class BeneficiaryStatusChange(models.Model):
    """One change of a beneficiary's status, with its reason and date: the history a case worker and an
    auditor read."""

    beneficiary = models.ForeignKey(Beneficiary, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=10, choices=BeneficiaryStatus.choices, blank=True)
    to_status = models.CharField(max_length=10, choices=BeneficiaryStatus.choices)
    reason = models.TextField(_("reason"))
    changed_at = models.DateTimeField(_("changed"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    class Meta:
        ordering = ["beneficiary", "changed_at", "id"]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")

    def __str__(self) -> str:
        return f"{self.from_status or '—'} → {self.to_status}"


class EnrolmentRun(models.Model):
    """Eligibility worked out over the whole registry for one programme: who newly qualifies, who no
    longer does and why. A programme officer approves the list and a second person confirms it; only the
    confirmation changes beneficiaries, once."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="enrolment_runs")
    job = models.ForeignKey("core.Job", on_delete=models.SET_NULL, related_name="+", null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=RunStatus.choices, default=RunStatus.COMPUTING
    )
    scope = models.CharField(_("judges"), max_length=10, choices=RunScope.choices, default=RunScope.REGISTRY)
    # A re-evaluation's households are those changed from this moment: the start of the last settled run.
    changed_since = models.DateTimeField(_("changed since"), null=True, blank=True)
    households = models.PositiveIntegerField(_("households re-evaluated"), default=0)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    started_at = models.DateTimeField(auto_now_add=True)
    computed_at = models.DateTimeField(null=True, blank=True)
    units = models.PositiveIntegerField(_("units judged"), default=0)
    eligible = models.PositiveIntegerField(_("eligible"), default=0)
    joining = models.PositiveIntegerField(_("newly qualify"), default=0)
    leaving = models.PositiveIntegerField(_("no longer qualify"), default=0)
    staying = models.PositiveIntegerField(_("stay"), default=0)
    over_limit = models.PositiveIntegerField(_("eligible but over the quota or budget"), default=0)
    amount_per_payment = models.PositiveBigIntegerField(_("total per payment after the run (Rs)"), default=0)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    approval_note = models.TextField(_("approval note"), blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("enrolment run")
        verbose_name_plural = _("enrolment runs")
        permissions = [
            ("run_enrolment", _("Can run enrolment")),
            ("approve_enrolment", _("Can approve an enrolment list")),
            ("confirm_enrolment", _("Can confirm an approved enrolment list")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(confirmed_by__isnull=True) | ~Q(confirmed_by=models.F("approved_by")),
                name="%(app_label)s_%(class)s_confirmer_is_not_approver",
            ),
            models.CheckConstraint(
                condition=~Q(status=RunStatus.CONFIRMED)
                | Q(approved_by__isnull=False, confirmed_by__isnull=False),
                name="%(app_label)s_%(class)s_confirmed_after_approval",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme.code} #{self.pk}"


class EnrolmentChange(models.Model):
    """One unit whose place in the programme a run would change, with the reason."""

    run = models.ForeignKey(EnrolmentRun, on_delete=models.CASCADE, related_name="changes")
    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT, related_name="+")
    member = models.ForeignKey(
        "registry.Member", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    change = models.CharField(_("change"), max_length=8, choices=ChangeKind.choices)
    reason = models.TextField(_("reason"), blank=True)
    amount = models.PositiveIntegerField(_("amount (Rs a payment)"), default=0)
    category = models.CharField(_("category"), max_length=120, blank=True)

    class Meta:
        ordering = ["run", "household", "member"]
        verbose_name = _("enrolment change")
        verbose_name_plural = _("enrolment changes")
        indexes = [models.Index(fields=["run", "change"], name="programs_change_run_idx")]

    def __str__(self) -> str:
        return f"{self.get_change_display()}: {self.member_id or self.household_id}"


# Conditionalities: what schools and health centres report, and the quarters judged.
