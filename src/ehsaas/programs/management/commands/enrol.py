"""`ehsaas enrol PROGRAMME [--changed]`: run a programme's enrolment over the whole registry (or, with
--changed, re-evaluate the households changed since its last settled run) and print who newly
qualifies, who no longer does, and where to approve the list (approval and confirmation are two
people's decisions, taken in the browser)."""

from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from ehsaas.core.progress import Progress
from ehsaas.programs.choices import ProgrammeStatus, RunStatus
from ehsaas.programs.enrolment import enrolment_compute, enrolment_run_create
from ehsaas.programs.models import Programme
from ehsaas.programs.reevaluation import (
    NotDue,
    reevaluation_compute,
    reevaluation_due,
    reevaluation_run_create,
)


class Command(BaseCommand):
    help = "Run a programme's enrolment over the whole registry; the list is then approved in the browser."
    requires_system_checks = []  # a nightly job; `ehsaas check` is the place for the checks

    def add_arguments(self, parser):
        parser.add_argument("programme", help="the programme's code, e.g. kafaalat")
        parser.add_argument(
            "--changed",
            action="store_true",
            help="judge only the households changed since the last settled run (a re-evaluation)",
        )
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args, programme: str, changed: bool, no_progress: bool, **options):
        found = Programme.objects.filter(code=programme).first()
        if found is None:
            codes = ", ".join(Programme.objects.values_list("code", flat=True))
            raise CommandError(f"no programme {programme}; the programmes are: {codes}")
        if found.status != ProgrammeStatus.ACTIVE:
            raise CommandError(f"{programme} is {found.status}: only an active programme enrols")
        progress = Progress(bar=not no_progress, unit="households")
        if changed:
            try:
                run = reevaluation_run_create(found, reevaluation_due(found))
            except NotDue as reason:
                raise CommandError(str(reason)) from None
            reevaluation_compute(run, progress=progress)
            self.stdout.write(
                f"Re-evaluated {run.households:,} households changed since {run.changed_since:%Y-%m-%d %H:%M}."
            )
            if run.status == RunStatus.UNCHANGED:
                self.stdout.write("Nothing to change: nobody's place in the programme changes.")
                return
        else:
            run = enrolment_run_create(found)
            enrolment_compute(run, progress=progress)
        self.stdout.write(
            f"Run #{run.pk} of {found.code}: {run.units:,} judged, {run.eligible:,} eligible; "
            f"{run.joining:,} newly qualify, {run.leaving:,} no longer do, {run.staying:,} stay, "
            f"{run.over_limit:,} over the quota or budget; Rs {run.amount_per_payment:,} a payment after it."
        )
        self.stdout.write(
            f"Approve it, then have a second person confirm it, at {reverse('programs:run', args=[run.pk])}"
        )
