"""Programmes as data: whom a programme serves, its eligibility rule and benefit table written in the
platform's expression language (`core.expressions`, never Python), what a beneficiary must do to keep
the benefit, how often it pays, its budget, quota and dates.

Amounts are whole rupees (integers): programme benefits are set in rupees, never in fractions of one.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from ehsaas.programs.choices import (
    BenefitKind,
    ConditionKind,
    Frequency,
    ProgrammeStatus,
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
    takes_applications = models.BooleanField(
        _("takes applications"), default=False,
        help_text=_("People apply on the public site or at a desk, and staff decide each application"),
    )  # fmt: skip
    parameters = models.JSONField(
        _("settings"), default=dict, blank=True,
        help_text=_("The application form's questions and the ranking's weights, as JSON"),
    )  # fmt: skip
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
