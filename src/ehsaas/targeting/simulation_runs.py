"""Running a simulation on the registry or on a survey: scores computed in memory with the chosen model,
beside each household's district, whether a member is disabled and whether a wealth filter excludes it.
Only reads: the scores, flags and households stay as they are."""

from dataclasses import replace
from pathlib import Path

import polars as pl
from django.db import connection
from django.utils.translation import gettext_lazy as _

from ehsaas.core.models import District, Province
from ehsaas.core.progress import NoProgress, Progress
from ehsaas.registry.wealth.selectors import EXCLUDED_HOUSEHOLDS_SQL
from ehsaas.targeting.fitting import SurveyUnusable, log_per_capita
from ehsaas.targeting.models import PmtModel
from ehsaas.targeting.scoring import ScoreCard
from ehsaas.targeting.simulation import (
    BATCH_SCHEMA,
    Places,
    Scenario,
    SimulationReport,
    report,
    survey_errors,
)
from ehsaas.targeting.traits import registry_household_range_count, registry_trait_batches, survey_traits

MSG_NO_CONSUMPTION = _(
    "The survey's households file has no monthly_consumption values: the inclusion and exclusion errors "
    "need the consumption of each household."
)
MSG_CUTOFF_RANGE = _("The cutoff must be between 0 and 100.")
MSG_SECOND_CUTOFF = _("The cutoff for households with a disabled member must be between the cutoff and 100.")
MSG_BENEFIT = _("The benefit must be a whole number of rupees, 0 or more.")
MSG_POOR_SHARE = _("The poor share must be above 0 and below 1 (e.g. 0.25 for the poorest quarter).")


def scenario_problems(scenario: Scenario) -> list[str]:
    """What is wrong with a scenario, in words a user can act on (empty when nothing is)."""
    problems = []
    if not 0 <= scenario.cutoff <= 100:
        problems.append(str(MSG_CUTOFF_RANGE))
    second = scenario.disabled_cutoff
    if second is not None and not scenario.cutoff <= second <= 100:
        problems.append(str(MSG_SECOND_CUTOFF))
    if not isinstance(scenario.benefit, int) or scenario.benefit < 0:
        problems.append(str(MSG_BENEFIT))
    if not 0 < scenario.poor_share < 1:
        problems.append(str(MSG_POOR_SHARE))
    return problems


def places() -> Places:
    return Places(
        provinces={p.code: (p.name_en, p.name_ur) for p in Province.objects.all()},
        districts={d.code: (d.name_en, d.name_ur) for d in District.objects.all()},
    )


# Each household's district, whether an active member is disabled, and whether a wealth filter
# excludes it (an active flag without an approved override), for a range of ids.
_FACTS_SQL = f"""
    SELECT h.id AS household_id, d.code AS district,
           EXISTS (SELECT 1 FROM registry_member m WHERE m.household_id = h.id AND m.status = 'active'
                   AND m.disability <> '') AS disabled,
           h.id IN ({EXCLUDED_HOUSEHOLDS_SQL}) AS excluded
    FROM registry_household h JOIN core_district d ON d.id = h.district_id
    WHERE h.id >= %s AND h.id <= %s
"""


def _household_facts(first: int, last: int) -> pl.DataFrame:
    with connection.cursor() as cursor:
        cursor.execute(_FACTS_SQL, [first, last])
        rows = cursor.fetchall()
    schema = {"household_id": pl.Int64, "district": pl.String, "disabled": pl.Boolean, "excluded": pl.Boolean}
    return pl.DataFrame(rows, schema=schema, orient="row")


def simulate_registry(
    model: PmtModel, scenario: Scenario, *, progress: Progress | None = None
) -> SimulationReport:
    """The scenario over every active household of the registry, scored now with `model`."""
    progress = progress or NoProgress()
    progress.start(registry_household_range_count(), str(_("Scoring and counting households")))
    card, tallies = ScoreCard.of(model), []
    for traits in registry_trait_batches():
        ids = traits["household_id"]
        batch = (
            traits.select("household_id", "province", "size")
            .with_columns(pl.Series("score", card.scores(traits)))
            .join(_household_facts(int(ids.min()), int(ids.max())), on="household_id", how="inner")
            .select([pl.col(c).cast(t) for c, t in BATCH_SCHEMA.items()])
        )
        tallies.append(scenario.tally(batch))
        progress.advance(traits.height)
    progress.close()
    return report(tallies, scenario, model=model.version, source="registry", places=places())


def _survey_batch(card: ScoreCard, households: Path, members: Path) -> pl.DataFrame:
    traits = survey_traits(households, members)
    if traits["monthly_consumption"].is_null().all():
        raise SurveyUnusable(str(MSG_NO_CONSUMPTION))
    traits = traits.filter(pl.col("monthly_consumption") > 0)
    if traits.height == 0:
        raise SurveyUnusable(str(MSG_NO_CONSUMPTION))
    districts = pl.read_csv(households, columns=["household_ref", "district"], infer_schema=False)
    disability = pl.col("disability").fill_null("").str.strip_chars().str.to_lowercase()
    disabled = (
        pl.read_csv(members, columns=["household_ref", "disability"], infer_schema=False)
        .group_by("household_ref")
        .agg(((disability != "") & (disability != "none")).any().alias("disabled"))
    )
    return (
        traits.with_columns(
            pl.Series("score", card.scores(traits)),
            pl.Series("log_consumption", log_per_capita(traits)),
            pl.lit(False).alias("excluded"),
        )
        .join(districts, on="household_ref", how="left")
        .join(disabled, on="household_ref", how="left")
        .with_columns(pl.col("disabled").fill_null(False), pl.col("district").fill_null("?"))
        .select([pl.col(c).cast(t) for c, t in BATCH_SCHEMA.items()] + ["log_consumption"])
    )


def simulate_survey(
    model: PmtModel, scenario: Scenario, *, households: Path, members: Path, source: str | None = None
) -> SimulationReport:
    """The scenario over a survey's households (those with consumption), scored with `model`, with its
    inclusion and exclusion errors against the survey's consumption."""
    batch = _survey_batch(ScoreCard.of(model), households, members)
    scenario = replace(scenario, wealth_filters=False)  # wealth lists are matched in the registry only
    return report(
        [scenario.tally(batch)],
        scenario,
        model=model.version,
        source=source or f"{households.name}, {members.name}",
        places=places(),
        errors=survey_errors(batch, scenario),
    )
