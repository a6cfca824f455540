"""What the statuses part of payments registers when Django starts: the kind of the job that applies a
status file, and the demo's statuses and cash collected; called from PaymentsConfig.ready."""

from django.utils.translation import gettext_lazy as _

from ehsaas.core.demo import DemoStep, register_demo_step
from ehsaas.core.jobs import JobKind, register_job_kind
from ehsaas.payments.statuses.demo import demo_statuses
from ehsaas.payments.statuses.tasks import STATUS_FILE_KIND


def connect() -> None:
    register_job_kind(
        STATUS_FILE_KIND,
        JobKind(
            label=_("Status file applied"),
            result_labels={
                "rows": _("Lines"),
                "paid": _("Paid"),
                "failed": _("Failed"),
                "unchanged": _("Already applied"),
                "problems": _("Reported, not applied"),
            },
            report_url_name="payments:status_file_of_job",
            report_label=_("See the file's counts and problem lines"),
        ),
    )
    # After the instructions are made (55).
    register_demo_step(DemoStep("payments.statuses", demo_statuses, order=60))
