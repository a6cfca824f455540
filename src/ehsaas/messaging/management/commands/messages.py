"""`ehsaas messages send`: the sender as a service of its own. It sends the due messages through the
configured gateway (SMS_GATEWAY) at SMS_SEND_RATE, then waits for more, until stopped (SIGTERM or
Ctrl-C, between batches). `--once` sends what is due now and exits (cron, or by hand)."""

import signal
import time

from django.conf import settings
from django.core.management.base import BaseCommand

from ehsaas.core.progress import Progress
from ehsaas.messaging.gateways import gateway_from_settings
from ehsaas.messaging.sending import SendResult, messages_send_due

POLL_SECONDS = 2.0


class Command(BaseCommand):
    help = "Send the queued SMS through the gateway, at the agreed rate."
    requires_system_checks = []  # a long-running service; `ehsaas check` is the place for the checks

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        send = actions.add_parser("send", help="send the due messages, then keep waiting for more")
        send.add_argument("--once", action="store_true", help="send what is due now, then exit")
        send.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args, action: str, once: bool, no_progress: bool, **options):
        stopping = []
        previous = signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
        gateway = gateway_from_settings()
        self.stdout.write(
            f"Sending through the {gateway.name} gateway, {settings.SMS_SEND_RATE:g} a second at most."
        )
        total = SendResult()
        try:
            while not stopping:
                result = messages_send_due(
                    gateway=gateway,
                    progress=Progress(bar=once and not no_progress),
                    until=lambda: bool(stopping),
                )
                total.sent += result.sent
                total.retried += result.retried
                total.failed += result.failed
                if once:
                    break
                if result.handled:
                    self.stdout.write(self._figures(result))
                else:
                    time.sleep(POLL_SECONDS)
        except KeyboardInterrupt:
            pass
        finally:
            signal.signal(signal.SIGTERM, previous)
        self.stdout.write(self._figures(total))

    @staticmethod
    def _figures(result: SendResult) -> str:
        return f"{result.sent:,} sent, {result.retried:,} to try again later, {result.failed:,} failed."
