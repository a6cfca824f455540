"""`ehsaas demo-data [--households 20000] [--seed 1]`: what `make demo` runs after migrating.

Generates a synthetic population into var/demo/ (reused when it was made with the same size and seed)
and imports it, unless the registry already holds households; then creates or resets one account per
role, runs the demo steps the other apps registered (scores, an enrolled programme, …), and prints the
accounts' usernames and passwords. DEMO_PASSWORD, when set, is every account's password."""

from datetime import date

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from ehsaas.core.demo import demo_steps
from ehsaas.core.progress import Progress
from ehsaas.env import env_int, env_str
from ehsaas.registry.choices import WealthSource
from ehsaas.registry.demo import (
    DEMO_WEALTH_LIST,
    SUPERUSER,
    demo_duplicates_plant,
    demo_population_files,
    demo_users_ensure,
    demo_wealth_list_write,
    registry_household_count,
)
from ehsaas.registry.duplicates import duplicates_find
from ehsaas.registry.population.writer import MEMBERS_FILE

EXIT_SOME_REJECTED = 3  # import-registry's status when it rejected households


class Command(BaseCommand):
    help = "Load a synthetic population into an empty registry and create one demo account per role."

    def add_arguments(self, parser):
        parser.add_argument(
            "--households", type=int, default=20_000, help="households to generate (default 20000)"
        )
        parser.add_argument("--seed", type=int, default=1, help="the random seed (default 1)")

    def handle(self, *args, **options):
        households, seed = options["households"], options["seed"]
        existing = registry_household_count()
        if existing:
            self.stdout.write(
                _("The registry already holds %(count)s households: not importing the demo population again.")
                % {"count": f"{existing:,}"}
            )
        elif households <= 0:
            self.stdout.write(_("No households asked for: the registry stays empty."))
        else:
            self._import(households, seed)

        accounts = demo_users_ensure(password=env_str("DEMO_PASSWORD") or None)
        if households > 0 and not existing:
            self._plant_duplicates()
            self._import_wealth_list()
            for step in demo_steps():  # scores, an enrolled programme, … (see ehsaas.core.demo)
                self.stdout.write(step.run())
        self._print_accounts(accounts)

    def _plant_duplicates(self) -> None:
        """A few people registered twice, and a detection run, so that the duplicates page has pairs."""
        admin = get_user_model().objects.get(username=SUPERUSER)
        planted = demo_duplicates_plant(acting_user=admin)
        found = duplicates_find()
        self.stdout.write(
            _(
                "Registered %(planted)s people a second time by hand; duplicate detection found %(found)s pairs."
            )
            % {"planted": len(planted), "found": found.new_pairs}
        )

    def _import_wealth_list(self) -> None:
        """The government payroll as a wealth filter, so that the wealth filter pages and simulations have
        households it excludes."""
        directory = settings.VAR_DIR / "demo"
        path = directory / DEMO_WEALTH_LIST
        demo_wealth_list_write(members=directory / MEMBERS_FILE, out=path)
        call_command(
            "import-wealth-list", str(path), source=WealthSource.GOVERNMENT_EMPLOYEES, as_of=date.today(),
            agency="Accountant General Pakistan Revenues (demo list)", no_progress=True, stdout=self.stdout,
        )  # fmt: skip

    def _import(self, households: int, seed: int) -> None:
        directory = settings.VAR_DIR / "demo"
        households_path, members_path, reused = demo_population_files(
            directory=directory,
            households=households,
            seed=seed,
            progress=Progress(bar=True, unit="households"),
        )
        if reused:
            self.stdout.write(_("Reusing the population already generated in %(dir)s.") % {"dir": directory})
        else:
            self.stdout.write(
                _("Generated %(count)s households in %(dir)s.")
                % {"count": f"{households:,}", "dir": directory}
            )
        try:
            call_command(
                "import-registry",
                households=households_path,
                members=members_path,
                progress=True,
                stdout=self.stdout,
            )
        except SystemExit as stop:
            # Generated households are all valid, so a rejection is worth a warning, not the end of the demo.
            if stop.code != EXIT_SOME_REJECTED:
                raise
            self.stderr.write(_("Some demo households were rejected; the others were imported."))

    def _print_accounts(self, accounts) -> None:
        url = f"http://127.0.0.1:{env_int('PORT', 8000)}/"
        rows = [(_("username"), _("role"), _("password"))] + [
            (
                a.username,
                str(a.role.label) + (f" ({', '.join(a.districts)})" if a.districts else ""),
                a.password,
            )
            for a in accounts
        ]
        widths = [max(len(row[column]) for row in rows) for column in range(3)]
        self.stdout.write("")
        self.stdout.write(_("Demo accounts:"))
        for number, row in enumerate(rows):
            cells = (cell.ljust(width) for cell, width in zip(row, widths, strict=True))
            self.stdout.write(("  " + "  ".join(cells)).rstrip())
            if number == 0:
                self.stdout.write("  " + "  ".join("-" * width for width in widths))
        self.stdout.write("")
        self.stdout.write(_("Sign in at %(url)s") % {"url": url})
