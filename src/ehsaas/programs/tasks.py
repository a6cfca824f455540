"""Programmes as background work: an enrolment run, computed by the worker while the browser follows
its Job."""

import traceback

from django.utils.translation import gettext as _
from django_tasks import task

from ehsaas.core.models import Job
from ehsaas.core.progress import Progress
from ehsaas.core.services import job_fail, job_succeed
from ehsaas.programs.choices import RunStatus
from ehsaas.programs.enrolment import enrolment_compute
from ehsaas.programs.models import EnrolmentRun

ENROLMENT_KIND = "programs.enrol"


@task()
def compute_enrolment_job(job_id: int) -> dict:
    job = Job.objects.get(pk=job_id)
    run = EnrolmentRun.objects.select_related("programme").get(pk=job.params["run"])
    if run.status != RunStatus.COMPUTING:  # superseded while it waited
        job_succeed(job=job, result={"run": run.pk}, message=_("Superseded by a newer run"))
        return {"run": run.pk}
    try:
        enrolment_compute(run, progress=Progress(job=job, unit="households"))
    except Exception:
        EnrolmentRun.objects.filter(pk=run.pk).update(status=RunStatus.FAILED)
        job_fail(job=job, error=traceback.format_exc())
        raise
    result = {"run": run.pk, "eligible": run.eligible, "joining": run.joining, "leaving": run.leaving,
              "report": "run"}  # fmt: skip
    job_succeed(
        job=job, result=result,
        message=_("%(joining)s newly qualify, %(leaving)s no longer do") % {"joining": run.joining, "leaving": run.leaving},
    )  # fmt: skip
    return result
