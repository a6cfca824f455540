"""Conditionalities: what schools and health centres report, and the quarters evaluated against each
programme's conditions (those an evaluation suspends or resumes are told by SMS: see `notices`)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ehsaas.programs.choices import (
    ComplianceAction,
    ComplianceFileKind,
    ConditionKind,
    HealthVisitKind,
)
from ehsaas.programs.models.beneficiaries import Beneficiary
from ehsaas.programs.models.programmes import Programme


class ComplianceFile(models.Model):
    """A file a school or health centre sent, as it was imported: what it held and what it changed."""

    kind = models.CharField(_("kind"), max_length=12, choices=ComplianceFileKind.choices)
    file_name = models.CharField(_("file"), max_length=255)
    lines = models.PositiveIntegerField(_("records"), default=0)
    new = models.PositiveIntegerField(_("new"), default=0)
    changed = models.PositiveIntegerField(_("corrected"), default=0)
    unchanged = models.PositiveIntegerField(_("already recorded"), default=0)
    imported_at = models.DateTimeField(_("imported"))
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    class Meta:
        ordering = ["-imported_at", "-id"]
        verbose_name = _("compliance file")
        verbose_name_plural = _("compliance files")

    def __str__(self) -> str:
        return self.file_name


class SchoolAttendance(models.Model):
    """A child's attendance at school in one quarter (a percentage of the school days), as a school's
    file reported it. One figure a child and quarter: a later file corrects it."""

    # Indexed by the (member, quarter) unique constraint, whose first column it is.
    member = models.ForeignKey(
        "registry.Member", on_delete=models.PROTECT, related_name="school_attendance", db_index=False
    )
    quarter = models.CharField(_("quarter"), max_length=7, help_text=_("e.g. 2026-Q3"))
    attendance = models.DecimalField(_("attendance (%)"), max_digits=4, decimal_places=1)
    source = models.CharField(_("file"), max_length=255, blank=True)
    recorded_at = models.DateTimeField(_("recorded"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    class Meta:
        ordering = ["member", "-quarter"]
        verbose_name = _("school attendance")
        verbose_name_plural = _("school attendance")
        permissions = [("record_compliance", _("Can import school attendance and health centre files"))]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "quarter"], name="%(app_label)s_%(class)s_once_a_quarter"
            ),
            models.CheckConstraint(
                condition=Q(attendance__gte=0, attendance__lte=100),
                name="%(app_label)s_%(class)s_attendance_is_a_percentage",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.quarter}: {self.attendance} %"


class HealthVisit(models.Model):
    """A visit a health centre recorded: a check-up, an immunisation or a growth check-up of one person
    on one day (the same visit recorded twice is one)."""

    # Indexed by the (member, kind, visited_on) unique constraint, whose first column it is.
    member = models.ForeignKey(
        "registry.Member", on_delete=models.PROTECT, related_name="health_visits", db_index=False
    )
    kind = models.CharField(_("kind"), max_length=16, choices=HealthVisitKind.choices)
    visited_on = models.DateField(_("date"))
    centre = models.CharField(_("health centre"), max_length=120, blank=True)
    source = models.CharField(_("file"), max_length=255, blank=True)
    recorded_at = models.DateTimeField(_("recorded"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    class Meta:
        ordering = ["member", "-visited_on"]
        verbose_name = _("health visit")
        verbose_name_plural = _("health visits")
        permissions = [("record_health_visit", _("Can record a health visit on a household's page"))]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "kind", "visited_on"], name="%(app_label)s_%(class)s_once_a_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.get_kind_display()} {self.visited_on}"


class ConditionEvaluation(models.Model):
    """A programme's conditions judged for one quarter: each beneficiary a condition applies to is
    judged, those who missed it for as many quarters in a row as the condition allows are suspended, and
    those suspended for a condition who meet every condition again resume. One a programme and quarter:
    evaluating the quarter again adds only what changed since."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="condition_evaluations")
    quarter = models.CharField(_("quarter"), max_length=7)
    evaluated_at = models.DateTimeField(_("evaluated"))
    evaluated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    judged = models.PositiveIntegerField(_("beneficiaries judged"), default=0)
    met = models.PositiveIntegerField(_("met every condition"), default=0)
    missed = models.PositiveIntegerField(_("missed a condition"), default=0)
    suspended = models.PositiveIntegerField(_("suspended"), default=0)
    resumed = models.PositiveIntegerField(_("resumed"), default=0)

    class Meta:
        ordering = ["programme", "-quarter"]
        verbose_name = _("condition evaluation")
        verbose_name_plural = _("condition evaluations")
        permissions = [("evaluate_conditions", _("Can evaluate a quarter's conditions"))]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "quarter"], name="%(app_label)s_%(class)s_once_a_quarter"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme.code} {self.quarter}"


class Compliance(models.Model):
    """A beneficiary's compliance with one condition in one quarter, as the evaluation judged it: the
    figure (attendance %, or the visits counted; none when no school reported the child), the minimum it
    was held to, and how many quarters in a row it has been missed."""

    beneficiary = models.ForeignKey(Beneficiary, on_delete=models.CASCADE, related_name="compliance")
    kind = models.CharField(_("condition"), max_length=20, choices=ConditionKind.choices)
    quarter = models.CharField(_("quarter"), max_length=7)
    value = models.DecimalField(_("figure"), max_digits=6, decimal_places=1, null=True, blank=True)
    minimum = models.PositiveSmallIntegerField(_("at least"))
    met = models.BooleanField(_("met"))
    missed_in_a_row = models.PositiveSmallIntegerField(_("quarters missed in a row"), default=0)

    class Meta:
        ordering = ["beneficiary", "-quarter", "kind"]
        verbose_name = _("compliance")
        verbose_name_plural = _("compliance")
        constraints = [
            models.UniqueConstraint(
                fields=["beneficiary", "kind", "quarter"], name="%(app_label)s_%(class)s_once_a_quarter"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.beneficiary_id} {self.kind} {self.quarter}: {'met' if self.met else 'missed'}"


class ConditionOutcome(models.Model):
    """A beneficiary an evaluation suspended or resumed, with the reason written to the status history.
    A beneficiary is suspended for a condition while its last suspension is one of these (`at` equal to
    the beneficiary's `status_since`); only such a suspension is lifted by an evaluation, never one made
    by hand."""

    evaluation = models.ForeignKey(ConditionEvaluation, on_delete=models.CASCADE, related_name="outcomes")
    beneficiary = models.ForeignKey(Beneficiary, on_delete=models.PROTECT, related_name="condition_outcomes")
    action = models.CharField(_("action"), max_length=10, choices=ComplianceAction.choices)
    reason = models.TextField(_("reason"))
    at = models.DateTimeField(_("when"))

    class Meta:
        ordering = ["evaluation", "action", "beneficiary"]
        verbose_name = _("condition outcome")
        verbose_name_plural = _("condition outcomes")
        indexes = [models.Index(fields=["beneficiary", "at"], name="programs_outcome_ben_idx")]

    def __str__(self) -> str:
        return f"{self.beneficiary_id} {self.action}"
