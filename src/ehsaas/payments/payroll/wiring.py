"""What the payroll part of payments registers when Django starts: the payroll job's kind (its label,
the figures it reports and the cycle it leads to) and the demo's payroll; called from PaymentsConfig.ready."""

from django.utils.translation import gettext_lazy as _

from ehsaas.core.demo import DemoStep, register_demo_step
from ehsaas.core.jobs import JobKind, register_job_kind
from ehsaas.payments.payroll.demo import demo_payroll
from ehsaas.payments.payroll.tasks import GENERATE_KIND


def connect() -> None:
    register_job_kind(
        GENERATE_KIND,
        JobKind(
            label=_("Payroll generated"),
            result_labels={"cycle": _("Cycle"), "payments": _("Payments"), "amount": _("Total (Rs)")},
            report_url_name="payments:cycle_of_job",
            report_label=_("Review the payroll"),
        ),
    )
    # After the points and accounts (45), before the instructions (55).
    register_demo_step(DemoStep("payments.payroll", demo_payroll, order=50))
