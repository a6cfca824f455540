"""`ehsaas import-registry --households F --members F [--report rejects.csv] [--json]`

Exit status: 0 all households accepted (or unchanged), 3 some rejected (report written when asked),
2 a file is unusable (nothing written)."""

import json
import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from ehsaas.core.progress import Progress
from ehsaas.core.services import job_create, job_fail, job_succeed
from ehsaas.registry.imports import UnusableFile, registry_import
from ehsaas.registry.services.imports import JOB_KIND

EXIT_REJECTED = 3
EXIT_UNUSABLE = 2


class Command(BaseCommand):
    help = "Import a household survey (households and members, CSV or one XLSX workbook) into the registry."

    def add_arguments(self, parser):
        parser.add_argument("--households", required=True, type=Path, help="households.csv, or a workbook")
        parser.add_argument(
            "--members", type=Path, help="members.csv (not needed for a workbook with both sheets)"
        )
        parser.add_argument(
            "--report", type=Path, help="write every problem of rejected households here (CSV)"
        )
        parser.add_argument("--json", action="store_true", help="print one JSON summary object, for scripts")
        parser.add_argument(
            "--progress", action="store_true", help="show a progress bar even when not on a terminal"
        )
        parser.add_argument("--user", help="the username the import is recorded under (default: the system)")

    def handle(self, *args, **options):
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"no user named {options['user']!r}", returncode=EXIT_UNUSABLE)
        job = job_create(
            kind=JOB_KIND,
            acting_user=user,
            params={
                "households": str(options["households"]),
                "members": str(options["members"] or ""),
                "source": "command line",
            },
        )
        show_bar = (options["progress"] or sys.stderr.isatty()) and not options["json"]
        try:
            result = registry_import(
                households=options["households"],
                members=options["members"],
                acting_user=user,
                job=job,
                progress=Progress(job=job, bar=show_bar, unit="rows"),
                report=options["report"],
            )
        except UnusableFile as error:
            job_fail(job=job, error=str(error))
            raise CommandError(str(error), returncode=EXIT_UNUSABLE) from error
        job_succeed(job=job, result=result.as_dict(), message="")
        if options["json"]:
            self.stdout.write(json.dumps(result.summary()))
        else:
            self.stdout.write(
                f"accepted {result.accepted} (new {result.new}, updated {result.updated}), "
                f"unchanged {result.unchanged}, rejected {result.rejected}, members written {result.members}"
            )
            if result.rejected and options["report"]:
                self.stdout.write(f"{result.problems} problems written to {options['report']}")
            elif result.rejected:
                self.stdout.write(
                    "run again with --report rejects.csv to see why each household was rejected"
                )
        if result.rejected:
            sys.exit(EXIT_REJECTED)
