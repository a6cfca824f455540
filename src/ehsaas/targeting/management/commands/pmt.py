"""PMT model tools.

`ehsaas pmt fit-illustrative`: fit the illustrative default model again, on a synthetic population
drawn with a fixed seed, and write it to targeting/data/illustrative-model.json (which the migrations
load and activate).

`ehsaas pmt calibrate --survey households.csv members.csv [--cutoff 32 | --coverage 0.25]`: fit a model
on a training split of a survey and report on the held-out rest (R², inclusion and exclusion errors,
coverage by consumption decile) as a table and a chart; `--out` writes the fitted model as JSON, ready
to upload as a draft, and `--draft VERSION --author USERNAME` saves it as a draft at once.

`ehsaas pmt simulate [--model VERSION] [--cutoff 32] [--disabled-cutoff 37] [--benefit 13500]
[--survey households.csv members.csv] [--districts FILE.csv]`: what-if. Scores every household (of the
registry, or of a survey) with the model and counts who would qualify by province (and district, to a
CSV file), the people in them and the quarterly cost; on a survey, the inclusion and exclusion errors.
Nothing is changed."""

import csv
import tempfile
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from ehsaas.core.progress import Progress
from ehsaas.registry.population.writer import HOUSEHOLDS_FILE, MEMBERS_FILE, generate_population
from ehsaas.targeting.calibration import POOR_SHARE, calibrate
from ehsaas.targeting.fitting import (
    ILLUSTRATIVE_FILE,
    ILLUSTRATIVE_HOUSEHOLDS,
    ILLUSTRATIVE_SEED,
    ILLUSTRATIVE_VERSION,
    SurveyUnusable,
    ols_fit,
)
from ehsaas.targeting.models import PmtModel
from ehsaas.targeting.selectors import active_pmt_model
from ehsaas.targeting.services import pmt_model_draft
from ehsaas.targeting.simulation import Scenario
from ehsaas.targeting.simulation_runs import scenario_problems, simulate_registry, simulate_survey
from ehsaas.targeting.traits import survey_traits

ILLUSTRATIVE_NAME = "Illustrative PMT model (synthetic data)"
ILLUSTRATIVE_DESCRIPTION = (
    "Illustrative only: calibrated on a synthetic population from the platform's generator, not on a real "
    "survey. Fitted by ordinary least squares of log per-capita monthly consumption on the indicator "
    "catalogue. Replace it with a model fitted on survey data before any real use."
)


