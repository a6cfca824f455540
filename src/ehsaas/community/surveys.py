"""Satisfaction survey rounds and their responses: a round holds its questions as data (a code, the
English and Urdu text, a scale of 1 to 5 or yes/no), which can change until the first responses come in;
responses are imported from a file (`survey_files`) whole or not at all, in one transaction, written
with a few bulk statements whatever the file's length."""

import re

import polars as pl
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from ehsaas.community.choices import AnswerScale
from ehsaas.community.models import SurveyAnswer, SurveyImport, SurveyResponse, SurveyRound
from ehsaas.community.models.surveys import MSG_ROUND_DATES
from ehsaas.community.services import CommunityRefused
from ehsaas.community.survey_files import (
    RESERVED,
    LineProblem,
    SurveyFileRefused,
    answers_of,
    responses_file_read,
)
from ehsaas.core.access import district_scope
from ehsaas.core.services import audit_record

# The refusal a file meets (and its lines) are the import service's, re-exported for its callers.
__all__ = ["LineProblem", "SurveyFileRefused", "survey_responses_import", "survey_round_save"]

QUESTION_CODE = re.compile(r"[a-z][a-z0-9_]{0,39}")
MAX_QUESTIONS = 30
MSG_NO_QUESTIONS = _("Ask at least one question.")
MSG_TOO_MANY_QUESTIONS = _("A round asks at most %(count)s questions.")
MSG_QUESTION_CODE = _(
    "Question %(number)s: the code “%(code)s” must start with a letter and hold only small letters, digits "
    "and _ (at most 40), e.g. paid_on_time."
)
MSG_QUESTION_RESERVED = _("Question %(number)s: “%(code)s” names a column of the file; choose another code.")
MSG_QUESTION_TWICE = _("Question %(number)s: the code “%(code)s” is used twice.")
MSG_QUESTION_TEXT = _("Question %(number)s: write the question in English and in Urdu.")
MSG_ROUND_ANSWERED = _(
    "Responses have been imported into this round: its programme and questions can no longer change."
)


def _require(user, permission: str) -> None:
    if not user.has_perm(f"community.{permission}"):
        raise PermissionDenied


# Rounds.


def _check_questions(questions: list[dict]) -> list[dict]:
    if not questions:
        raise CommunityRefused(MSG_NO_QUESTIONS)
    if len(questions) > MAX_QUESTIONS:
        raise CommunityRefused(MSG_TOO_MANY_QUESTIONS, params={"count": MAX_QUESTIONS})
    checked, seen = [], set()
    for number, question in enumerate(questions, start=1):
        code = question["code"].strip().lower()
        params = {"number": number, "code": code}
        if not QUESTION_CODE.fullmatch(code):
            raise CommunityRefused(MSG_QUESTION_CODE, params=params)
        if code in RESERVED:
            raise CommunityRefused(MSG_QUESTION_RESERVED, params=params)
        if code in seen:
            raise CommunityRefused(MSG_QUESTION_TWICE, params=params)
        seen.add(code)
        text_en, text_ur = question["text_en"].strip(), question["text_ur"].strip()
        if not text_en or not text_ur:
            raise CommunityRefused(MSG_QUESTION_TEXT, params=params)
        checked.append({"code": code, "text_en": text_en, "text_ur": text_ur,
                        "scale": str(AnswerScale(question["scale"]).value)})  # fmt: skip
    return checked


@transaction.atomic
def survey_round_save(
    *, acting_user, survey_round: SurveyRound | None, fields: dict, questions: list[dict]
) -> SurveyRound:
    """Set up a round (fields: programme, name, starts_on, ends_on) with its questions in order, or
    change one that no response has come in for yet."""
    _require(acting_user, "design_survey")
    if fields["ends_on"] < fields["starts_on"]:
        raise CommunityRefused(MSG_ROUND_DATES)
    checked = _check_questions(questions)
    created = survey_round is None
    if created:
        survey_round = SurveyRound(created_by=acting_user)
    else:
        survey_round = SurveyRound.objects.select_for_update().get(pk=survey_round.pk)
        answered = survey_round.responses.exists()
        if answered and (
            checked != survey_round.questions or fields["programme"].pk != survey_round.programme_id
        ):
            raise CommunityRefused(MSG_ROUND_ANSWERED)
    survey_round.programme = fields["programme"]
    survey_round.name = fields["name"].strip()
    survey_round.starts_on, survey_round.ends_on = fields["starts_on"], fields["ends_on"]
    survey_round.questions = checked
    survey_round.save()
    audit_record(
        actor=acting_user, action="community.survey_round_" + ("created" if created else "changed"),
        subject=survey_round, summary=f"Survey round {survey_round.name}: {len(checked)} questions",
    )  # fmt: skip
    return survey_round


# Responses.


@transaction.atomic
def survey_responses_import(
    *, acting_user, survey_round: SurveyRound, data: bytes, file_name: str
) -> SurveyImport:
    """Import a file of responses into a round: all its lines, or (SurveyFileRefused, naming every bad
    line) none."""
    _require(acting_user, "import_survey")
    label = file_name or "file"
    rows = responses_file_read(
        data, label=label, survey_round=survey_round, scope=district_scope(acting_user)
    )
    survey_import = SurveyImport.objects.create(
        survey_round=survey_round, file_name=label[:255], responses=rows.height, imported_by=acting_user
    )
    responses = SurveyResponse.objects.bulk_create(
        (
            SurveyResponse(
                survey_round=survey_round,
                survey_import=survey_import,
                line=row["_line"],
                household_id=row["household_id"],
                member_id=row["member_id"],
                district_id=row["district_id"],
            )
            for row in rows.iter_rows(named=True)
        ),
        batch_size=1000,
    )
    response_ids = pl.DataFrame(
        {"_line": [r.line for r in responses], "response_id": [r.pk for r in responses]},
        schema={"_line": pl.Int64, "response_id": pl.Int64},
    )
    answers = answers_of(rows, survey_round).join(response_ids, on="_line")
    SurveyAnswer.objects.bulk_create(
        (
            SurveyAnswer(
                response_id=row["response_id"],
                question=row["question"],
                score=row["score"],
                satisfied=row["satisfied"],
            )
            for row in answers.iter_rows(named=True)
        ),
        batch_size=2000,
    )
    audit_record(
        actor=acting_user, action="community.survey_imported", subject=survey_import,
        summary=f"{label}: {rows.height} responses to {survey_round.name}",
    )  # fmt: skip
    return survey_import
