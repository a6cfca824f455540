"""Sending as background work: a job that drains the due messages through the configured gateway,
woken when messages are queued, and queued again for the time the next retry falls due."""

import traceback
from datetime import datetime

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django_tasks import task

from ehsaas.core.choices import JobStatus
from ehsaas.core.models import Job
from ehsaas.core.progress import Progress
from ehsaas.core.services import job_create, job_fail, job_succeed
from ehsaas.messaging.gateways import gateway_from_settings
from ehsaas.messaging.sending import messages_send_due, next_due_at

SEND_KIND = "messaging.send"


@task()
def send_messages_job(job_id: int) -> dict:
    job = Job.objects.get(pk=job_id)
    try:
        result = messages_send_due(
            gateway=gateway_from_settings(), progress=Progress(job=job, unit="messages")
        )
    except Exception:
        job_fail(job=job, error=traceback.format_exc())
        raise
    job_succeed(job=job, result=result.as_dict(), message=_("%(sent)s sent, %(retried)s to try again, "
                "%(failed)s failed") % result.as_dict())  # fmt: skip
    later = next_due_at()
    if later is not None:
        send_later(later)
    return result.as_dict()


def _waiting() -> QuerySet[Job]:
    return Job.objects.filter(kind=SEND_KIND, status=JobStatus.QUEUED, started_at__isnull=True)


def send_later(when: datetime) -> Job | None:
    """A send job that starts when `when` has come (the next retry), unless one is already set for then."""
    after = when.isoformat()
    if _waiting().filter(params__after=after).exists():
        return None
    job = job_create(kind=SEND_KIND, acting_user=None, params={"after": after},
                     message=str(_("Waiting for the next attempt")))  # fmt: skip
    send_messages_job.using(run_after=when).enqueue(job.pk)
    return job


def sending_wake() -> Job | None:
    """Make sure a send job will run soon: queue one unless one is already waiting to start (a running
    one may have looked at the queue before the newest messages committed, so it does not count)."""
    if _waiting().exclude(params__has_key="after").exists():
        return None
    with transaction.atomic():
        job = job_create(
            kind=SEND_KIND, acting_user=None, params={}, message=str(_("Waiting for the worker"))
        )
        transaction.on_commit(lambda: send_messages_job.enqueue(job.pk))
    return job
