"""`ehsaas find-duplicates`: find likely duplicate members and list them for review, with a progress bar."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from ehsaas.core.models import District
from ehsaas.core.progress import Progress
from ehsaas.registry.duplicates import MIN_SCORE, duplicates_find


class Command(BaseCommand):
    help = (
        "Find members who are probably one person recorded twice (similar names, same date of birth and "
        "district) and record each new pair for review. Pairs recorded before are not added again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--min-score",
            type=int,
            default=MIN_SCORE,
            help=f"lowest score (0-100) to list (default {MIN_SCORE})",
        )
        parser.add_argument(
            "--district",
            action="append",
            default=None,
            metavar="CODE",
            help="only this district (repeatable)",
        )
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args, min_score: int, district: list[str] | None, no_progress: bool, **options):
        if not 0 <= min_score <= 100:
            raise CommandError(_("--min-score must be between 0 and 100"))
        district_ids = None
        if district:
            found = dict(District.objects.filter(code__in=district).values_list("code", "id"))
            unknown = sorted(set(district) - set(found))
            if unknown:
                raise CommandError(_("unknown district code: %(codes)s") % {"codes": ", ".join(unknown)})
            district_ids = list(found.values())
        progress = Progress(bar=not no_progress, unit="members")
        result = duplicates_find(progress=progress, min_score=min_score, district_ids=district_ids)
        self.stdout.write(
            _("%(new)s new pairs of likely duplicates (%(found)s found, %(members)s members compared).")
            % {"new": result.new_pairs, "found": result.found, "members": result.members}
        )
