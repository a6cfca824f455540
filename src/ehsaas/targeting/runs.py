"""A scoring run: the traits of many households read in bulk, scored by one model with numpy, and
written set-based into the current scores (one row per household) and the score history (one row per
household and run), with the run recorded beside them.

On PostgreSQL each batch's scores are copied (COPY) into a temporary table as they are computed, and
two statements write them from there: an INSERT … ON CONFLICT DO UPDATE into the current scores and an
INSERT into the history. On SQLite the same statements take many rows each.
Everything is one transaction: a run is written whole or not at all, and the history's primary key
(household, run) refuses a second score of a household in one run.
"""

import io
import logging
import time
from dataclasses import dataclass
from datetime import datetime

import numpy as np
import polars as pl
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ehsaas.core.events import SCORES_CHANGED, publish
from ehsaas.core.models import Job
from ehsaas.core.progress import NoProgress, Progress
from ehsaas.core.services import audit_record
from ehsaas.targeting.choices import ModelStatus, RunReason
from ehsaas.targeting.models import HouseholdScore, PmtModel, ScoringRun
from ehsaas.targeting.scoring import ScoreCard
from ehsaas.targeting.traits import registry_household_range_count, registry_trait_batches

log = logging.getLogger(__name__)

MSG_NO_ACTIVE_MODEL = _("No PMT model is active: activate one before scoring.")
MSG_UNKNOWN_MODEL = _("There is no PMT model with the version “%(version)s”.")
MSG_NOT_USABLE = _("The model %(version)s is %(status)s: only an active or approved model scores households.")


class ScoringRefused(ValueError):
    """A scoring run that cannot start (no active model, an unknown or unfinished one)."""


@dataclass
class RunSummary:
    run: ScoringRun
    households: int
    seconds: float

    def as_dict(self) -> dict:
        return {"run": self.run.pk, "model": self.run.model.version, "households": self.households}


def scoring_model(version: str | None) -> PmtModel:
    """The model a run scores with: the one named, or the active one."""
    if version is None:
        model = PmtModel.objects.filter(status=ModelStatus.ACTIVE).first()
        if model is None:
            raise ScoringRefused(str(MSG_NO_ACTIVE_MODEL))
        return model
    model = PmtModel.objects.filter(version=version).first()
    if model is None:
        raise ScoringRefused(str(MSG_UNKNOWN_MODEL % {"version": version}))
    if model.status not in (ModelStatus.ACTIVE, ModelStatus.APPROVED, ModelStatus.SUPERSEDED):
        raise ScoringRefused(str(MSG_NOT_USABLE % {"version": version, "status": model.get_status_display()}))
    return model


class _PostgresWriter:
    """Each batch is copied into a temporary table and written from there by two statements, while
    the traits of the next batches are being read on other connections."""

    def __init__(self, run: ScoringRun, scored_at: datetime):
        self.run, self.scored_at = run, scored_at
        self.cursor = connection.cursor()
        self.cursor.execute(
            "CREATE TEMP TABLE targeting_scores_in (household_id bigint, score double precision) ON COMMIT DROP"
        )
        self.seconds = 0.0

    def add(self, household_ids: np.ndarray, scores: np.ndarray) -> None:
        started = time.perf_counter()
        buffer = io.BytesIO()
        pl.DataFrame({"h": household_ids, "s": scores}).write_csv(buffer, include_header=False)
        with self.cursor.cursor.copy("COPY targeting_scores_in FROM STDIN WITH (FORMAT csv)") as copy:
            copy.write(buffer.getvalue())
        self.cursor.execute(
            """INSERT INTO targeting_householdscore (household_id, model_id, run_id, score, scored_at)
               SELECT household_id, %s, %s, score, %s FROM targeting_scores_in
               ON CONFLICT (household_id) DO UPDATE SET model_id = EXCLUDED.model_id,
                   run_id = EXCLUDED.run_id, score = EXCLUDED.score, scored_at = EXCLUDED.scored_at""",
            [self.run.model_id, self.run.pk, self.scored_at],
        )
        self.cursor.execute(
            """INSERT INTO targeting_scorehistory (household_id, run_id, model_id, score, scored_at)
               SELECT household_id, %s, %s, score, %s FROM targeting_scores_in""",
            [self.run.pk, self.run.model_id, self.scored_at],
        )
        self.cursor.execute("TRUNCATE targeting_scores_in")
        self.seconds += time.perf_counter() - started

    def finish(self) -> None:
        log.info("scores copied and written in %.1f s", self.seconds)
        # Dropped now, not only at commit: a run inside a caller's transaction may be followed by another.
        self.cursor.execute("DROP TABLE targeting_scores_in")
        self.cursor.close()


