"""`ehsaas payroll`: payment cycles from the command line, as the named user (the same services as the
pages, the same refusals).

- `ehsaas payroll open PROGRAMME PERIOD [--collect-by DAY] --user NAME`: open a cycle (2026-Q3, 2026-07);
- `ehsaas payroll generate CYCLE_ID --user NAME`: generate its payroll inline with a progress bar (run
  again after a stop, it completes it; never a second payment);
- `ehsaas payroll review CYCLE_ID`: print its totals and exceptions;
- `ehsaas payroll approve CYCLE_ID --user NAME [--note TEXT]`: approve it (not its generator);
- `ehsaas payroll list`: the cycles."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from ehsaas.core.progress import Progress
from ehsaas.payments.management.lookups import active_user, cycle_numbered
from ehsaas.payments.models import PaymentCycle
from ehsaas.payments.payroll.selectors import cycle_review
from ehsaas.payments.payroll.services import cycle_approve, cycle_open, payroll_generate
from ehsaas.programs.models import Programme


class Command(BaseCommand):
    help = "Open a payment cycle, generate, review and approve its payroll, or list the cycles."
    requires_system_checks = []  # run from scripts and cron; `ehsaas check` is the place for the checks

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        opening = actions.add_parser("open", help="open a programme's cycle for a period")
        opening.add_argument("programme", help="the programme's code, e.g. kafaalat")
        opening.add_argument("period", help="e.g. 2026-Q3 or 2026-07")
        opening.add_argument("--collect-by", type=datetime.date.fromisoformat, help="e.g. 2026-12-31")
        opening.add_argument("--user", required=True, help="who opens it (a finance officer)")
        generate = actions.add_parser("generate", help="generate (or complete) a cycle's payroll")
        generate.add_argument("cycle", type=int)
        generate.add_argument("--user", required=True, help="who generates it (a finance officer)")
        generate.add_argument("--no-progress", action="store_true", help="no progress bar")
        review = actions.add_parser("review", help="print a payroll's totals and exceptions")
        review.add_argument("cycle", type=int)
        approve = actions.add_parser("approve", help="approve a payroll someone else generated")
        approve.add_argument("cycle", type=int)
        approve.add_argument("--user", required=True, help="who approves it (not its generator)")
        approve.add_argument("--note", default="")
        actions.add_parser("list", help="the payment cycles")

    def handle(self, *args, action: str, **options):
        try:
            getattr(self, f"_{action}")(**options)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        except PermissionDenied:
            raise CommandError(f"{options.get('user')} may not do this: it takes a finance officer") from None

    def _open(self, *, programme: str, period: str, collect_by, user: str, **_options) -> None:
        found = Programme.objects.filter(code=programme).first()
        if found is None:
            codes = ", ".join(Programme.objects.values_list("code", flat=True))
            raise CommandError(f"no programme {programme}; the programmes are: {codes}")
        cycle = cycle_open(
            programme=found, period=period, collect_by=collect_by, acting_user=active_user(user)
        )
        self.stdout.write(
            f"Cycle {cycle.pk} opened: {cycle}. Generate it: ehsaas payroll generate {cycle.pk}"
        )

    def _generate(self, *, cycle: int, user: str, no_progress: bool, **_options) -> None:
        found = cycle_numbered(cycle)
        done = payroll_generate(found, acting_user=active_user(user),
                                progress=Progress(bar=not no_progress, unit="beneficiaries"))  # fmt: skip
        self.stdout.write(
            f"Payroll of {done}: {done.payments_count:,} payments, Rs {done.amount_total:,}. Another finance "
            f"officer approves it: ehsaas payroll approve {done.pk} (or {reverse('payments:cycle', args=[done.pk])})"
        )

    def _review(self, *, cycle: int, **_options) -> None:
        found = cycle_numbered(cycle)
        review = cycle_review(found)
        write = self.stdout.write
        write(
            f"{found} ({found.get_status_display()}): {found.payments_count:,} payments, Rs {found.amount_total:,}"
        )
        write("By district:")
        for row in review.by_district:
            write(f"  {row['district'].name:<32} {row['payments']:>10,} Rs {row['amount']:>16,}")
        write("By channel:")
        for row in review.by_channel:
            name = f"{row['channel']} {row['provider'].name if row['provider'] else ''}".strip()
            write(f"  {name:<32} {row['payments']:>10,} Rs {row['amount']:>16,}")
        write("By category:")
        for row in review.by_category:
            write(f"  {row['category'] or '-':<32} {row['payments']:>10,} Rs {row['amount']:>16,}")
        write("Exceptions:")
        write(f"  account changed this cycle: {review.changed_count:,}")
        write(f"  accounts or wallets shared by several beneficiaries: {review.shared_count:,}")
        for row in review.shared:
            write(f"    {row['provider__name']} {row['account_number']}: {row['payments']} payments")
        write(f"  unpaid amounts carried over: {review.arrears_count:,} (Rs {review.arrears_total:,})")
        write(f"  no account, cash at the points: {review.cash_count:,} (Rs {review.cash_total:,})")

    def _approve(self, *, cycle: int, user: str, note: str, **_options) -> None:
        done = cycle_approve(cycle=cycle_numbered(cycle), acting_user=active_user(user), note=note)
        self.stdout.write(f"Payroll of {done} approved by {done.approved_by}: it is frozen.")

    def _list(self, **_options) -> None:
        cycles = PaymentCycle.objects.select_related("programme").order_by("programme__code", "-created_at")
        for cycle in cycles:
            self.stdout.write(
                f"{cycle.pk:>6}  {cycle.programme.code:<28} {cycle.period:<8} {cycle.get_status_display():<18} "
                f"{cycle.payments_count:>10,} payments  Rs {cycle.amount_total:>15,}"
            )
        if not cycles:
            self.stdout.write("No payment cycles yet.")
