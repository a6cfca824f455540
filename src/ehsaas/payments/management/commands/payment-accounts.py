"""`ehsaas payment-accounts import FILE --user NAME`: a bank's or wallet operator's CSV of the accounts it
opened (cnic, channel, provider, account_number, account_title) asked for as account changes, checked
whole (every bad line printed, nothing written if one is bad); `ehsaas payment-accounts approve --import ID
--user NAME`: a second user approves every change of that import."""

from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from ehsaas.payments.accounts.services import (
    AccountChangeRefused,
    AccountsFileRefused,
    account_import_get,
    accounts_import,
    accounts_import_approve,
)
from ehsaas.payments.management.lookups import active_user


class Command(BaseCommand):
    help = "Import a file of opened accounts as account changes, or approve an import's changes."
    requires_system_checks = []

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="action", required=True)
        imported = commands.add_parser("import", help="ask for the accounts of a file")
        imported.add_argument("file", type=Path)
        imported.add_argument("--user", required=True, help="who imports (they cannot approve it)")
        approve = commands.add_parser("approve", help="approve every waiting change of an import")
        approve.add_argument("--import", dest="import_id", type=int, required=True)
        approve.add_argument("--user", required=True, help="who approves (not the importer)")
        approve.add_argument("--note", default="")

    def handle(self, *args, action, user, **options):
        acting = active_user(user)
        try:
            if action == "import":
                self._import(options["file"], acting)
            else:
                job = account_import_get(options["import_id"])
                count = accounts_import_approve(job=job, acting_user=acting, note=options["note"])
                self.stdout.write(f"Approved {count:,} account changes of import {job.pk}.")
        except PermissionDenied:
            raise CommandError(f"{user} may not do this") from None
        except AccountChangeRefused as refused:
            raise CommandError(refused.messages[0]) from None

    def _import(self, path: Path, acting) -> None:
        if not path.is_file():
            raise CommandError(f"no file {path}")
        try:
            job = accounts_import(data=path.read_bytes(), label=path.name, acting_user=acting)
        except AccountsFileRefused as refused:
            for problem in refused.problems:
                self.stderr.write(
                    f"line {problem.line}, {problem.column} {problem.value!r}: {problem.message}"
                )
            raise CommandError(refused.message) from None
        self.stdout.write(
            f"Import {job.pk}: {job.result['requests']:,} account changes asked for from {job.result['lines']:,} "
            f"lines. Another user approves them: ehsaas payment-accounts approve --import {job.pk} --user NAME"
        )
