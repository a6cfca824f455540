"""Duplicate detection as a background job: the task the worker runs for a Job row that
`duplicate_detection_start` created. Progress is written to the Job for the browser to follow."""

import traceback

from django.utils.translation import gettext as _
from django_tasks import task

from ehsaas.core.models import Job
from ehsaas.core.progress import Progress
from ehsaas.core.services import job_fail, job_succeed
from ehsaas.registry.duplicates import MIN_SCORE, duplicates_find


@task()
def find_duplicates(job_id: int) -> dict:
    job = Job.objects.get(pk=job_id)
    progress = Progress(job=job, unit="members")
    try:
        result = duplicates_find(progress=progress, min_score=int(job.params.get("min_score", MIN_SCORE)))
    except Exception:
        # The job page must say the run failed; the worker records the failure too.
        job_fail(job=job, error=traceback.format_exc())
        raise
    summary = result.as_dict()
    job_succeed(
        job=job,
        result=summary,
        message=_("%(count)s new pairs of likely duplicates") % {"count": result.new_pairs},
    )
    return summary
