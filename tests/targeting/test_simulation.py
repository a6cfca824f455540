"""Simulation (what-if): a household qualifies at or below the cutoff, or at or below the second cutoff
when a member is disabled, unless a wealth filter keeps it out; it is counted with its people by province
and district, at a quarterly cost of the benefit per household; on a survey, the inclusion and exclusion
errors are worked out against consumption. Nothing is changed by a simulation."""

import csv

import numpy as np
import polars as pl
import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from ehsaas.core.models import AuditEvent
from ehsaas.registry.models import Household
from ehsaas.targeting.calibration import targeting_errors
from ehsaas.targeting.choices import RunReason
from ehsaas.targeting.fitting import SurveyUnusable
from ehsaas.targeting.models import HouseholdScore, PmtModel, ScoreHistory
from ehsaas.targeting.runs import scoring_run
from ehsaas.targeting.scoring import ScoreCard
from ehsaas.targeting.simulation import Places, Scenario, SimulationReport, report, survey_errors
from ehsaas.targeting.simulation_runs import scenario_problems, simulate_registry, simulate_survey
from ehsaas.targeting.traits import registry_trait_batches
from tests.registry.factories import head_of
from tests.registry.test_wealth_filters import cnic_of, import_list, write_list
from tests.targeting.conftest import ILLUSTRATIVE

NOWHERE = Places(provinces={}, districts={})


def batch(rows: list[tuple]) -> pl.DataFrame:
    """Households as (province, district, size, disabled, excluded, score)."""
    columns = ["province", "district", "size", "disabled", "excluded", "score"]
    return pl.DataFrame(rows, schema=columns, orient="row")


def simulated(rows: list[tuple], scenario: Scenario) -> SimulationReport:
    return report([scenario.tally(batch(rows))], scenario, model="m", source="test", places=NOWHERE)


# --- The rules, on households given as rows -------------------------------------------------------


def test_a_household_qualifies_at_or_below_the_cutoff_and_not_above_it():
    result = simulated(
        [("PK-PB", "LHR", 5, False, False, 31.9), ("PK-PB", "LHR", 4, False, False, 32.0),
         ("PK-PB", "LHR", 6, False, False, 32.01)],
        Scenario(cutoff=32, benefit=100),
    )  # fmt: skip
    assert (result.total.households, result.total.qualifying, result.total.qualifying_people) == (3, 2, 9)


def test_a_household_with_a_disabled_member_qualifies_up_to_the_second_cutoff():
    rows = [("PK-SD", "KHI", 5, True, False, 36.5), ("PK-SD", "KHI", 5, False, False, 36.5),
            ("PK-SD", "KHI", 5, True, False, 37.5), ("PK-SD", "KHI", 5, True, False, 20.0)]  # fmt: skip

    result = simulated(rows, Scenario(cutoff=32, disabled_cutoff=37))

    assert result.total.qualifying == 2  # the disabled member's household at 36.5, and the one at 20
    assert result.total.through_second_cutoff == 1  # only the one at 36.5 needed the second cutoff


def test_without_a_second_cutoff_a_disabled_member_changes_nothing():
    result = simulated([("PK-SD", "KHI", 5, True, False, 36.5)], Scenario(cutoff=32, disabled_cutoff=None))
    assert result.total.qualifying == 0


def test_a_wealth_filter_keeps_out_a_household_that_qualifies_by_score_unless_the_filters_are_off():
    rows = [("PK-KP", "PSH", 7, False, True, 10.0), ("PK-KP", "PSH", 3, False, True, 60.0)]

    applied = simulated(rows, Scenario(cutoff=32, wealth_filters=True))
    ignored = simulated(rows, Scenario(cutoff=32, wealth_filters=False))

    assert (applied.total.qualifying, applied.total.excluded_by_wealth) == (0, 1)  # not the one at 60
    assert (ignored.total.qualifying, ignored.total.qualifying_people, ignored.total.excluded_by_wealth) == (
        1,
        7,
        0,
    )


def test_the_quarterly_cost_is_the_benefit_for_each_qualifying_household_in_every_area():
    rows = [("PK-PB", "LHR", 5, False, False, 10.0), ("PK-PB", "MUL", 4, False, False, 20.0),
            ("PK-PB", "MUL", 6, False, False, 50.0), ("PK-SD", "KHI", 8, False, False, 5.0)]  # fmt: skip

    result = simulated(rows, Scenario(cutoff=32, benefit=13_500))

    by_district = {d.code: (d.households, d.qualifying, d.quarterly_cost) for d in result.districts}
    assert by_district == {"LHR": (1, 1, 13_500), "MUL": (2, 1, 13_500), "KHI": (1, 1, 13_500)}
    by_province = {
        p.code: (p.households, p.qualifying, p.qualifying_people, p.quarterly_cost) for p in result.provinces
    }
    assert by_province == {"PK-PB": (3, 2, 9, 27_000), "PK-SD": (1, 1, 8, 13_500)}
    assert result.total.quarterly_cost == 40_500 and result.total.people == 23


