"""Satisfaction survey pages: the rounds, setting one up, a round (its questions, the files of responses
imported, with the report of every line refused, and its results by district), and the results by
district or programme with their CSV. Views parse the request, check permission, call one selector or
service and render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from ehsaas.community.exports import survey_results_csv
from ehsaas.community.forms import (
    QuestionFormSet,
    ResultsFilterForm,
    SurveyFileForm,
    SurveyRoundForm,
    kept_rows,
)
from ehsaas.community.models import SurveyRound
from ehsaas.community.reports import survey_results, survey_rounds_in
from ehsaas.community.selectors import (
    survey_imports_for_user,
    survey_round_get_for_user,
    survey_rounds_for_user,
)
from ehsaas.community.surveys import SurveyFileRefused, survey_responses_import, survey_round_save

SHOWN_PROBLEMS = 1000


@login_required
def round_list(request: HttpRequest) -> HttpResponse:
    return render(request, "community/surveys.html", {"rounds": survey_rounds_for_user(user=request.user)})


def _round_form(request: HttpRequest, survey_round: SurveyRound | None) -> HttpResponse:
    form = SurveyRoundForm(request.POST or None, instance=survey_round)
    questions = QuestionFormSet(request.POST or None, prefix="question",
                                initial=survey_round.questions if survey_round else None)  # fmt: skip
    if request.method == "POST" and form.is_valid() and questions.is_valid():
        try:
            saved = survey_round_save(acting_user=request.user, survey_round=survey_round,
                                      fields=form.cleaned_data, questions=kept_rows(questions))  # fmt: skip
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The survey round is saved."))
            return redirect("community:survey", pk=saved.pk)
    return render(request, "community/survey_form.html", {"form": form, "questions": questions,
                                                          "survey_round": survey_round})  # fmt: skip


@login_required
@permission_required("community.design_survey", raise_exception=True)
def round_new(request: HttpRequest) -> HttpResponse:
    return _round_form(request, None)


@login_required
@permission_required("community.design_survey", raise_exception=True)
def round_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _round_form(request, survey_round_get_for_user(user=request.user, pk=pk))


@login_required
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A round: its questions, the form to import responses, the files imported and the results."""
    survey_round = survey_round_get_for_user(user=request.user, pk=pk)
    form = SurveyFileForm(request.POST or None, request.FILES or None)
    refused = None
    if request.method == "POST":
        if not request.user.has_perm("community.import_survey"):
            raise PermissionDenied
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                imported = survey_responses_import(acting_user=request.user, survey_round=survey_round,
                                                   data=upload.read(), file_name=upload.name)  # fmt: skip
            except SurveyFileRefused as error:
                refused = error
            else:
                messages.success(request, _("%(file)s imported: %(count)s responses.")
                                 % {"file": imported.file_name, "count": imported.responses})  # fmt: skip
                return redirect("community:survey", pk=survey_round.pk)
    rounds = survey_rounds_for_user(user=request.user).filter(pk=survey_round.pk)
    return render(request, "community/survey.html", {
        "survey_round": survey_round, "form": form, "refused": refused,
        "problems": refused.problems[:SHOWN_PROBLEMS] if refused else [],
        "more": max(len(refused.problems) - SHOWN_PROBLEMS, 0) if refused else 0,
        "imports": survey_imports_for_user(user=request.user, survey_round=survey_round),
        "results": survey_results(user=request.user, rounds=rounds, by="district"),
    })  # fmt: skip


def _results(request: HttpRequest):
    rounds = survey_rounds_for_user(user=request.user)
    form = ResultsFilterForm(request.GET or None, user=request.user, rounds=rounds)
    choice = form.choice
    valid = form.is_valid()
    selected = survey_rounds_in(
        rounds, programme=choice("programme"), survey_round=choice("survey_round"),
        start=form.cleaned_data.get("start") if valid else None, end=form.cleaned_data.get("end") if valid else None,
    )  # fmt: skip
    results = survey_results(
        user=request.user, rounds=selected, by=form.grouping(), district=choice("district")
    )
    return form, results


@login_required
def results(request: HttpRequest) -> HttpResponse:
    form, figures = _results(request)
    return render(request, "community/results.html", {"form": form, "results": figures,
                                                      "query": request.GET.urlencode()})  # fmt: skip


@login_required
def results_download(request: HttpRequest) -> HttpResponse:
    _form, figures = _results(request)
    return survey_results_csv(figures, f"survey-results-by-{figures.by}.csv")
