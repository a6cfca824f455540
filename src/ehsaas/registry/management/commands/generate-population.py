"""`ehsaas generate-population --households N [--seed S] --out DIR [--progress]`

Writes DIR/households.csv and DIR/members.csv in the household survey data contract, with the hidden
`monthly_consumption` of each household. The same N and seed give the same files, byte for byte."""

import argparse
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from ehsaas.core.progress import Progress
from ehsaas.registry.population.geography import GeographyMissing
from ehsaas.registry.population.writer import generate_population


def _count(text: str) -> int:
    try:
        value = int(text.replace(",", "").replace("_", ""))
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(
            _("must be a whole number, 0 or more, not %(text)r") % {"text": text}
        )
    return value


class Command(BaseCommand):
    help = "Write a synthetic population (households.csv and members.csv) in the survey data contract."

    def add_arguments(self, parser):
        parser.add_argument("--households", required=True, type=_count, help="how many households")
        parser.add_argument("--seed", type=int, default=1, help="the random seed (default 1)")
        parser.add_argument("--out", required=True, type=Path, help="the directory to write the files into")
        parser.add_argument(
            "--data-dir",
            type=Path,
            help="a directory with districts.csv and tehsils.csv to use instead of the shipped geography",
        )
        parser.add_argument(
            "--progress", action="store_true", help="show a progress bar even when not on a terminal"
        )

    def handle(self, *args, **options):
        show_bar = options["progress"] or sys.stdout.isatty()
        try:
            summary = generate_population(
                households=options["households"],
                seed=options["seed"],
                out=options["out"],
                data_dir=options["data_dir"],
                progress=Progress(bar=show_bar, unit="households") if show_bar else None,
            )
        except (GeographyMissing, OSError) as error:
            raise CommandError(str(error)) from error
        rate = summary.households / summary.seconds if summary.seconds else 0
        self.stdout.write(
            _(
                "Wrote %(households)s households and %(members)s members to %(out)s "
                "in %(seconds).1f s (%(rate)s households a second)."
            )
            % {
                "households": f"{summary.households:,}",
                "members": f"{summary.members:,}",
                "out": options["out"],
                "seconds": summary.seconds,
                "rate": f"{rate:,.0f}",
            }
        )
