"""Writes of targeting: a PMT model's life (draft, edit, submit, review, activate), and starting a
scoring run, a calibration or a simulation as a job. Each checks who may act, refuses with a message
constant, and records an audit event in the same transaction (a simulation changes nothing: its Job
says who ran it)."""

import math
import uuid
from dataclasses import asdict
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ehsaas.core.models import Job
from ehsaas.core.services import audit_record, job_create
from ehsaas.targeting.choices import ModelStatus
from ehsaas.targeting.indicators import INDICATORS
from ehsaas.targeting.models import PmtModel, PmtWeight
from ehsaas.targeting.simulation import Scenario
from ehsaas.targeting.simulation_runs import scenario_problems
from ehsaas.targeting.tasks import SIMULATION_KIND, calibrate_survey_job, score_households_job, simulate_job

MSG_VERSION_TAKEN = _("A model with the version “%(version)s” exists already.")
MSG_NOT_DRAFT = _("Only a draft can be edited or submitted; this model is %(status)s.")
MSG_NEVER_EDITED = _(
    "An active or superseded model is never edited: draft a new version instead (this one is %(status)s)."
)
MSG_NOT_SUBMITTED = _("Only a submitted model can be reviewed; this model is %(status)s.")
MSG_NOT_APPROVED = _("Only an approved model can be activated; this model is %(status)s.")
MSG_OWN_REVIEW = _("The author of a model cannot review it: another person must.")
MSG_OWN_ACTIVATION = _("The author of a model cannot activate it: another person must.")
MSG_NOTE_REQUIRED = _("Say why: a note is required to reject a model.")
MSG_MISSING = _("%(field)s is missing.")
MSG_NOT_NUMBER = _("%(field)s is not a number.")
MSG_SCALE = _("The log consumption scored 100 must be higher than the one scored 0.")
MSG_UNKNOWN = _("“%(code)s” is not an indicator of the catalogue.")
MSG_NO_WEIGHTS = _("A model needs at least one weight.")


class PmtModelRefused(ValidationError):
    """A step in a model's life that cannot be taken, with the reason why."""


def _require(user, permission: str) -> None:
    if not user.has_perm(f"targeting.{permission}"):
        raise PermissionDenied


def _check_numbers(*, intercept, scale_low, scale_high, weights: dict) -> None:
    for field, value in ((_("The intercept"), intercept), (_("The log consumption scored 0"), scale_low),
                         (_("The log consumption scored 100"), scale_high)):  # fmt: skip
        if value is None:
            raise PmtModelRefused(MSG_MISSING, params={"field": field})
        if not isinstance(value, int | float) or not math.isfinite(value):
            raise PmtModelRefused(MSG_NOT_NUMBER, params={"field": field})
    if scale_high <= scale_low:
        raise PmtModelRefused(MSG_SCALE)
    if not weights:
        raise PmtModelRefused(MSG_NO_WEIGHTS)
    for code in weights:
        if code not in INDICATORS:
            raise PmtModelRefused(MSG_UNKNOWN, params={"code": code})


def _editable(model: PmtModel) -> None:
    if model.status in (ModelStatus.ACTIVE, ModelStatus.SUPERSEDED):
        raise PmtModelRefused(MSG_NEVER_EDITED, params={"status": model.get_status_display()})
    if model.status != ModelStatus.DRAFT:
        raise PmtModelRefused(MSG_NOT_DRAFT, params={"status": model.get_status_display()})


def _locked(model: PmtModel) -> PmtModel:
    """The model's row, locked for this transaction, so that two people cannot step it at once."""
    return PmtModel.objects.select_for_update().get(pk=model.pk)


@transaction.atomic
def pmt_model_draft(
    *,
    acting_user,
    version: str,
    name: str,
    intercept: float | None,
    scale_low: float | None,
    scale_high: float | None,
    weights: dict[str, float],
    description: str = "",
    reference_means: dict[str, float] | None = None,
    fit: dict | None = None,
    is_illustrative: bool = False,
) -> PmtModel:
    _require(acting_user, "draft_pmtmodel")
    _check_numbers(intercept=intercept, scale_low=scale_low, scale_high=scale_high, weights=weights)
    if PmtModel.objects.filter(version=version).exists():
        raise PmtModelRefused(MSG_VERSION_TAKEN, params={"version": version})
    model = PmtModel.objects.create(
        version=version, name=name, description=description, intercept=intercept, scale_low=scale_low,
        scale_high=scale_high, reference_means=reference_means or {}, fit=fit or {},
        is_illustrative=is_illustrative, author=acting_user,
    )  # fmt: skip
    PmtWeight.objects.bulk_create(PmtWeight(model=model, indicator=c, weight=w) for c, w in weights.items())
    audit_record(
        actor=acting_user,
        action="pmt_model.drafted",
        subject=model,
        summary=f"PMT model {version} drafted with {len(weights)} weights",
    )
    return model


