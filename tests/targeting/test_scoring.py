"""Scoring: every active household gets a current score and a history row, with the model and run;
a run scores a household once (the database refuses a second score); households whose data change are rescored; a household's explanation
adds up to its score's distance from the reference score."""

import numpy as np
import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction

from ehsaas.core import events
from ehsaas.registry import choices as c
from ehsaas.targeting import services as s
from ehsaas.targeting.choices import RunReason
from ehsaas.targeting.indicators import indicator_matrix
from ehsaas.targeting.models import HouseholdScore, PmtModel, ScoreHistory, ScoringRun
from ehsaas.targeting.runs import ScoringRefused, _PostgresWriter, _SqliteWriter, scoring_model, scoring_run
from ehsaas.targeting.scoring import ScoreCard, explain
from ehsaas.targeting.traits import registry_trait_batches
from tests.registry.records import make_household, make_member
from tests.targeting.conftest import ILLUSTRATIVE, draft

pytestmark = pytest.mark.django_db


def test_scoring_gives_every_active_household_a_current_score_and_a_history_row(households):
    empty = make_household(households[0].district)
    make_member(empty, "Gone", relationship=c.Relationship.HEAD, status=c.MemberStatus.REMOVED)
    summary = scoring_run(acting_user=None, reason=RunReason.COMMAND)
    poor, better = households
    scores = dict(HouseholdScore.objects.values_list("household_id", "score"))
    assert set(scores) == {poor.pk, better.pk}  # not the household without active members
    assert 0 <= scores[poor.pk] < scores[better.pk] <= 100
    current = HouseholdScore.objects.get(household=poor)
    assert (current.model.version, current.run) == (ILLUSTRATIVE, summary.run)
    assert ScoreHistory.objects.filter(run=summary.run).count() == 2
    assert summary.run.households == 2 and summary.run.finished_at is not None


def test_the_stored_score_is_the_score_cards_arithmetic(households):
    scoring_run(acting_user=None, reason=RunReason.COMMAND)
    card = ScoreCard.of(PmtModel.objects.get(version=ILLUSTRATIVE))
    traits = next(registry_trait_batches())
    expected = dict(zip(traits["household_id"].to_list(), card.scores(traits).tolist(), strict=True))
    assert dict(HouseholdScore.objects.values_list("household_id", "score")) == pytest.approx(expected)


def test_scoring_again_replaces_the_current_score_and_adds_to_the_history(households):
    first = scoring_run(acting_user=None, reason=RunReason.COMMAND)
    second = scoring_run(acting_user=None, reason=RunReason.COMMAND)
    assert HouseholdScore.objects.count() == 2
    assert set(HouseholdScore.objects.values_list("run", flat=True)) == {second.run.pk}
    assert ScoreHistory.objects.filter(household=households[0]).count() == 2
    assert first.run.pk != second.run.pk


def test_a_run_cannot_score_a_household_twice(households):
    summary = scoring_run(acting_user=None, reason=RunReason.COMMAND)
    writer = (_PostgresWriter if connection.vendor == "postgresql" else _SqliteWriter)(
        summary.run, summary.run.started_at
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        writer.add(np.array([households[0].pk]), np.array([10.0]))
        writer.finish()
    assert ScoreHistory.objects.filter(run=summary.run).count() == 2
    assert HouseholdScore.objects.get(household=households[0]).score != 10.0


def test_a_named_model_scores_instead_of_the_active_one(households, author, checker):
    model = s.pmt_model_submit(acting_user=author, model=draft(author))
    s.pmt_model_review(acting_user=checker, model=model, approve=True)
    call_command("score", "--model", model.version, "--no-progress")
    assert set(HouseholdScore.objects.values_list("model__version", flat=True)) == {model.version}


def test_a_draft_or_unknown_model_does_not_score(author):
    draft(author)
    for version in ("2027-test", "no-such-model"):
        with pytest.raises(ScoringRefused):
            scoring_model(version)
        with pytest.raises(CommandError):
            call_command("score", "--model", version, "--no-progress")


def test_without_an_active_model_scoring_is_refused():
    PmtModel.objects.update(status="superseded")
    with pytest.raises(ScoringRefused):
        scoring_model(None)


def test_households_whose_data_changed_are_rescored_with_the_active_model(
    households, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    poor, _better = households
    with django_capture_on_commit_callbacks(execute=True):
        events.publish(events.HOUSEHOLDS_CHANGED, household_ids=[poor.pk], reason="changed")
    run = ScoringRun.objects.get()
    assert run.reason == RunReason.CHANGED
    assert list(HouseholdScore.objects.values_list("household_id", flat=True)) == [poor.pk]


def test_an_import_rescores_the_households_updated_since_it_began(
    households, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    _poor, better = households
    since = better.updated_at
    with django_capture_on_commit_callbacks(execute=True):
        events.publish(events.HOUSEHOLDS_CHANGED, household_ids=None, since=since, reason="imported")
    assert set(HouseholdScore.objects.values_list("household_id", flat=True)) == {better.pk}


def test_a_household_left_without_members_loses_its_current_score_but_keeps_its_history(households):
    poor, _better = households
    scoring_run(acting_user=None, reason=RunReason.COMMAND)
    poor.members.update(status=c.MemberStatus.REMOVED)
    scoring_run(acting_user=None, reason=RunReason.CHANGED, household_ids=[poor.pk])
    assert not HouseholdScore.objects.filter(household=poor).exists()
    assert ScoreHistory.objects.filter(household=poor).count() == 1


def test_the_score_command_scores_everyone(households, capsys):
    call_command("score", "--no-progress")
    assert HouseholdScore.objects.count() == 2
    assert "illustrative" in capsys.readouterr().out


def test_contributions_add_up_to_the_distance_from_the_reference_score(households):
    card = ScoreCard.of(PmtModel.objects.get(version=ILLUSTRATIVE))
    for household in households:
        traits = next(registry_trait_batches(household_ids=[household.pk]))
        unclipped = float((card.predict(card_matrix(card, traits))[0] - card.low) * card.points_per_log)
        total = sum(contribution.points for contribution in explain(card, traits))
        assert total == pytest.approx(unclipped - card.reference_score)


def card_matrix(card, traits):
    return indicator_matrix(traits, card.codes)


def test_the_largest_contributions_come_first_with_their_labels(households):
    card = ScoreCard.of(PmtModel.objects.get(version=ILLUSTRATIVE))
    contributions = explain(card, next(registry_trait_batches(household_ids=[households[1].pk])))
    sizes = [abs(c.points) for c in contributions]
    assert sizes == sorted(sizes, reverse=True)
    assert all(c.label and c.label != c.code for c in contributions)
    flags = {c.code: c.is_flag for c in contributions}
    assert flags["toilet_flush"] and flags["asset_car"] and flags["region_sd_urban"]
    assert not flags["household_size"] and not flags["rooms_per_person"]
