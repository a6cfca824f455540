"""`ehsaas grievances escalate`: the SLA timer. Warns of complaints whose SLA is about to lapse and
escalates those whose SLA has lapsed to a supervisor of their area, telling the complainant; meant to
run every hour from a system timer (or queued as the `escalate_complaints` task). Running it twice
changes nothing the second time.
`ehsaas grievances escalate --queue` queues the task for the worker instead of running it here."""

from django.core.management.base import BaseCommand

from ehsaas.grievances.services.escalation import complaints_escalate
from ehsaas.grievances.tasks import escalate_complaints


class Command(BaseCommand):
    help = "The complaints' SLA timer: warn of complaints about to lapse, escalate the lapsed."
    requires_system_checks = []  # a scheduled job; `ehsaas check` is the place for the checks

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        escalate = actions.add_parser("escalate", help="warn and escalate complaints on their SLA")
        escalate.add_argument("--queue", action="store_true", help="queue the task for the worker")

    def handle(self, *args, action: str, **options):
        if options["queue"]:
            result = escalate_complaints.enqueue()
            self.stdout.write(f"Queued the escalation task ({result.id}).")
            return
        figures = complaints_escalate()
        self.stdout.write(
            f"{figures.warned:,} complaints warned that their SLA lapses soon; "
            f"{figures.escalated:,} escalated to a supervisor."
        )
