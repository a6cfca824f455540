"""The registry import as a background job, for imports started from the browser."""

import traceback
from pathlib import Path

from django_tasks import task

from ehsaas.core.models import Job
from ehsaas.core.progress import Progress
from ehsaas.core.services import job_fail, job_succeed
from ehsaas.registry.imports import UnusableFile, registry_import


@task()
def import_registry(job_id: int) -> dict:
    job = Job.objects.select_related("created_by").get(pk=job_id)
    folder = Path(job.params["folder"])
    report = folder / "rejects.csv"
    try:
        result = registry_import(
            households=folder / job.params["households"],
            members=folder / job.params["members"] if job.params.get("members") else None,
            acting_user=job.created_by,
            job=job,
            progress=Progress(job=job, unit="rows"),
            report=report,
        )
    except UnusableFile as error:
        job_fail(job=job, error=str(error))
        return {"unusable": str(error)}
    except Exception:
        # The job page must say the run failed; the worker records the failure too.
        job_fail(job=job, error=traceback.format_exc())
        raise
    summary = {**result.as_dict(), "report": "rejects.csv" if result.problems else ""}
    job_succeed(job=job, result=summary)
    return summary
