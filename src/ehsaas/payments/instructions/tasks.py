"""Instructions as background work: the export of an approved cycle (a million payments take most of a
minute, never a web request) and the sending of its API batches, each followed by a Job."""

import traceback

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_tasks import task

from ehsaas.core.models import Job
from ehsaas.core.progress import Progress
from ehsaas.core.services import audit_record, job_create, job_fail, job_start, job_succeed
from ehsaas.payments.choices import SubmissionStatus
from ehsaas.payments.instructions.sending import instructions_send
from ehsaas.payments.instructions.services import instructions_export
from ehsaas.payments.models import PaymentCycle, ProviderSubmission

EXPORT_KIND = "payments.instructions_export"
SEND_KIND = "payments.instructions_send"


def instructions_export_queue(*, cycle: PaymentCycle, acting_user) -> Job:
    """Queue the export of `cycle`'s instructions, followed by a Job."""
    with transaction.atomic():
        job = job_create(kind=EXPORT_KIND, acting_user=acting_user, params={"cycle": cycle.pk},
                         message=str(_("Waiting for the worker")))  # fmt: skip
        audit_record(actor=acting_user, action="payments.instructions_queued", subject=cycle,
                     summary=f"Export of the instructions of {cycle} queued (job {job.pk})")  # fmt: skip
        transaction.on_commit(lambda: export_instructions_job.enqueue(job.pk))
    return job


def instructions_send_queue(*, cycle: PaymentCycle, acting_user) -> Job:
    """Queue the sending of `cycle`'s waiting API batches, followed by a Job."""
    with transaction.atomic():
        job = job_create(kind=SEND_KIND, acting_user=acting_user, params={"cycle": cycle.pk},
                         message=str(_("Waiting for the worker")))  # fmt: skip
        transaction.on_commit(lambda: send_instructions_job.enqueue(job.pk))
    return job


@task()
def export_instructions_job(job_id: int) -> dict:
    """Export as the person who asked; a refusal fails the job with its message. API batches made are
    then sent by a job of their own."""
    job = Job.objects.select_related("created_by").get(pk=job_id)
    cycle = PaymentCycle.objects.get(pk=job.params["cycle"])
    job_start(job=job, message=_("Writing instructions"))
    try:
        export = instructions_export(cycle=cycle, acting_user=job.created_by,
                                     progress=Progress(job=job, unit="payments"))  # fmt: skip
    except ValidationError as refused:
        job_fail(job=job, error=" ".join(refused.messages))
        return {}
    except Exception:
        job_fail(job=job, error=traceback.format_exc())
        raise
    result = {"cycle": cycle.pk, "batches": len(export.batches), "payments": export.transactions,
              "report": "files"}  # fmt: skip
    if export.batches:
        message = _("%(batches)s batches of %(payments)s payments made") % {
            "batches": len(export.batches), "payments": export.transactions}  # fmt: skip
    else:
        message = _("Nothing new to export: every payment is already in a batch")
    job_succeed(job=job, result=result, message=message)
    if ProviderSubmission.objects.filter(batch__cycle=cycle, status=SubmissionStatus.WAITING).exists():
        instructions_send_queue(cycle=cycle, acting_user=job.created_by)
    return result


@task()
def send_instructions_job(job_id: int) -> dict:
    """Send the cycle's waiting API batches (retried with the same idempotency key, see
    submission_send)."""
    job = Job.objects.select_related("created_by").get(pk=job_id)
    cycle = PaymentCycle.objects.get(pk=job.params["cycle"])
    job_start(job=job, message=_("Sending to providers' APIs"))
    try:
        sending = instructions_send(cycle=cycle, acting_user=job.created_by)
    except Exception:
        job_fail(job=job, error=traceback.format_exc())
        raise
    result = {"cycle": cycle.pk, "accepted": sending.accepted, "refused": sending.refused,
              "waiting": sending.waiting, "report": "files"}  # fmt: skip
    message = _("%(accepted)s accepted, %(refused)s refused, %(waiting)s still waiting") % result
    if sending.waiting:
        job_fail(job=job, error=str(message), result=result)
    else:
        job_succeed(job=job, result=result, message=message)
    return result
