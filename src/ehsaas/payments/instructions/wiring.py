"""What the instructions part of payments registers when Django starts: the kinds of its export and
send jobs, and the demo's step making the approved cycles' instructions; called from
PaymentsConfig.ready."""

from django.utils.translation import gettext_lazy as _

from ehsaas.core.demo import DemoStep, register_demo_step
from ehsaas.core.jobs import JobKind, register_job_kind
from ehsaas.payments.instructions.demo import demo_instructions
from ehsaas.payments.instructions.tasks import EXPORT_KIND, SEND_KIND


def connect() -> None:
    register_job_kind(
        EXPORT_KIND,
        JobKind(
            label=_("Payment instructions exported"),
            result_labels={"batches": _("Batches made"), "payments": _("Payments instructed")},
            report_url_name="payments:files_of_job",
            report_label=_("See the files and download them"),
        ),
    )
    register_job_kind(
        SEND_KIND,
        JobKind(
            label=_("Payment instructions sent to providers' APIs"),
            result_labels={"accepted": _("Accepted"), "refused": _("Refused"), "waiting": _("Still waiting")},
            report_url_name="payments:files_of_job",
            report_label=_("See the batches and their answers"),
        ),
    )
    # After the payroll is generated and approved.
    register_demo_step(DemoStep("payments.instructions", demo_instructions, order=55))
