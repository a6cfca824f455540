from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from ehsaas.core.models import Job
from ehsaas.registry.models import Household
from ehsaas.targeting.choices import ModelStatus, RunReason


class PmtModel(models.Model):
    """A proxy-means-test model as data: weights on indicators (PmtWeight), an intercept, and the
    rescaling of predicted log per-capita monthly consumption to a score from 0 to 100, lower poorer:

        score = clip(100 × (intercept + Σ weight × indicator − low) / (high − low), 0, 100)

    `reference_means` holds each indicator's mean over the population the model was fitted on; a
    household's explanation compares its values with them. A model is drafted by one person, reviewed
    by another and activated by someone other than its author; once active it is never edited, only
    superseded by the next one activated.
    """

    version = models.SlugField(_("version"), max_length=64)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=ModelStatus.choices, default=ModelStatus.DRAFT
    )
    intercept = models.FloatField(_("intercept"))
    scale_low = models.FloatField(
        _("log consumption scored 0"), help_text=_("Predicted log per-capita consumption that scores 0")
    )
    scale_high = models.FloatField(
        _("log consumption scored 100"), help_text=_("Predicted log per-capita consumption that scores 100")
    )
    reference_means = models.JSONField(_("reference means"), default=dict, blank=True)
    fit = models.JSONField(
        _("fit"), default=dict, blank=True, help_text=_("How the model was fitted: data, sizes, R²")
    )
    is_illustrative = models.BooleanField(
        _("illustrative"),
        default=False,
        help_text=_("Calibrated on synthetic data, not on a real survey"),
    )

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="pmt_models_authored",
        null=True,
        blank=True,
        verbose_name=_("author"),
    )
    created_at = models.DateTimeField(_("drafted"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="pmt_models_reviewed",
        null=True,
        blank=True,
        verbose_name=_("reviewer"),
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    review_note = models.TextField(_("review note"), blank=True)
    activated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="pmt_models_activated",
        null=True,
        blank=True,
        verbose_name=_("activated by"),
    )
    activated_at = models.DateTimeField(_("activated"), null=True, blank=True)
    superseded_at = models.DateTimeField(_("superseded"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("PMT model")
        verbose_name_plural = _("PMT models")
        permissions = [
            ("draft_pmtmodel", _("Can draft and submit PMT models")),
            ("review_pmtmodel", _("Can approve or reject PMT models")),
            ("activate_pmtmodel", _("Can activate PMT models")),
            ("run_scoring", _("Can start a scoring run")),
            ("run_simulation", _("Can run targeting simulations (what-if)")),
        ]
        constraints = [
            models.UniqueConstraint(fields=["version"], name="%(app_label)s_%(class)s_version_unique"),
            models.UniqueConstraint(
                fields=["status"], condition=Q(status="active"), name="%(app_label)s_%(class)s_one_active"
            ),
            models.CheckConstraint(
                condition=Q(reviewer__isnull=True) | Q(author__isnull=True) | ~Q(reviewer=F("author")),
                name="%(app_label)s_%(class)s_reviewer_is_not_author",
            ),
            models.CheckConstraint(
                condition=Q(activated_by__isnull=True)
                | Q(author__isnull=True)
                | ~Q(activated_by=F("author")),
                name="%(app_label)s_%(class)s_activator_is_not_author",
            ),
            models.CheckConstraint(
                condition=Q(scale_high__gt=F("scale_low")), name="%(app_label)s_%(class)s_scale_increasing"
            ),
            models.CheckConstraint(
                condition=Q(status__in=ModelStatus.values), name="%(app_label)s_%(class)s_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.version


class PmtWeight(models.Model):
    """The weight of one indicator (a code of `ehsaas.targeting.indicators`) in a model: the change in
    predicted log per-capita consumption for one unit of the indicator."""

    model = models.ForeignKey(PmtModel, on_delete=models.CASCADE, related_name="weights")
    indicator = models.CharField(_("indicator"), max_length=64)
    weight = models.FloatField(_("weight"))

    class Meta:
        ordering = ["model", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["model", "indicator"], name="%(app_label)s_%(class)s_indicator_once_per_model"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.weight}"


class ScoringRun(models.Model):
    """One scoring of many households with one model: from the command line, the browser, or because
    households' data changed."""

    model = models.ForeignKey(PmtModel, on_delete=models.PROTECT, related_name="runs")
    reason = models.CharField(_("reason"), max_length=12, choices=RunReason.choices)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="scoring_runs", null=True, blank=True
    )
    job = models.ForeignKey(Job, on_delete=models.PROTECT, related_name="scoring_runs", null=True, blank=True)
    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    households = models.PositiveIntegerField(_("households scored"), default=0)

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.model} #{self.pk}"


# The two score tables are written a million rows at a time by set-based SQL. Their foreign keys are
# declared without database constraints: PostgreSQL checks a foreign key with one query per written
# row, which alone would take longer than the whole scoring. The writer only writes households it has
# just read from the registry and the run and model it has just created; households are never deleted.
class HouseholdScore(models.Model):
    """A household's current poverty score (one row per household): the latest score it was given."""

    household = models.OneToOneField(
        Household,
        on_delete=models.PROTECT,
        primary_key=True,
        related_name="pmt_score",
        db_constraint=False,
    )
    model = models.ForeignKey(
        PmtModel, on_delete=models.PROTECT, related_name="+", db_constraint=False, db_index=False
    )
    run = models.ForeignKey(
        ScoringRun, on_delete=models.PROTECT, related_name="+", db_constraint=False, db_index=False
    )
    score = models.FloatField(_("score"))
    scored_at = models.DateTimeField(_("scored"))

    class Meta:
        verbose_name = _("household score")
        constraints = [
            models.CheckConstraint(
                condition=Q(score__gte=0, score__lte=100), name="%(app_label)s_%(class)s_score_0_to_100"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.household_id}: {self.score}"


class ScoreHistory(models.Model):
    """Every score a household was ever given, with the model and run; a run scores a household once
    (the primary key), so a run that is repeated writes nothing twice."""

    pk = models.CompositePrimaryKey("household", "run")
    # Found through the primary key, whose first column it is.
    household = models.ForeignKey(
        Household,
        on_delete=models.PROTECT,
        related_name="pmt_score_history",
        db_constraint=False,
        db_index=False,
    )
    run = models.ForeignKey(
        ScoringRun, on_delete=models.PROTECT, related_name="+", db_constraint=False, db_index=False
    )
    model = models.ForeignKey(
        PmtModel, on_delete=models.PROTECT, related_name="+", db_constraint=False, db_index=False
    )
    score = models.FloatField(_("score"))
    scored_at = models.DateTimeField(_("scored"))

    class Meta:
        verbose_name = _("score history")

    def __str__(self) -> str:
        return f"{self.household_id} @ run {self.run_id}: {self.score}"