@transaction.atomic
def pmt_model_edit(
    *,
    acting_user,
    model: PmtModel,
    name: str | None = None,
    description: str | None = None,
    intercept: float | None = None,
    scale_low: float | None = None,
    scale_high: float | None = None,
    weights: dict[str, float] | None = None,
    reference_means: dict[str, float] | None = None,
) -> PmtModel:
    """Change a draft; what is not given stays as it was. Weights given replace all the old ones."""
    _require(acting_user, "draft_pmtmodel")
    model = _locked(model)
    _editable(model)
    before = {"intercept": model.intercept, "scale_low": model.scale_low, "scale_high": model.scale_high}
    model.name = name if name is not None else model.name
    model.description = description if description is not None else model.description
    model.intercept = intercept if intercept is not None else model.intercept
    model.scale_low = scale_low if scale_low is not None else model.scale_low
    model.scale_high = scale_high if scale_high is not None else model.scale_high
    current = dict(model.weights.values_list("indicator", "weight"))
    _check_numbers(
        intercept=model.intercept, scale_low=model.scale_low, scale_high=model.scale_high,
        weights=weights if weights is not None else current,
    )  # fmt: skip
    if reference_means is not None:
        model.reference_means = reference_means
    model.save(
        update_fields=["name", "description", "intercept", "scale_low", "scale_high", "reference_means"]
    )
    if weights is not None:
        model.weights.all().delete()
        PmtWeight.objects.bulk_create(
            PmtWeight(model=model, indicator=c, weight=w) for c, w in weights.items()
        )
    after = {"intercept": model.intercept, "scale_low": model.scale_low, "scale_high": model.scale_high}
    audit_record(
        actor=acting_user,
        action="pmt_model.edited",
        subject=model,
        summary=f"PMT model {model.version} edited",
        changes={k: [before[k], after[k]] for k in before if before[k] != after[k]}
        | ({"weights": [len(current), len(weights)]} if weights is not None else {}),
    )
    return model


@transaction.atomic
def pmt_model_submit(*, acting_user, model: PmtModel) -> PmtModel:
    _require(acting_user, "draft_pmtmodel")
    model = _locked(model)
    _editable(model)
    model.status, model.submitted_at = ModelStatus.SUBMITTED, timezone.now()
    model.save(update_fields=["status", "submitted_at"])
    audit_record(
        actor=acting_user,
        action="pmt_model.submitted",
        subject=model,
        summary=f"PMT model {model.version} submitted",
    )
    return model


@transaction.atomic
def pmt_model_review(*, acting_user, model: PmtModel, approve: bool, note: str = "") -> PmtModel:
    """Approve or reject a submitted model: by someone other than its author; a rejection says why."""
    _require(acting_user, "review_pmtmodel")
    model = _locked(model)
    if model.status != ModelStatus.SUBMITTED:
        raise PmtModelRefused(MSG_NOT_SUBMITTED, params={"status": model.get_status_display()})
    if model.author_id == acting_user.pk:
        raise PmtModelRefused(MSG_OWN_REVIEW)
    note = (note or "").strip()
    if not approve and not note:
        raise PmtModelRefused(MSG_NOTE_REQUIRED)
    model.status = ModelStatus.APPROVED if approve else ModelStatus.REJECTED
    model.reviewer, model.reviewed_at, model.review_note = acting_user, timezone.now(), note
    model.save(update_fields=["status", "reviewer", "reviewed_at", "review_note"])
    audit_record(
        actor=acting_user,
        action="pmt_model.approved" if approve else "pmt_model.rejected",
        subject=model,
        summary=f"PMT model {model.version} {'approved' if approve else 'rejected'}",
        reason=note,
    )
    return model


@transaction.atomic
def pmt_model_activate(*, acting_user, model: PmtModel) -> PmtModel:
    """Make an approved model the one that scores households; the active one before it is superseded.
    Households are rescored by the next scoring run."""
    _require(acting_user, "activate_pmtmodel")
    model = _locked(model)
    if model.status != ModelStatus.APPROVED:
        raise PmtModelRefused(MSG_NOT_APPROVED, params={"status": model.get_status_display()})
    if model.author_id == acting_user.pk:
        raise PmtModelRefused(MSG_OWN_ACTIVATION)
    return _activate(model, acting_user)


