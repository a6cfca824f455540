"""A PMT model's life: drafted, edited while a draft, submitted, approved or rejected by someone other
than its author, activated by someone other than its author (the active one before it superseded), and
never edited once active or superseded. Each step is in the audit trail."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from ehsaas.core.models import AuditEvent
from ehsaas.targeting import services as s
from ehsaas.targeting.choices import ModelStatus
from ehsaas.targeting.models import PmtModel
from tests.targeting.conftest import ILLUSTRATIVE, SIMPLE_WEIGHTS, draft

pytestmark = pytest.mark.django_db


def approved(author, checker, version="2027-test") -> PmtModel:
    model = s.pmt_model_submit(acting_user=author, model=draft(author, version))
    return s.pmt_model_review(acting_user=checker, model=model, approve=True, note="Checked the weights")


def test_the_migrations_leave_one_active_model_the_illustrative_one():
    active = PmtModel.objects.get(status=ModelStatus.ACTIVE)
    assert active.version == ILLUSTRATIVE
    assert active.is_illustrative
    assert active.weights.count() > 50


def test_a_draft_keeps_its_weights_and_author(author):
    model = draft(author)
    assert model.status == ModelStatus.DRAFT
    assert model.author == author
    assert dict(model.weights.values_list("indicator", "weight")) == SIMPLE_WEIGHTS
    assert AuditEvent.objects.filter(action="pmt_model.drafted", subject_id=model.pk).exists()


def test_a_version_is_drafted_once(author):
    draft(author)
    with pytest.raises(s.PmtModelRefused) as refused:
        draft(author)
    assert refused.value.message == s.MSG_VERSION_TAKEN


def test_a_model_with_an_unknown_indicator_is_refused_and_nothing_is_written(author):
    with pytest.raises(s.PmtModelRefused) as refused:
        draft(author, weights={"household_size": 0.1, "number_of_camels": 0.2})
    assert refused.value.message == s.MSG_UNKNOWN
    assert not PmtModel.objects.filter(version="2027-test").exists()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"intercept": None}, s.MSG_MISSING),
        ({"scale_low": float("nan")}, s.MSG_NOT_NUMBER),
        ({"scale_low": 10.0, "scale_high": 9.0}, s.MSG_SCALE),
        ({"weights": {}}, s.MSG_NO_WEIGHTS),
    ],
)
def test_a_model_with_bad_numbers_is_refused(author, fields, message):
    with pytest.raises(s.PmtModelRefused) as refused:
        draft(author, **fields)
    assert refused.value.message == message


def test_a_draft_can_be_edited_and_its_weights_replaced(author):
    model = draft(author)
    s.pmt_model_edit(acting_user=author, model=model, intercept=9.5, weights={"household_size": -0.1})
    model.refresh_from_db()
    assert model.intercept == 9.5
    assert dict(model.weights.values_list("indicator", "weight")) == {"household_size": -0.1}


def test_a_submitted_model_is_no_longer_edited(author):
    model = s.pmt_model_submit(acting_user=author, model=draft(author))
    with pytest.raises(s.PmtModelRefused) as refused:
        s.pmt_model_edit(acting_user=author, model=model, intercept=1.0)
    assert refused.value.message == s.MSG_NOT_DRAFT


@pytest.mark.parametrize("status", [ModelStatus.ACTIVE, ModelStatus.SUPERSEDED])
def test_an_active_or_superseded_model_is_never_edited(author, checker, status):
    model = s.pmt_model_activate(acting_user=checker, model=approved(author, checker))
    if status == ModelStatus.SUPERSEDED:
        s.pmt_model_activate(acting_user=checker, model=approved(author, checker, "2027-next"))
        model.refresh_from_db()
    assert model.status == status
    with pytest.raises(s.PmtModelRefused) as refused:
        s.pmt_model_edit(acting_user=author, model=model, intercept=1.0)
    assert refused.value.message == s.MSG_NEVER_EDITED
    with pytest.raises(s.PmtModelRefused):
        s.pmt_model_submit(acting_user=author, model=model)


def test_the_author_cannot_review_their_own_model(author):
    model = s.pmt_model_submit(acting_user=author, model=draft(author))
    with pytest.raises(s.PmtModelRefused) as refused:
        s.pmt_model_review(acting_user=author, model=model, approve=True)
    assert refused.value.message == s.MSG_OWN_REVIEW


def test_a_draft_cannot_be_reviewed_before_it_is_submitted(author, checker):
    with pytest.raises(s.PmtModelRefused) as refused:
        s.pmt_model_review(acting_user=checker, model=draft(author), approve=True)
    assert refused.value.message == s.MSG_NOT_SUBMITTED


def test_a_rejection_needs_a_note(author, checker):
    model = s.pmt_model_submit(acting_user=author, model=draft(author))
    with pytest.raises(s.PmtModelRefused) as refused:
        s.pmt_model_review(acting_user=checker, model=model, approve=False, note="  ")
    assert refused.value.message == s.MSG_NOTE_REQUIRED


def test_a_rejected_model_records_who_and_why(author, checker):
    model = s.pmt_model_submit(acting_user=author, model=draft(author))
    s.pmt_model_review(acting_user=checker, model=model, approve=False, note="Land weight implausible")
    model.refresh_from_db()
    assert (model.status, model.reviewer, model.review_note) == (
        ModelStatus.REJECTED, checker, "Land weight implausible",
    )  # fmt: skip
    assert AuditEvent.objects.filter(action="pmt_model.rejected", subject_id=model.pk).exists()
    with pytest.raises(s.PmtModelRefused):
        s.pmt_model_activate(acting_user=checker, model=model)


def test_only_an_approved_model_is_activated(author, checker):
    with pytest.raises(s.PmtModelRefused) as refused:
        s.pmt_model_activate(acting_user=checker, model=draft(author))
    assert refused.value.message == s.MSG_NOT_APPROVED


def test_the_author_cannot_activate_their_own_model(author, checker):
    with pytest.raises(s.PmtModelRefused) as refused:
        s.pmt_model_activate(acting_user=author, model=approved(author, checker))
    assert refused.value.message == s.MSG_OWN_ACTIVATION


def test_activating_a_model_supersedes_the_active_one(author, checker):
    model = s.pmt_model_activate(acting_user=checker, model=approved(author, checker))
    illustrative = PmtModel.objects.get(version=ILLUSTRATIVE)
    assert model.status == ModelStatus.ACTIVE and model.activated_by == checker
    assert illustrative.status == ModelStatus.SUPERSEDED and illustrative.superseded_at is not None
    assert list(PmtModel.objects.filter(status=ModelStatus.ACTIVE)) == [model]
    actions = set(
        AuditEvent.objects.filter(subject_type="targeting.pmtmodel").values_list("action", flat=True)
    )
    assert {
        "pmt_model.submitted",
        "pmt_model.approved",
        "pmt_model.activated",
        "pmt_model.superseded",
    } <= actions


@pytest.mark.parametrize("role", ["me_analyst", "auditor", "partner", "registration_officer", "no_role"])
def test_only_programme_officers_and_administrators_draft(personas, role):
    with pytest.raises(PermissionDenied):
        draft(personas[role])


def test_an_administrator_may_review_a_programme_officers_model(author, personas):
    model = s.pmt_model_submit(acting_user=author, model=draft(author))
    s.pmt_model_review(acting_user=personas["administrator"], model=model, approve=True)
    s.pmt_model_activate(acting_user=personas["administrator"], model=model)
    assert PmtModel.objects.get(pk=model.pk).status == ModelStatus.ACTIVE


@pytest.mark.parametrize("role", ["me_analyst", "auditor", "partner"])
def test_readers_neither_review_nor_activate(author, checker, personas, role):
    model = s.pmt_model_submit(acting_user=author, model=draft(author))
    with pytest.raises(PermissionDenied):
        s.pmt_model_review(acting_user=personas[role], model=model, approve=True)
    model = s.pmt_model_review(acting_user=checker, model=model, approve=True)
    with pytest.raises(PermissionDenied):
        s.pmt_model_activate(acting_user=personas[role], model=model)


def test_the_database_allows_one_active_model(author):
    model = draft(author)
    with pytest.raises(IntegrityError), transaction.atomic():
        PmtModel.objects.filter(pk=model.pk).update(status=ModelStatus.ACTIVE)


def test_the_database_refuses_a_reviewer_who_is_the_author(author):
    model = draft(author)
    with pytest.raises(IntegrityError), transaction.atomic():
        PmtModel.objects.filter(pk=model.pk).update(reviewer=author)


def test_the_database_refuses_an_activator_who_is_the_author(author):
    model = draft(author)
    with pytest.raises(IntegrityError), transaction.atomic():
        PmtModel.objects.filter(pk=model.pk).update(activated_by=author)
