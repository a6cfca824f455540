"""Reads of programmes, enrolment runs and beneficiaries, for those allowed to see them. A partner sees
beneficiaries only in its districts (the registry's household scope)."""

import random
from dataclasses import dataclass

import polars as pl
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from ehsaas.core.identity import InvalidIdentifier, normalize_cnic
from ehsaas.programs.choices import BeneficiaryStatus, ChangeKind
from ehsaas.programs.enrolment import flag_ids, judge_units
from ehsaas.programs.models import (
    TRACKING_PREFIX,
    Application,
    ApplicationDocument,
    Beneficiary,
    Compliance,
    ComplianceFile,
    ConditionEvaluation,
    ConditionOutcome,
    EnrolmentChange,
    EnrolmentRun,
    HealthVisit,
    Programme,
)
from ehsaas.programs.rules import programme_rules
from ehsaas.programs.units import units_of_households
from ehsaas.registry.models import Household, Member
from ehsaas.registry.selectors import households_for_user

SAMPLE = 12  # households tested when none are named


def _require(user, permission: str) -> None:
    if not user.has_perm(f"programs.{permission}"):
        raise PermissionDenied


def programmes_for_user(*, user) -> QuerySet[Programme]:
    _require(user, "view_programme")
    active = Count("beneficiaries", filter=Q(beneficiaries__status=BeneficiaryStatus.ACTIVE))
    return Programme.objects.annotate(active_beneficiaries=active)


def programme_get_for_user(*, user, code: str) -> Programme:
    programme = programmes_for_user(user=user).filter(code=code).first()
    if programme is None:
        raise Http404
    return programme


def enrolment_runs_for_user(*, user) -> QuerySet[EnrolmentRun]:
    _require(user, "view_enrolmentrun")
    return EnrolmentRun.objects.select_related(
        "programme", "started_by", "approved_by", "confirmed_by", "job"
    )


def enrolment_run_get_for_user(*, user, pk: int) -> EnrolmentRun:
    run = enrolment_runs_for_user(user=user).filter(pk=pk).first()
    if run is None:
        raise Http404
    return run


def enrolment_changes(*, run: EnrolmentRun, change: str | None = None) -> QuerySet[EnrolmentChange]:
    changes = run.changes.select_related("household", "household__district", "member")
    if change in ChangeKind.values:
        changes = changes.filter(change=change)
    return changes.order_by(
        "change", "household__district__name_en", "household__household_ref", "member__member_no"
    )


def beneficiaries_for_user(*, user, programme: Programme) -> QuerySet[Beneficiary]:
    _require(user, "view_beneficiary")
    visible = households_for_user(user=user)
    return (
        Beneficiary.objects.filter(programme=programme, household__in=visible)
        .select_related("household", "household__district", "member")
        .order_by("household__district__name_en", "household__household_ref", "member__member_no")
    )


def household_beneficiaries(*, user, household: Household) -> list[Beneficiary]:
    """The household's places in programmes, with their histories, for its page (nothing for those who
    may not see beneficiaries)."""
    if not user.has_perm("programs.view_beneficiary"):
        return []
    compliance = Compliance.objects.order_by("-quarter", "kind")
    return list(
        Beneficiary.objects.filter(household=household)
        .select_related("programme", "member")
        .prefetch_related("status_changes__changed_by", Prefetch("compliance", queryset=compliance))
        .order_by("programme__name_en", "member__member_no")
    )


@dataclass
class TestedUnit:
    household: Household
    member: Member | None
    pmt_score: float | None
    eligible: bool
    amount: int
    category: str
    why: str


