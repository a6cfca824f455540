"""`ehsaas import-wealth-list --source car_owners --as-of 2026-05-01 --agency "Excise and Taxation, Punjab" FILE`

Exit status: 0 imported, 2 the list was refused (nothing written)."""

from datetime import date
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from ehsaas.core.progress import Progress
from ehsaas.core.services import job_create, job_fail, job_succeed
from ehsaas.registry.choices import WealthSource
from ehsaas.registry.services.wealth_filters import JOB_KIND, WealthListRefused, wealth_list_import

EXIT_REFUSED = 2


class Command(BaseCommand):
    help = (
        "Import a list of people who are not poor from another agency (CSV with a cnic column, optional "
        "name and detail), flag their households, and supersede the older list of the same source."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="the list, a CSV file with a cnic column")
        parser.add_argument("--source", required=True, choices=WealthSource.values, help="what the list is")
        parser.add_argument("--as-of", required=True, type=date.fromisoformat, help="YYYY-MM-DD")
        parser.add_argument("--agency", required=True, help="the agency that sent it")
        parser.add_argument("--user", help="the username the import is recorded under (default: the system)")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args, **options):
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"no user named {options['user']!r}", returncode=EXIT_REFUSED)
        params = {
            "path": str(options["file"]),
            "source": options["source"],
            "agency": options["agency"],
            "as_of": options["as_of"].isoformat(),
            "origin": "command line",
        }
        job = job_create(kind=JOB_KIND, acting_user=user, params=params)
        show_bar = not options["no_progress"]
        try:
            result = wealth_list_import(
                path=options["file"],
                source=options["source"],
                agency=options["agency"],
                as_of=options["as_of"],
                acting_user=user,
                progress=Progress(job=job, bar=show_bar, unit="lines"),
            )
        except WealthListRefused as error:
            job_fail(job=job, error=str(error))
            raise CommandError(str(error), returncode=EXIT_REFUSED) from error
        job_succeed(job=job, result=result.as_dict())
        self.stdout.write(
            _(
                "%(lines)s lines, %(distinct)s distinct CNICs (%(duplicates)s duplicate lines); "
                "%(members)s members matched in %(households)s households; %(lifted)s flags of the older "
                "list lifted."
            )
            % {
                "lines": result.lines,
                "distinct": result.distinct,
                "duplicates": result.duplicates,
                "members": result.members_matched,
                "households": result.households_flagged,
                "lifted": result.lifted,
            }
        )
