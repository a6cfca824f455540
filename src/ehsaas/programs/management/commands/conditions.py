"""`ehsaas conditions evaluate PROGRAMME QUARTER`: judge a programme's conditions for a quarter that has
ended, suspending and resuming beneficiaries (each told by SMS), inline with a progress
bar (the page runs the same evaluation as a job), and print the figures.
`ehsaas conditions import attendance|visits FILE`: import a school's or a health centre's file, whatever
its size; a file with bad lines is refused whole and every bad line printed."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from ehsaas.core.progress import Progress
from ehsaas.programs.choices import ComplianceFileKind
from ehsaas.programs.compliance import ComplianceFileRefused
from ehsaas.programs.models import Programme
from ehsaas.programs.services import compliance_file_import, conditions_evaluate


class Command(BaseCommand):
    help = "Evaluate a programme's conditions for a quarter, or import a school's or health centre's file."
    requires_system_checks = []  # a scheduled job; `ehsaas check` is the place for the checks

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        evaluate = actions.add_parser("evaluate", help="judge a quarter's conditions of a programme")
        evaluate.add_argument("programme", help="the programme's code, e.g. taleemi-wazaif")
        evaluate.add_argument("quarter", help="the quarter, e.g. 2026-Q3")
        evaluate.add_argument("--no-progress", action="store_true", help="no progress bar")
        load = actions.add_parser("import", help="import a school's attendance or a centre's visits file")
        load.add_argument("kind", choices=ComplianceFileKind.values)
        load.add_argument("file", type=Path)

    def handle(self, *args, action: str, **options):
        if action == "evaluate":
            self._evaluate(options["programme"], options["quarter"], bar=not options["no_progress"])
        else:
            self._import(options["kind"], options["file"])

    def _evaluate(self, code: str, quarter: str, *, bar: bool) -> None:
        programme = Programme.objects.filter(code=code).first()
        if programme is None:
            codes = ", ".join(Programme.objects.values_list("code", flat=True))
            raise CommandError(f"no programme {code}; the programmes are: {codes}")
        try:
            evaluation = conditions_evaluate(
                acting_user=None, programme=programme, quarter=quarter, progress=Progress(bar=bar)
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(
            f"{programme.code} {evaluation.quarter}: {evaluation.judged:,} judged, {evaluation.met:,} met every "
            f"condition, {evaluation.missed:,} missed one; {evaluation.suspended:,} suspended, "
            f"{evaluation.resumed:,} resumed (each told by SMS where a mobile number is on record)."
        )
        self.stdout.write(
            f"The list: {reverse('programs:evaluation', args=[programme.code, evaluation.quarter])}"
        )

    def _import(self, kind: str, path: Path) -> None:
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        try:
            result = compliance_file_import(
                acting_user=None, kind=kind, data=path.read_bytes(), file_name=path.name
            )
        except ComplianceFileRefused as refused:
            for problem in refused.problems:
                self.stderr.write(
                    f"{path.name}:{problem.line}: {problem.column} «{problem.value}»: {problem.message}"
                )
            raise CommandError(refused.message) from None
        self.stdout.write(
            f"{path.name}: {result.lines:,} records; {result.new:,} new, {result.changed:,} corrected, "
            f"{result.unchanged:,} already recorded."
        )
