"""`ehsaas pmt fit-illustrative`: fit the illustrative default model again, on a synthetic population
drawn with a fixed seed, and write it to targeting/data/illustrative-model.json (which the migrations
load and activate)."""

import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand

from ehsaas.registry.population.writer import HOUSEHOLDS_FILE, MEMBERS_FILE, generate_population
from ehsaas.targeting.fitting import (
    ILLUSTRATIVE_FILE,
    ILLUSTRATIVE_HOUSEHOLDS,
    ILLUSTRATIVE_SEED,
    ILLUSTRATIVE_VERSION,
    ols_fit,
)
from ehsaas.targeting.traits import survey_traits

ILLUSTRATIVE_NAME = "Illustrative PMT model (synthetic data)"
ILLUSTRATIVE_DESCRIPTION = (
    "Illustrative only: calibrated on a synthetic population from the platform's generator, not on a real "
    "survey. Fitted by ordinary least squares of log per-capita monthly consumption on the indicator "
    "catalogue. Replace it with a model fitted on survey data before any real use."
)


class Command(BaseCommand):
    help = "PMT model tools. fit-illustrative: fit the illustrative default model on synthetic data."

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="action", required=True)
        fit = commands.add_parser("fit-illustrative", help="fit the illustrative model on synthetic data")
        fit.add_argument("--households", type=int, default=ILLUSTRATIVE_HOUSEHOLDS)
        fit.add_argument("--seed", type=int, default=ILLUSTRATIVE_SEED)
        fit.add_argument(
            "--out", type=Path, default=ILLUSTRATIVE_FILE, help="where to write the model (JSON)"
        )

    def handle(self, *args, action: str, households: int, seed: int, out: Path, **options):
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
