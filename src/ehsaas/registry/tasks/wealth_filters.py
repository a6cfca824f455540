"""Wealth filters as background work: importing a list started from the browser (a Job the browser
follows), and matching the current lists against households registered or changed since."""

import traceback
from datetime import date, datetime

from django.utils.translation import gettext as _
from django_tasks import task

from ehsaas.core.models import Job
from ehsaas.core.progress import Progress
from ehsaas.core.services import job_fail, job_succeed
from ehsaas.registry.choices import WealthListStatus
from ehsaas.registry.models import WealthList
from ehsaas.registry.wealth.files import WealthListRefused
from ehsaas.registry.wealth.importing import wealth_flags_refresh, wealth_list_import


@task()
def import_wealth_list(job_id: int) -> dict:
    job = Job.objects.select_related("created_by").get(pk=job_id)
    params = job.params
    try:
        result = wealth_list_import(
            path=params["path"],
            source=params["source"],
            agency=params["agency"],
            as_of=date.fromisoformat(params["as_of"]),
            acting_user=job.created_by,
            file_name=params.get("file_name", ""),
            progress=Progress(job=job, unit="lines"),
        )
    except WealthListRefused as error:
        job_fail(job=job, error=str(error))
        return {"refused": str(error)}
    except Exception:
        # The job page must say the run failed; the worker records the failure too.
        job_fail(job=job, error=traceback.format_exc())
        raise
    summary = result.as_dict()
    job_succeed(
        job=job,
        result=summary,
        message=_("%(households)s households flagged") % {"households": result.households_flagged},
    )
    return summary


@task()
def refresh_wealth_flags(household_ids: list[int] | None = None, since: str | None = None) -> dict:
    """`since` is an ISO timestamp (task arguments travel as JSON)."""
    return wealth_flags_refresh(
        household_ids=household_ids, since=datetime.fromisoformat(since) if since else None
    )


def on_households_changed(*, household_ids=None, since=None, **_payload) -> None:
    """Subscriber of HOUSEHOLDS_CHANGED: queue the matching of the current lists against the households
    named (or updated since `since`). Nothing is queued while there is no list to match."""
    if not WealthList.objects.filter(status=WealthListStatus.CURRENT).exists():
        return
    refresh_wealth_flags.enqueue(
        household_ids=list(household_ids) if household_ids is not None else None,
        since=since.isoformat() if since is not None else None,
    )