def test_tallies_of_several_batches_add_up_to_one_report():
    scenario = Scenario(cutoff=32, benefit=10)
    first = batch([("PK-PB", "LHR", 5, False, False, 10.0)])
    second = batch([("PK-PB", "LHR", 3, False, False, 12.0), ("PK-PB", "LHR", 2, False, False, 90.0)])

    result = report(
        [scenario.tally(first), scenario.tally(second)], scenario, model="m", source="t", places=NOWHERE
    )

    assert [(d.households, d.qualifying, d.qualifying_people) for d in result.districts] == [(3, 2, 8)]


def test_places_are_named_in_the_active_language():
    places = Places(provinces={"PK-PB": ("Punjab", "پنجاب")}, districts={"LHR": ("Lahore", "لاہور")})
    scenario = Scenario(cutoff=32)
    result = report([scenario.tally(batch([("PK-PB", "LHR", 5, False, False, 1.0)]))], scenario,
                    model="m", source="t", places=places)  # fmt: skip
    with translation.override("ur"):
        assert (result.provinces[0].name, result.districts[0].name) == ("پنجاب", "لاہور")
    with translation.override("en"):
        assert (result.provinces[0].name, result.districts[0].name) == ("Punjab", "Lahore")


def test_a_report_kept_as_json_reads_back_the_same():
    result = simulated(
        [("PK-PB", "LHR", 5, True, False, 35.0)], Scenario(cutoff=32, disabled_cutoff=37, benefit=9)
    )
    assert SimulationReport.from_dict(result.as_dict()) == result


def test_the_errors_on_a_survey_compare_the_households_that_qualify_with_the_poor():
    # Ten households, poorest first by consumption; the poorest 20 % (two) are poor. The scenario
    # selects the poorest one and a rich one: one of two selected is not poor, one of two poor is missed.
    consumption = np.log(np.arange(1.0, 11.0))
    scores = [10.0, 50.0, 50.0, 50.0, 50.0, 50.0, 50.0, 50.0, 50.0, 10.0]
    frame = batch([("PK-PB", "LHR", 1, False, False, s) for s in scores]).with_columns(
        pl.Series("log_consumption", consumption)
    )

    errors = survey_errors(frame, Scenario(cutoff=32, poor_share=0.2))

    assert (errors.inclusion_error, errors.exclusion_error) == (0.5, 0.5)
    assert errors.decile_coverage == [1.0, 0, 0, 0, 0, 0, 0, 0, 0, 1.0]
    assert errors == targeting_errors(np.array([s <= 32 for s in scores]), consumption, 0.2)


@pytest.mark.parametrize(
    ("scenario", "problem"),
    [
        (Scenario(cutoff=101), "The cutoff must be between 0 and 100."),
        (Scenario(cutoff=32, disabled_cutoff=30), "must be between the cutoff and 100"),
        (Scenario(cutoff=32, benefit=-1), "The benefit must be a whole number of rupees"),
        (Scenario(cutoff=32, poor_share=1.5), "The poor share must be above 0 and below 1"),
    ],
)
def test_a_scenario_that_makes_no_sense_is_refused_with_the_reason(scenario, problem):
    assert any(problem in message for message in scenario_problems(scenario))


def test_a_sensible_scenario_has_no_problems():
    assert scenario_problems(Scenario(cutoff=32, disabled_cutoff=37, benefit=13_500)) == []


# --- On the registry -----------------------------------------------------------------------------


def scores_now(model: PmtModel) -> dict[int, float]:
    card = ScoreCard.of(model)
    traits = pl.concat(list(registry_trait_batches()))
    return dict(zip(traits["household_id"].to_list(), card.scores(traits).tolist(), strict=True))


@pytest.fixture
def illustrative(db) -> PmtModel:
    return PmtModel.objects.get(version=ILLUSTRATIVE)


@pytest.fixture
def between(households, illustrative) -> float:
    """A cutoff between the poor household's score and the better one's."""
    poor, better = households
    scores = scores_now(illustrative)
    assert scores[poor.pk] < scores[better.pk]
    return (scores[poor.pk] + scores[better.pk]) / 2


@pytest.mark.django_db
def test_a_registry_simulation_counts_those_who_qualify_by_province_and_district(
    households, illustrative, between
):
    poor, better = households

    result = simulate_registry(illustrative, Scenario(cutoff=between, disabled_cutoff=None, benefit=13_500))

    assert (result.total.households, result.total.qualifying, result.total.qualifying_people) == (2, 1, 8)
    districts = {d.code: (d.households, d.qualifying, d.name_en) for d in result.districts}
    assert districts == {
        poor.district.code: (1, 1, poor.district.name_en),
        better.district.code: (1, 0, better.district.name_en),
    }
    assert {p.code: p.quarterly_cost for p in result.provinces} == {
        poor.province.code: 13_500, better.province.code: 0,
    }  # fmt: skip