def programme_test(
    *, user, programme: Programme, household_refs: list[str]
) -> tuple[list[TestedUnit], list[str]]:
    """The programme's rules judged on the households named (or a random sample of visible ones),
    unit by unit; and the references that name no household the user may see. Nothing is written."""
    _require(user, "view_programme")
    visible = households_for_user(user=user)
    if household_refs:
        households = list(visible.filter(household_ref__in=household_refs))
        unknown = sorted(set(household_refs) - {h.household_ref for h in households})
    else:
        ids = list(visible.values_list("id", flat=True)[:5000])
        households = list(visible.filter(id__in=random.sample(ids, min(SAMPLE, len(ids)))))
        unknown = []
    try:
        rules = programme_rules(programme)
    except ValidationError:
        return [], unknown
    frame = units_of_households(programme.unit, [h.pk for h in households], programme_flags=flag_ids(rules))
    judged = judge_units(frame, rules, programme) if frame.height else pl.DataFrame()
    by_id = {h.pk: h for h in households}
    members = Member.objects.in_bulk(
        [row["member_id"] for row in judged.iter_rows(named=True) if row["member_id"]]
    )
    return [
        TestedUnit(
            by_id[row["household_id"]],
            members.get(row["member_id"]),
            row["pmt_score"],
            row["eligible"],
            row["amount"] if row["eligible"] else 0,
            row["category"] if row["eligible"] else "",
            row["why"] or "",
        )
        for row in judged.sort(["household_id", "member_id"]).iter_rows(named=True)
    ], unknown


# Conditionalities.

RECENT_VISITS = 10  # shown on a household's page


def compliance_files_for_user(*, user) -> QuerySet[ComplianceFile]:
    _require(user, "view_compliancefile")
    return ComplianceFile.objects.select_related("imported_by")


def condition_evaluations_for_user(*, user, programme: Programme) -> QuerySet[ConditionEvaluation]:
    _require(user, "view_conditionevaluation")
    return ConditionEvaluation.objects.filter(programme=programme).select_related("evaluated_by")


def condition_evaluation_get_for_user(*, user, programme: Programme, quarter: str) -> ConditionEvaluation:
    evaluation = (
        condition_evaluations_for_user(user=user, programme=programme).filter(quarter=quarter).first()
    )
    if evaluation is None:
        raise Http404
    return evaluation


def condition_outcomes_for_user(
    *, user, evaluation: ConditionEvaluation, action: str | None = None
) -> QuerySet[ConditionOutcome]:
    """The beneficiaries an evaluation suspended or resumed, in the reader's districts."""
    _require(user, "view_conditionoutcome")
    outcomes = evaluation.outcomes.filter(
        beneficiary__household__in=households_for_user(user=user).values("id")
    )
    if action:
        outcomes = outcomes.filter(action=action)
    return outcomes.select_related(
        "beneficiary__household", "beneficiary__household__district", "beneficiary__member"
    ).order_by("action", "beneficiary__household__household_ref", "beneficiary__member__member_no")


def household_health_visits(*, user, household: Household) -> list[HealthVisit]:
    """The latest visits recorded for the household's members (none for those who may not read them)."""
    if not user.has_perm("programs.view_healthvisit"):
        return []
    return list(
        HealthVisit.objects.filter(member__household=household)
        .select_related("member")
        .order_by("-visited_on", "-id")[:RECENT_VISITS]
    )


# Applications.


def applications_for_user(*, user) -> QuerySet[Application]:
    _require(user, "view_application")
    return Application.objects.select_related("programme", "household", "member")


def application_get_for_user(*, user, pk: int) -> Application:
    application = applications_for_user(user=user).filter(pk=pk).first()
    if application is None:
        raise Http404
    return application


def application_document_get_for_user(*, user, application: Application, pk: int) -> ApplicationDocument:
    _require(user, "view_applicationdocument")
    document = application.documents.filter(pk=pk).first()
    if document is None:
        raise Http404
    return document


def tracking_number_parse(text: str) -> int | None:
    """APP-000123, app 123 or 123: the application's number; None when it is not one."""
    cleaned = (text or "").strip().upper().replace(" ", "").replace("-", "")
    cleaned = cleaned.removeprefix(TRACKING_PREFIX.rstrip("-"))
    return int(cleaned) if cleaned.isdigit() and 0 < len(cleaned) <= 12 else None


def application_tracked(*, number: str, cnic: str) -> Application | None:
    """The application a person follows on the public page: found only when its tracking number and
    the applicant's CNIC both match (anyone may try; what is shown is its status and the reason)."""
    pk = tracking_number_parse(number)
    try:
        digits = normalize_cnic(cnic)
    except InvalidIdentifier:
        return None
    if pk is None:
        return None
    return Application.objects.select_related("programme").filter(pk=pk, cnic=digits).first()
