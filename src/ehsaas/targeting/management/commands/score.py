"""`ehsaas score [--model VERSION]`: score every active household of the registry, with a progress bar."""

from django.core.management.base import BaseCommand, CommandError

from ehsaas.core.progress import Progress
from ehsaas.targeting.choices import RunReason
from ehsaas.targeting.runs import ScoringRefused, scoring_model, scoring_run


class Command(BaseCommand):
    help = (
        "Score every active household with the active PMT model (or the model named), storing each score "
        "as the household's current score and in its history."
    )

    requires_system_checks = []  # a scoring run touches no model definitions; start at once

    def add_arguments(self, parser):
        parser.add_argument("--model", metavar="VERSION", default=None, help="the model's version")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args, model: str | None, no_progress: bool, **options):
        try:
            chosen = scoring_model(model)
        except ScoringRefused as error:
            raise CommandError(str(error)) from error
        summary = scoring_run(
            acting_user=None,
            reason=RunReason.COMMAND,
            model=chosen,
            progress=Progress(bar=not no_progress, unit="households"),
        )
        illustrative = " (illustrative, calibrated on synthetic data)" if chosen.is_illustrative else ""
        self.stdout.write(
            f"{summary.households} households scored with {chosen.version}{illustrative} in "
            f"{summary.seconds:.1f} s (run {summary.run.pk})."
        )