@pytest.mark.django_db
def test_a_disabled_member_brings_a_household_in_under_the_second_cutoff(households, illustrative, between):
    _poor, better = households
    upper = scores_now(illustrative)[better.pk] + 0.5
    member = better.members.order_by("member_no").last()
    member.disability = "walking"
    member.save()

    result = simulate_registry(illustrative, Scenario(cutoff=between, disabled_cutoff=upper))

    assert (result.total.qualifying, result.total.through_second_cutoff) == (2, 1)


@pytest.mark.django_db
def test_a_household_a_wealth_filter_excludes_is_kept_out_and_counted_as_kept_out(
    households,
    illustrative,
    tmp_path,
):
    poor, _better = households
    import_list(write_list(tmp_path, [cnic_of(head_of(poor))]))

    kept_out = simulate_registry(illustrative, Scenario(cutoff=100, wealth_filters=True))
    let_in = simulate_registry(illustrative, Scenario(cutoff=100, wealth_filters=False))

    assert (kept_out.total.qualifying, kept_out.total.excluded_by_wealth) == (1, 1)
    assert (let_in.total.qualifying, let_in.total.excluded_by_wealth) == (2, 0)


@pytest.mark.django_db
def test_a_simulation_changes_no_score_history_household_or_audit_trail(households, illustrative):
    scoring_run(acting_user=None, reason=RunReason.COMMAND)

    def state():
        return (
            sorted(HouseholdScore.objects.values_list("household_id", "score", "model_id", "scored_at")),
            ScoreHistory.objects.count(),
            sorted(Household.objects.values_list("id", "updated_at")),
            AuditEvent.objects.count(),
        )

    before = state()
    draft_like = PmtModel.objects.exclude(pk=illustrative.pk).first() or illustrative
    simulate_registry(draft_like, Scenario(cutoff=50, disabled_cutoff=60, benefit=1))

    assert state() == before


@pytest.mark.django_db
def test_an_empty_registry_simulates_to_zero(illustrative):
    result = simulate_registry(illustrative, Scenario(cutoff=32, benefit=13_500))
    assert (result.total.households, result.total.qualifying, result.total.quarterly_cost) == (0, 0, 0)
    assert result.provinces == [] and result.districts == []


# --- On a survey ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_survey_simulation_reports_the_inclusion_and_exclusion_errors(survey_files, illustrative):
    households_file, members_file = survey_files

    result = simulate_survey(
        illustrative,
        Scenario(cutoff=32, disabled_cutoff=37),
        households=households_file,
        members=members_file,
    )

    assert result.total.households == 1500 and 0 < result.total.qualifying < 1500
    assert 0 < result.errors["inclusion_error"] < 1 and 0 < result.errors["exclusion_error"] < 1
    deciles = result.errors["deciles"]
    assert len(deciles) == 10 and deciles[0] > deciles[-1]  # the poorest are selected more often
    assert not result.wealth_filters  # wealth lists are matched in the registry, not on a survey
    assert sum(d.households for d in result.districts) == 1500


@pytest.mark.django_db
def test_a_survey_without_consumption_is_refused_with_the_reason(survey_files, illustrative):
    households_file, members_file = survey_files
    frame = pl.read_csv(households_file, infer_schema=False).drop("monthly_consumption")
    frame.write_csv(households_file)

    with pytest.raises(SurveyUnusable, match="monthly_consumption"):
        simulate_survey(illustrative, Scenario(cutoff=32), households=households_file, members=members_file)


# --- The command ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_simulate_command_prints_the_totals_and_writes_the_districts(
    households,
    illustrative,
    tmp_path,
    capsys,
):
    out = tmp_path / "districts.csv"

    call_command(
        "pmt", "simulate", "--cutoff", "100", "--benefit", "13500", "--districts", str(out), "--no-progress"
    )

    printed = capsys.readouterr().out
    assert "Households qualifying" in printed and "Rs 27,000" in printed and "Nothing was changed" in printed
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert sorted(row["district_code"] for row in rows) == sorted(h.district.code for h in households)
    assert sum(int(row["quarterly_cost"]) for row in rows) == 27_000


@pytest.mark.django_db
def test_the_simulate_command_runs_on_a_survey(survey_files, illustrative, capsys):
    households_file, members_file = survey_files
    call_command("pmt", "simulate", "--survey", str(households_file), str(members_file))
    assert "Inclusion error" in capsys.readouterr().out


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--cutoff", "40", "--disabled-cutoff", "30"], "between the cutoff and 100"),
        (["--model", "no-such-model"], "no model no-such-model"),
        (["--survey", "/nonexistent/h.csv", "/nonexistent/m.csv"], "no such file"),
    ],
)
def test_the_simulate_command_refuses_bad_input_with_the_reason(illustrative, arguments, message):
    with pytest.raises(CommandError, match=message):
        call_command("pmt", "simulate", *arguments)
