"""Statuses back from providers, from the command line:
`ehsaas payment-statuses import FILE --provider CODE --user NAME`: apply a provider's status file
(pain.002 or its CSV) with a progress bar, and print what it did and each line reported;
`ehsaas payment-statuses expire [--today YYYY-MM-DD]`: payments not collected by their deadline become
unclaimed; `ehsaas payment-statuses reconcile CYCLE_ID [--csv FILE]`: a cycle's reconciliation;
`ehsaas payment-statuses close CYCLE_ID --user NAME`: close a reconciled cycle.
`ehsaas payment-statuses simulate BATCH_ID [--format pain002|csv] --out FILE`: the status file the
batch's provider would return (the provider simulator; for demonstrations and tests)."""

import csv
import sys
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from ehsaas.core.progress import Progress
from ehsaas.payments.management.lookups import active_user, cycle_numbered
from ehsaas.payments.models import InstructionBatch, Provider
from ehsaas.payments.statuses.closing import cycle_close, payments_expire
from ehsaas.payments.statuses.readers import StatusFileRefused
from ehsaas.payments.statuses.selectors import cycle_reconciliation, reconciliation_rows
from ehsaas.payments.statuses.services import StatusRefused, status_file_apply
from ehsaas.payments.statuses.simulator import status_file_simulate

PROBLEMS_PRINTED = 50


class Command(BaseCommand):
    help = "Apply providers' status files, mark unclaimed payments, reconcile and close cycles."
    requires_system_checks = []

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        apply = actions.add_parser("import", help="apply a provider's status file")
        apply.add_argument("file", type=Path)
        apply.add_argument("--provider", required=True, help="the provider's code, e.g. nbp or jazzcash")
        apply.add_argument("--user", required=True, help="who applies it (may release payments)")
        apply.add_argument("--no-progress", action="store_true", help="no progress bar")
        expire = actions.add_parser("expire", help="make payments not collected in time unclaimed")
        expire.add_argument("--today", type=date.fromisoformat, help="the day to judge by (default today)")
        reconcile = actions.add_parser("reconcile", help="print a cycle's reconciliation")
        reconcile.add_argument("cycle", type=int)
        reconcile.add_argument("--csv", type=Path, help="write it to this CSV file")
        close = actions.add_parser("close", help="close a reconciled cycle")
        close.add_argument("cycle", type=int)
        close.add_argument("--user", required=True)
        simulate = actions.add_parser(
            "simulate", help="write the status file a batch's provider would return"
        )
        simulate.add_argument("batch", type=int, help="the instruction batch's number")
        simulate.add_argument(
            "--format", choices=["pain002", "csv"], help="default: pain002 for banks, csv else"
        )
        simulate.add_argument("--failed-percent", type=int, default=5)
        simulate.add_argument("--out", type=Path, required=True)

    def handle(self, *args, action: str, **options):
        try:
            getattr(self, f"_{action}")(**options)
        except (StatusRefused, StatusFileRefused) as refused:
            raise CommandError(" ".join(getattr(refused, "messages", [str(refused)]))) from None

    def _import(self, *, file: Path, provider: str, user: str, no_progress: bool, **_options):
        found = Provider.objects.filter(code=provider).first()
        if found is None:
            codes = ", ".join(Provider.objects.values_list("code", flat=True))
            raise CommandError(f"no provider {provider}; the providers are: {codes}")
        if not file.is_file():
            raise CommandError(f"no file {file}")
        with file.open("rb") as content:
            applied = status_file_apply(provider=found, content=content, file_name=file.name,
                                        acting_user=active_user(user), progress=Progress(bar=not no_progress, unit="lines"))  # fmt: skip
        status_file = applied.status_file
        if applied.already_applied:
            self.stdout.write(f"{file.name} was applied on {timezone.localtime(status_file.received_at):%Y-%m-%d %H:%M} "
                              f"(status file #{status_file.pk}): nothing changed.")  # fmt: skip
            return
        self.stdout.write(
            f"Status file #{status_file.pk}: {status_file.rows:,} lines; {status_file.paid:,} paid, "
            f"{status_file.failed:,} failed, {status_file.unchanged:,} already so, {status_file.problems:,} "
            f"reported, not applied; {applied.messages_queued:,} SMS queued."
        )
        for problem in status_file.problem_lines.all()[:PROBLEMS_PRINTED]:
            self.stdout.write(f"  line {problem.line}: {problem.reference or '—'}  {problem.get_kind_display()}"
                              f"{'  ' + problem.detail if problem.detail else ''}")  # fmt: skip
        if status_file.problems > PROBLEMS_PRINTED:
            self.stdout.write(f"  … and {status_file.problems - PROBLEMS_PRINTED:,} more")

    def _expire(self, *, today: date | None, **_options):
        expired = payments_expire(today=today or timezone.localdate())
        for cycle, count in expired.items():
            self.stdout.write(f"{cycle}: {count:,} payments unclaimed")
        if not expired:
            self.stdout.write("No payment is past its deadline.")

    def _reconcile(self, *, cycle: int, csv: Path | None, **_options):
        rows = reconciliation_rows(cycle_reconciliation(cycle=cycle_numbered(cycle)))
        if csv is not None:
            with csv.open("w", newline="", encoding="utf-8") as out:
                _write(out, rows)
            self.stdout.write(f"Written to {csv}")
        else:
            _write(sys.stdout, rows)

    def _close(self, *, cycle: int, user: str, **_options):
        closed = cycle_close(cycle=cycle_numbered(cycle), acting_user=active_user(user))
        self.stdout.write(f"{closed} is closed.")

    def _simulate(self, *, batch: int, format: str | None, failed_percent: int, out: Path, **_options):
        found = InstructionBatch.objects.select_related("provider").filter(pk=batch).first()
        if found is None:
            raise CommandError(f"no instruction batch {batch}")
        _name, content = status_file_simulate(found, file_format=format, failed_percent=failed_percent)
        out.write_bytes(content)
        self.stdout.write(f"{out}: what {found.provider.code} would return for {found.message_id}")


def _write(out, rows) -> None:
    csv.writer(out).writerows(rows)
