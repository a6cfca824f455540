"""Satisfaction surveys of beneficiaries: a round asks a programme's beneficiaries the questions it
holds as data, over a period; their answers come in files, each line one household's answers.

An answer keeps its score (1 to 5; none for a yes/no question) and whether it is satisfied (a score of 4
or 5, or yes), so that every figure of the results is a plain average the database computes."""

from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from ehsaas.community.choices import AnswerScale

SATISFIED_FROM = 4  # a score of 4 (satisfied) or 5 (very satisfied)
MSG_ROUND_DATES = _("A round ends on or after the day it starts.")


@dataclass(frozen=True)
class Question:
    """One question of a round: `code` names its column in the responses file."""

    code: str
    text_en: str
    text_ur: str
    scale: str

    @property
    def text(self) -> str:
        return self.text_ur if (get_language() or "en").startswith("ur") and self.text_ur else self.text_en

    @property
    def is_score(self) -> bool:
        return self.scale == AnswerScale.SCORE

    @property
    def scale_label(self) -> str:
        return str(AnswerScale(self.scale).label)


class SurveyRound(models.Model):
    """A round of a satisfaction survey of one programme's beneficiaries, over a period."""

    programme = models.ForeignKey(
        "programs.Programme",
        on_delete=models.PROTECT,
        related_name="survey_rounds",
        verbose_name=_("programme"),
    )
    name = models.CharField(_("name"), max_length=150)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))
    questions = models.JSONField(
        _("questions"), default=list, help_text="a list of {code, text_en, text_ur, scale}; see Question"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = _("survey round")
        verbose_name_plural = _("survey rounds")
        permissions = [
            ("design_survey", _("Can set up satisfaction survey rounds")),
            ("import_survey", _("Can import the responses to a satisfaction survey")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")),
                name="%(app_label)s_%(class)s_ends_after_start",
                violation_error_message=MSG_ROUND_DATES,
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def question_list(self) -> list[Question]:
        return [Question(**question) for question in self.questions]


class SurveyImport(models.Model):
    """A file of responses, as it was imported: who brought it and how many responses it held."""

    survey_round = models.ForeignKey(SurveyRound, on_delete=models.PROTECT, related_name="imports")
    file_name = models.CharField(_("file"), max_length=255)
    responses = models.PositiveIntegerField(_("responses"), default=0)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    imported_at = models.DateTimeField(_("imported"), auto_now_add=True)

    class Meta:
        ordering = ["-imported_at", "-id"]
        verbose_name = _("survey file")
        verbose_name_plural = _("survey files")

    def __str__(self) -> str:
        return self.file_name


class SurveyResponse(models.Model):
    """A household's answers to a round (a household answers a round once), from a line of a file."""

    # Indexed by the (round, household) unique constraint, whose first column it is.
    survey_round = models.ForeignKey(
        SurveyRound, on_delete=models.PROTECT, related_name="responses", db_index=False
    )
    survey_import = models.ForeignKey(SurveyImport, on_delete=models.PROTECT, related_name="+")
    line = models.PositiveIntegerField(_("line"))
    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT, related_name="+")
    member = models.ForeignKey(
        "registry.Member", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    district = models.ForeignKey("core.District", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["survey_round", "id"]
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        constraints = [
            models.UniqueConstraint(
                fields=["survey_round", "household"], name="%(app_label)s_%(class)s_household_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.survey_round} · {self.household_id}"


class SurveyAnswer(models.Model):
    """One answer of a response. A question left blank has no answer."""

    # Indexed by the (response, question) unique constraint, whose first column it is.
    response = models.ForeignKey(
        SurveyResponse, on_delete=models.PROTECT, related_name="answers", db_index=False
    )
    question = models.CharField(_("question"), max_length=40)
    score = models.PositiveSmallIntegerField(_("score"), null=True, blank=True)
    satisfied = models.BooleanField(_("satisfied"))

    class Meta:
        ordering = ["response", "id"]
        verbose_name = _("survey answer")
        verbose_name_plural = _("survey answers")
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="%(app_label)s_%(class)s_once"),
            models.CheckConstraint(
                condition=Q(score__isnull=True)
                | Q(score__gte=SATISFIED_FROM, score__lte=5, satisfied=True)
                | Q(score__gte=1, score__lt=SATISFIED_FROM, satisfied=False),
                name="%(app_label)s_%(class)s_score_on_the_scale",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.question}: {self.score if self.score is not None else self.satisfied}"
