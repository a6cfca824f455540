"""`ehsaas payment-files export CYCLE_ID --user NAME [--out DIR]`: make an approved cycle's instruction
batches (pain.001 files for banks, CSV for wallets, API batches) and print each with its count, control
total and SHA-256; --out also copies every file of the cycle, checked against its SHA-256, into DIR.
`ehsaas payment-files send CYCLE_ID [--user NAME]`: send the cycle's waiting API batches."""

import shutil
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ehsaas.core.progress import Progress
from ehsaas.payments.instructions.sending import instructions_send
from ehsaas.payments.instructions.services import (
    InstructionsRefused,
    batch_file_checked,
    cycle_batches,
    instructions_export,
)
from ehsaas.payments.management.lookups import active_user, cycle_numbered
from ehsaas.payments.models import PaymentCycle


class Command(BaseCommand):
    help = "Make an approved cycle's instruction files and API batches, or send its API batches."
    requires_system_checks = []

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        export = actions.add_parser("export", help="make the cycle's files and API batches")
        export.add_argument("cycle", type=int, help="the cycle's number")
        export.add_argument("--user", required=True, help="who releases the payments (a finance officer)")
        export.add_argument("--out", type=Path, help="also copy every file of the cycle into this folder")
        export.add_argument("--no-progress", action="store_true", help="no progress bar")
        send = actions.add_parser("send", help="send the cycle's waiting batches to providers' APIs")
        send.add_argument("cycle", type=int, help="the cycle's number")
        send.add_argument("--user", help="who releases the payments")

    def handle(self, *args, action: str, cycle: int, user: str | None, **options):
        found = cycle_numbered(cycle)
        acting_user = self._user(user)
        if action == "export":
            self._export(found, acting_user, options["out"], not options["no_progress"])
        else:
            sending = instructions_send(cycle=found, acting_user=acting_user)
            for batch in cycle_batches(cycle=found).filter(submission__isnull=False):
                submission = batch.submission
                self.stdout.write(f"{batch.message_id}  {submission.get_status_display()}  "
                                  f"{submission.attempts} attempts  {submission.provider_reference or ''}  "
                                  f"{submission.last_error}".rstrip())  # fmt: skip
            self.stdout.write(
                f"{sending.accepted} accepted, {sending.refused} refused, {sending.waiting} waiting."
            )
            if sending.waiting:
                raise CommandError("some batches got no answer; run `payment-files send` again (same keys)")

    def _user(self, name: str | None):
        if name is None:
            return None
        acting_user = active_user(name)
        if not acting_user.has_perm("payments.release_payments"):
            raise CommandError(f"{name} may not release payments")
        return acting_user

    def _export(self, cycle: PaymentCycle, acting_user, out: Path | None, bar: bool) -> None:
        if acting_user is None:
            raise CommandError("--user is required")
        try:
            export = instructions_export(cycle=cycle, acting_user=acting_user,
                                         progress=Progress(bar=bar, unit="payments"))  # fmt: skip
        except InstructionsRefused as refusal:
            raise CommandError(" ".join(refusal.messages)) from None
        for batch in export.batches:
            where = batch.file_name or f"{batch.message_id} (API, to be sent)"
            self.stdout.write(f"{where}  {batch.transactions:,} payments  Rs {batch.control_sum:,}.00  "
                              f"{batch.sha256 or '-'}")  # fmt: skip
        self.stdout.write(f"{len(export.batches)} batches of {export.transactions:,} payments made for {cycle}."
                          if export.batches else "Nothing new: every payment of the cycle is already in a batch.")  # fmt: skip
        if out is not None:
            out.mkdir(parents=True, exist_ok=True)
            copied = 0
            for batch in cycle_batches(cycle=cycle).exclude(file_name=""):
                try:
                    path = batch_file_checked(batch=batch)
                except InstructionsRefused as refusal:
                    raise CommandError(" ".join(refusal.messages)) from None
                shutil.copyfile(path, out / path.name)
                (out / f"{path.name}.sha256").write_text(f"{batch.sha256}  {path.name}\n", encoding="utf-8")
                copied += 1
            self.stdout.write(f"{copied} files copied to {out}.")
