"""Programmes as data: who a programme serves, its eligibility rule and benefit rules written in the
platform's expression language (`core.expressions`, never Python), what a beneficiary must do to keep
the benefit, how often it pays, its budget, quota and dates; and the beneficiaries it enrols, with every
change of their status.

Amounts are whole rupees (integers): programme benefits are set in rupees, never in fractions of one.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from ehsaas.programs.choices import (
    BeneficiaryStatus,
    BenefitKind,
    ChangeKind,
    ConditionKind,
    Frequency,
    ProgrammeStatus,
    RunStatus,
    Unit,
)


class Programme(models.Model):
    """A cash or non-cash programme, configured by programme staff and changed without code."""

    code = models.SlugField(
        _("code"), max_length=40, help_text=_("A short name for files and messages, e.g. kafaalat")
    )
    name_en = models.CharField(_("name (English)"), max_length=120)
    name_ur = models.CharField(_("name (Urdu)"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    unit = models.CharField(_("serves"), max_length=12, choices=Unit.choices)
    one_per_household = models.BooleanField(
        _("one per household"), default=False,
        help_text=_("Only the first eligible member of a household is enrolled (Kafaalat: one woman)"),
    )  # fmt: skip
    eligibility = models.TextField(
        _("eligibility rule"), help_text=_("e.g. pmt_score <= 32 and not wealth_flagged = true")
    )
    frequency = models.CharField(_("frequency"), max_length=12, choices=Frequency.choices)
    benefit_cap = models.PositiveIntegerField(
        _("cap (Rs a payment)"),
        null=True,
        blank=True,
        help_text=_("The most one beneficiary receives a payment"),
    )
    budget = models.PositiveBigIntegerField(_("budget (Rs a payment cycle)"), null=True, blank=True)
    quota = models.PositiveIntegerField(_("quota (beneficiaries)"), null=True, blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ProgrammeStatus.choices, default=ProgrammeStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="programmes_created",
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        permissions = [
            ("configure_programme", _("Can configure programmes")),
            ("activate_programme", _("Can activate, pause and close programmes")),
        ]
        constraints = [
            models.UniqueConstraint(fields=["code"], name="%(app_label)s_%(class)s_code_unique"),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="%(app_label)s_%(class)s_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_ur if (get_language() or "").startswith("ur") and self.name_ur else self.name_en


class BenefitRule(models.Model):
    """One line of a programme's benefit: an amount when a condition holds (empty: always). Base lines
    are tried in order and the first that holds gives the amount; top-ups that hold are added."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="benefit_rules")
    order = models.PositiveSmallIntegerField(_("order"))
    kind = models.CharField(_("kind"), max_length=8, choices=BenefitKind.choices, default=BenefitKind.BASE)
    label = models.CharField(_("label"), max_length=120, help_text=_("e.g. Secondary, girl"))
    condition = models.TextField(_("when"), blank=True)
    amount = models.PositiveIntegerField(_("amount (Rs)"))

    class Meta:
        ordering = ["programme", "order"]
        verbose_name = _("benefit rule")
        verbose_name_plural = _("benefit rules")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "order"], name="%(app_label)s_%(class)s_order_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label}: Rs {self.amount:,}"


class ConditionRule(models.Model):
    """What a beneficiary must do to keep the benefit, for those it applies to (`applies_when`; empty:
    everyone): e.g. school attendance of at least 70 % each quarter for children of school age."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="condition_rules")
    kind = models.CharField(_("kind"), max_length=20, choices=ConditionKind.choices)
    minimum = models.PositiveSmallIntegerField(
        _("at least"), help_text=_("A percentage for attendance; a count of visits or check-ups otherwise")
    )
    applies_when = models.TextField(_("applies when"), blank=True)
    suspend_after = models.PositiveSmallIntegerField(
        _("suspend after (quarters missed)"), default=1,
        help_text=_("Quarters in a row without compliance before the benefit is suspended"),
    )  # fmt: skip

    class Meta:
        ordering = ["programme", "kind"]
        verbose_name = _("condition")
        verbose_name_plural = _("conditions")
        constraints = [
            models.UniqueConstraint(fields=["programme", "kind"], name="%(app_label)s_%(class)s_kind_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ≥ {self.minimum}"


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