class Command(BaseCommand):
    help = (
        "PMT model tools. fit-illustrative: fit the illustrative default model on synthetic data. "
        "calibrate: fit a model on a survey and report how well it targets. "
        "simulate: who would qualify under a model and cutoffs, where, at what cost (changes nothing)."
    )

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="action", required=True)
        fit = commands.add_parser("fit-illustrative", help="fit the illustrative model on synthetic data")
        fit.add_argument("--households", type=int, default=ILLUSTRATIVE_HOUSEHOLDS)
        fit.add_argument("--seed", type=int, default=ILLUSTRATIVE_SEED)
        fit.add_argument(
            "--out", type=Path, default=ILLUSTRATIVE_FILE, help="where to write the model (JSON)"
        )
        report = commands.add_parser(
            "calibrate", help="fit a model on a survey and report on held-out households"
        )
        report.add_argument("--survey", nargs=2, type=Path, required=True, metavar=("HOUSEHOLDS", "MEMBERS"))
        at = report.add_mutually_exclusive_group()
        at.add_argument("--cutoff", type=float, help="score at or below which a household is selected")
        at.add_argument(
            "--coverage", type=float, help="share of households to select (0-1) instead of a cutoff"
        )
        report.add_argument(
            "--poor-share", type=float, default=POOR_SHARE, help="poorest share that counts as poor"
        )
        report.add_argument("--seed", type=int, default=1, help="seed of the training/held-out split")
        report.add_argument("--chart", type=Path, default=Path("calibration.png"), help="chart file (PNG)")
        report.add_argument("--out", type=Path, help="write the fitted model here (JSON)")
        report.add_argument(
            "--draft", metavar="VERSION", help="save the fitted model as a draft of this version"
        )
        report.add_argument("--author", metavar="USERNAME", help="the user the draft is saved as")

        what_if = commands.add_parser(
            "simulate",
            help="who would qualify under a model and cutoffs, where, at what cost (changes nothing)",
        )
        what_if.add_argument(
            "--model", metavar="VERSION", help="the model to score with (default: the active one)"
        )
        what_if.add_argument("--cutoff", type=float, default=settings.SIMULATION_CUTOFF,
                             help="score at or below which a household qualifies (default %(default)s)")  # fmt: skip
        what_if.add_argument(
            "--disabled-cutoff", type=float,
            help=f"the cutoff for households with a disabled member (default {settings.SIMULATION_DISABLED_CUTOFF:g}, "
            "or the cutoff when that is higher)",
        )  # fmt: skip
        what_if.add_argument("--no-disabled-cutoff", action="store_true", help="no second cutoff")
        what_if.add_argument("--benefit", type=int, default=settings.SIMULATION_BENEFIT,
                             help="rupees a qualifying household receives a quarter (default %(default)s)")  # fmt: skip
        what_if.add_argument(
            "--no-wealth-filters",
            action="store_true",
            help="do not keep out households a wealth filter excludes",
        )
        what_if.add_argument("--survey", nargs=2, type=Path, metavar=("HOUSEHOLDS", "MEMBERS"),
                             help="run on a survey with consumption instead of the registry")  # fmt: skip
        what_if.add_argument(
            "--poor-share",
            type=float,
            default=POOR_SHARE,
            help="on a survey: poorest share that counts as poor",
        )
        what_if.add_argument(
            "--districts", type=Path, metavar="FILE", help="write the district table here (CSV)"
        )
        what_if.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args, action: str, **options):
        if action == "calibrate":
            self.calibrate(**options)
        elif action == "simulate":
            self.simulate(**options)
        else:
            self.fit_illustrative(**options)

    def simulate(self, *, model, cutoff, disabled_cutoff, no_disabled_cutoff, benefit, no_wealth_filters, survey,
                 poor_share, districts, no_progress, **options):  # fmt: skip
        if disabled_cutoff is None:
            disabled_cutoff = max(settings.SIMULATION_DISABLED_CUTOFF, cutoff)
        scenario = Scenario(
            cutoff=cutoff, disabled_cutoff=None if no_disabled_cutoff else disabled_cutoff, benefit=benefit,
            wealth_filters=not no_wealth_filters, poor_share=poor_share,
        )  # fmt: skip
        problems = scenario_problems(scenario)
        if problems:
            raise CommandError(" ".join(problems))
        chosen = PmtModel.objects.filter(version=model).first() if model else active_pmt_model()
        if chosen is None:
            raise CommandError(
                f"no model {model}" if model else "no PMT model is active: name one with --model"
            )
        try:
            if survey:
                for path in survey:
                    if not path.is_file():
                        raise CommandError(f"{path}: no such file")
                report = simulate_survey(chosen, scenario, households=survey[0], members=survey[1])
            else:
                report = simulate_registry(
                    chosen, scenario, progress=Progress(bar=not no_progress, unit="households")
                )
        except SurveyUnusable as error:
            raise CommandError(str(error)) from error
        self.stdout.write(report.table())
        if districts:
            with districts.open("w", newline="", encoding="utf-8") as out:
                csv.writer(out).writerows(report.district_rows())
            self.stdout.write(f"\nDistricts written to {districts}.")
        self.stdout.write("\nNothing was changed: a simulation only reads.")

    def calibrate(self, *, survey, cutoff, coverage, poor_share, seed, chart, out, draft, author, **options):
        if draft and not author:
            raise CommandError("--draft needs --author, the user the draft is saved as")
        for path in survey:
            if not path.is_file():
                raise CommandError(f"{path}: no such file")
        try:
            result = calibrate(
                survey_traits(*survey), seed=seed, cutoff=cutoff, coverage=coverage, poor_share=poor_share
            )
        except SurveyUnusable as error:
            raise CommandError(str(error)) from error
        self.stdout.write(result.table())
        result.chart(chart)
        self.stdout.write(f"\nChart written to {chart}.")
        fitted = result.fitted
        fitted.fit |= {"data": f"survey {survey[0].name} and {survey[1].name}"}
        if out:
            out.write_text(fitted.as_json(), encoding="utf-8")
            self.stdout.write(f"Model written to {out}.")
        if draft:
            user = get_user_model().objects.filter(username=author).first()
            if user is None:
                raise CommandError(f"no user {author}")
            try:
                model = pmt_model_draft(
                    acting_user=user, version=draft, name=f"Calibrated on {survey[0].name}",
                    intercept=fitted.intercept, scale_low=fitted.scale_low, scale_high=fitted.scale_high,
                    weights=fitted.weights, reference_means=fitted.reference_means, fit=fitted.fit,
                )  # fmt: skip
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from error
            self.stdout.write(f"Draft {model.version} saved; it is reviewed and activated in the browser.")

    def fit_illustrative(self, *, households: int, seed: int, out: Path, **options):
        with tempfile.TemporaryDirectory() as folder:
            generate_population(households=households, seed=seed, out=Path(folder))
            traits = survey_traits(Path(folder) / HOUSEHOLDS_FILE, Path(folder) / MEMBERS_FILE)
        fitted = ols_fit(traits, seed=seed)
        fitted.fit |= {"data": f"synthetic population, {households} households, generator seed {seed}"}
        out.write_text(
            fitted.as_json(
                version=ILLUSTRATIVE_VERSION,
                name=ILLUSTRATIVE_NAME,
                description=ILLUSTRATIVE_DESCRIPTION,
                is_illustrative=True,
            ),
            encoding="utf-8",
        )
        self.stdout.write(
            f"Wrote {out}: {len(fitted.weights)} weights, R² {fitted.fit['r2_held_out']} on held-out "
            f"households (training {fitted.fit['r2_train']})."
        )
