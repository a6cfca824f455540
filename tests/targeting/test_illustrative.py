"""The illustrative default model: fitted by least squares on a synthetic population, it explains about
half of the variance of log consumption on households it was not fitted on (as real PMT models do),
and a cutoff of 32 selects a plausible share of a synthetic population. `pmt calibrate` reports the same
on any survey with consumption."""

import json

import numpy as np
import pytest
from django.core.management import CommandError, call_command

from ehsaas.registry.population.writer import HOUSEHOLDS_FILE, MEMBERS_FILE, generate_population
from ehsaas.targeting.calibration import calibrate
from ehsaas.targeting.choices import ModelStatus
from ehsaas.targeting.fitting import ILLUSTRATIVE_FILE, MSG_NO_CONSUMPTION, SurveyUnusable, ols_fit
from ehsaas.targeting.indicators import INDICATORS
from ehsaas.targeting.models import PmtModel
from ehsaas.targeting.scoring import ScoreCard
from ehsaas.targeting.traits import survey_traits


@pytest.fixture(scope="module")
def survey(tmp_path_factory):
    folder = tmp_path_factory.mktemp("survey")
    generate_population(households=4000, seed=7, out=folder)
    return survey_traits(folder / HOUSEHOLDS_FILE, folder / MEMBERS_FILE)


def test_the_shipped_model_says_it_is_illustrative_and_how_it_was_fitted():
    document = json.loads(ILLUSTRATIVE_FILE.read_text(encoding="utf-8"))
    assert document["is_illustrative"] is True
    assert "synthetic" in document["description"] and "not on a real survey" in document["description"]
    assert 0.4 <= document["fit"]["r2_held_out"] <= 0.6
    assert set(document["weights"]) <= set(INDICATORS)
    assert document["scale_low"] < document["scale_high"]


def test_a_fit_on_a_synthetic_survey_explains_about_half_the_variance_on_held_out_households(survey):
    fitted = ols_fit(survey, seed=1)
    assert 0.4 <= fitted.fit["r2_held_out"] <= 0.65
    assert fitted.weights["asset_refrigerator"] > 0 and fitted.weights["household_size"] < 0


def test_a_cutoff_of_32_selects_a_plausible_share_of_households(survey):
    document = json.loads(ILLUSTRATIVE_FILE.read_text(encoding="utf-8"))
    codes = tuple(document["weights"])
    card = ScoreCard(
        codes=codes, weights=np.array([document["weights"][c] for c in codes]), intercept=document["intercept"],
        low=document["scale_low"], high=document["scale_high"], means=np.zeros(len(codes)),
    )  # fmt: skip
    scores = card.scores(survey)
    assert 0.15 <= float(np.mean(scores <= 32)) <= 0.45
    # The poorest fifth by consumption is far more often under the cutoff than the richest fifth.
    per_capita = survey["monthly_consumption"].to_numpy() / survey["size"].to_numpy()
    poorest, richest = per_capita <= np.quantile(per_capita, 0.2), per_capita >= np.quantile(per_capita, 0.8)
    assert np.mean(scores[poorest] <= 32) > 3 * np.mean(scores[richest] <= 32)


def test_a_survey_without_consumption_cannot_be_fitted(survey):
    with pytest.raises(SurveyUnusable) as refused:
        ols_fit(survey.drop("monthly_consumption"), seed=1)
    assert str(refused.value) == MSG_NO_CONSUMPTION


def test_calibrate_reports_errors_and_coverage_by_decile_and_saves_a_chart_and_a_draft(
    tmp_path, capsys, personas
):
    generate_population(households=3000, seed=11, out=tmp_path)
    chart, model = tmp_path / "report.png", tmp_path / "model.json"
    call_command(
        "pmt", "calibrate", "--survey", str(tmp_path / HOUSEHOLDS_FILE), str(tmp_path / MEMBERS_FILE),
        "--cutoff", "32", "--chart", str(chart), "--out", str(model), "--draft", "2027-survey",
        "--author", personas["programme_officer"].username,
    )  # fmt: skip
    out = capsys.readouterr().out
    for words in ("R² on held-out households", "Inclusion error", "Exclusion error", "decile 10"):
        assert words in out
    assert chart.read_bytes().startswith(b"\x89PNG")
    assert set(json.loads(model.read_text())["weights"]) <= set(INDICATORS)
    draft = PmtModel.objects.get(version="2027-survey")
    assert draft.status == ModelStatus.DRAFT and draft.author == personas["programme_officer"]


def test_calibrate_refuses_a_survey_without_consumption(tmp_path, db):
    generate_population(households=200, seed=3, out=tmp_path)
    households = tmp_path / HOUSEHOLDS_FILE
    lines = households.read_text().splitlines()
    drop = lines[0].split(",").index("monthly_consumption")
    households.write_text("\n".join(",".join(line.split(",")[:drop]) for line in lines) + "\n")
    with pytest.raises(CommandError, match="no monthly_consumption"):
        call_command("pmt", "calibrate", "--survey", str(households), str(tmp_path / MEMBERS_FILE))


def test_calibration_at_a_coverage_selects_that_share(survey):
    report = calibrate(survey, seed=2, coverage=0.3)
    assert report.selected_share == pytest.approx(0.3, abs=0.02)
    assert report.decile_coverage[0] > report.decile_coverage[-1]
