"""The demo's step: every approved cycle's instructions made (the banks' pain.001 files, the JazzCash
CSV, Easypaisa's API batches) and the API batches sent to the simulated provider, as the demo's finance
officer who releases payments."""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from ehsaas.payments.choices import CycleStatus
from ehsaas.payments.instructions.sending import instructions_send
from ehsaas.payments.instructions.services import InstructionsRefused, instructions_export
from ehsaas.payments.models import PaymentCycle

RELEASER = "finance"


def demo_instructions() -> str:
    releaser = get_user_model().objects.filter(username=RELEASER).first()
    if releaser is None:
        return _("The demo finance officer is missing: no instructions made.")
    made = sent = 0
    for cycle in PaymentCycle.objects.filter(status=CycleStatus.APPROVED):
        try:
            made += len(instructions_export(cycle=cycle, acting_user=releaser).batches)
        except InstructionsRefused as refusal:
            return " ".join(refusal.messages)
        sent += instructions_send(cycle=cycle, acting_user=releaser, sleep=lambda _seconds: None).accepted
    if not made:
        return _("No approved cycle waits for instructions.")
    return _("Made %(made)s instruction batches (files for the banks and JazzCash); %(sent)s sent to Easypaisa's "
             "API (simulated).") % {"made": made, "sent": sent}  # fmt: skip