def _activate(model: PmtModel, acting_user) -> PmtModel:
    now = timezone.now()
    for previous in PmtModel.objects.select_for_update().filter(status=ModelStatus.ACTIVE):
        previous.status, previous.superseded_at = ModelStatus.SUPERSEDED, now
        previous.save(update_fields=["status", "superseded_at"])
        audit_record(
            actor=acting_user,
            action="pmt_model.superseded",
            subject=previous,
            summary=f"PMT model {previous.version} superseded by {model.version}",
        )
    model.status, model.activated_by, model.activated_at = ModelStatus.ACTIVE, acting_user, now
    model.save(update_fields=["status", "activated_by", "activated_at"])
    audit_record(
        actor=acting_user,
        action="pmt_model.activated",
        subject=model,
        summary=f"PMT model {model.version} activated",
    )
    return model


JOB_KIND = "targeting.score"


@transaction.atomic
def scoring_start(*, acting_user, model: PmtModel | None = None) -> Job:
    """Queue a scoring run of every active household (with the active model unless another is named),
    followed by a Job. The task is enqueued once the Job row is committed."""
    _require(acting_user, "run_scoring")
    params = {"model": model.version if model else None}
    job = job_create(
        kind=JOB_KIND, acting_user=acting_user, params=params, message=str(_("Waiting for the worker"))
    )
    audit_record(actor=acting_user, action="scoring.started", subject=job, summary="Scoring run queued")
    transaction.on_commit(lambda: score_households_job.enqueue(job.pk))
    return job


CALIBRATION_KIND = "targeting.calibrate"
CALIBRATION_FOLDER = "calibration"


def _store(upload: UploadedFile, target: Path) -> str:
    with target.open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return target.name


@transaction.atomic
def calibration_start(
    *,
    acting_user,
    households: UploadedFile,
    members: UploadedFile,
    cutoff: float | None = None,
    coverage: float | None = None,
    poor_share: float | None = None,
) -> Job:
    """Keep the survey's files for the worker and queue its calibration, followed by a Job."""
    _require(acting_user, "draft_pmtmodel")
    folder = Path(settings.MEDIA_ROOT) / CALIBRATION_FOLDER / uuid.uuid4().hex
    folder.mkdir(parents=True)
    params = {
        "folder": str(folder),
        "households": _store(households, folder / "households.csv"),
        "members": _store(members, folder / "members.csv"),
        "uploaded": [households.name, members.name],
        "cutoff": cutoff,
        "coverage": coverage,
        **({"poor_share": poor_share} if poor_share is not None else {}),
    }
    job = job_create(
        kind=CALIBRATION_KIND,
        acting_user=acting_user,
        params=params,
        message=str(_("Waiting for the worker")),
    )
    audit_record(
        actor=acting_user, action="calibration.started", subject=job,
        summary=f"Calibration on {households.name} and {members.name} queued",
    )  # fmt: skip
    transaction.on_commit(lambda: calibrate_survey_job.enqueue(job.pk))
    return job


SIMULATION_FOLDER = "simulation"


@transaction.atomic
def simulation_start(
    *,
    acting_user,
    model: PmtModel,
    scenario: Scenario,
    households: UploadedFile | None = None,
    members: UploadedFile | None = None,
) -> Job:
    """Queue a what-if with `model` over the registry, or over a survey's two files when given, followed
    by a Job. Nothing but the Job is written: no score, flag or household changes."""
    _require(acting_user, "run_simulation")
    problems = scenario_problems(scenario)
    if problems:
        raise ValidationError(problems)
    params = {"model": model.version, **asdict(scenario)}
    if households is not None and members is not None:
        folder = Path(settings.MEDIA_ROOT) / SIMULATION_FOLDER / uuid.uuid4().hex
        folder.mkdir(parents=True)
        params |= {
            "folder": str(folder),
            "households": _store(households, folder / "households.csv"),
            "members": _store(members, folder / "members.csv"),
            "uploaded": [households.name, members.name],
        }
    job = job_create(
        kind=SIMULATION_KIND, acting_user=acting_user, params=params, message=str(_("Waiting for the worker"))
    )
    transaction.on_commit(lambda: simulate_job.enqueue(job.pk))
    return job
