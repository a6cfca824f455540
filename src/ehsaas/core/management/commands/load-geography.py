"""`ehsaas load-geography`: apply the geography data files (core/data/*.csv) to the database after
they were updated. Safe to run at any time: unchanged rows are left alone and nothing is deleted."""

from django.core.management.base import BaseCommand, CommandError

from ehsaas.core.geography import GeographyDataError, geography_load


class Command(BaseCommand):
    help = "Load or refresh provinces, divisions, districts and tehsils from the shipped data files."

    def add_arguments(self, parser):
        parser.add_argument("--database", default="default", help="the database to load into")

    def handle(self, *args, **options):
        try:
            counts = geography_load(using=options["database"])
        except GeographyDataError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"provinces {counts['provinces']}, divisions {counts['divisions']}, "
            f"districts {counts['districts']}, tehsils {counts['tehsils']}: "
            f"{counts['created']} created, {counts['updated']} updated"
        )