class _SqliteWriter:
    def __init__(self, run: ScoringRun, scored_at: datetime):
        self.run = run
        self.scored_at = connection.ops.adapt_datetimefield_value(scored_at)
        self.cursor = connection.cursor()

    def add(self, household_ids: np.ndarray, scores: np.ndarray) -> None:
        rows = [
            (int(h), self.run.model_id, self.run.pk, float(s), self.scored_at)
            for h, s in zip(household_ids.tolist(), scores.tolist(), strict=True)
        ]
        self.cursor.executemany(
            """INSERT INTO targeting_householdscore (household_id, model_id, run_id, score, scored_at)
               VALUES (%s, %s, %s, %s, %s)
               ON CONFLICT (household_id) DO UPDATE SET model_id = excluded.model_id,
                   run_id = excluded.run_id, score = excluded.score, scored_at = excluded.scored_at""",
            rows,
        )
        self.cursor.executemany(
            """INSERT INTO targeting_scorehistory (household_id, model_id, run_id, score, scored_at)
               VALUES (%s, %s, %s, %s, %s)""",
            rows,
        )

    def finish(self) -> None:
        self.cursor.close()


@transaction.atomic
def scoring_run(
    *,
    acting_user,
    reason: RunReason,
    model: PmtModel | None = None,
    household_ids: list[int] | None = None,
    since: datetime | None = None,
    job: Job | None = None,
    progress: Progress | None = None,
) -> RunSummary:
    """Score the active households (all of them, those named, or those updated since `since`) with
    `model` (the active one when None), and record the run."""
    started = time.perf_counter()
    progress = progress or NoProgress()
    model = model or scoring_model(None)
    card = ScoreCard.of(model)
    run = ScoringRun.objects.create(
        model=model,
        reason=reason,
        job=job,
        started_by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
    )
    scored_at = run.started_at
    writer = (_PostgresWriter if connection.vendor == "postgresql" else _SqliteWriter)(run, scored_at)
    total = len(set(household_ids)) if household_ids is not None else registry_household_range_count()
    progress.start(total, str(_("Scoring households")), unit="households")
    scored: list[np.ndarray] = []
    count = 0
    for traits in registry_trait_batches(household_ids=household_ids, since=since):
        ids = traits["household_id"].to_numpy()
        writer.add(ids, card.scores(traits))
        count += len(ids)
        if household_ids is not None:
            scored.append(ids)
        progress.advance(len(ids))
    log.info("%s households read, scored and staged in %.1f s", count, time.perf_counter() - started)
    writer.finish()
    if household_ids is not None:
        # A household named but no longer active (its members all moved or merged away) loses its
        # current score; its history stays.
        kept = set(np.concatenate(scored).tolist()) if scored else set()
        HouseholdScore.objects.filter(household_id__in=set(household_ids) - kept).delete()
    run.households, run.finished_at = count, timezone.now()
    run.save(update_fields=["households", "finished_at"])
    audit_record(
        actor=acting_user,
        action="scoring.run",
        subject=run,
        summary=f"{count} households scored with PMT model {model.version} ({reason})",
    )
    publish(SCORES_CHANGED, household_ids=household_ids)
    progress.close()
    return RunSummary(run=run, households=count, seconds=time.perf_counter() - started)
