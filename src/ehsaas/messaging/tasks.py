"""Sending as background work: a job that drains the due messages through the configured gateway,
woken when messages are queued, and queued again for the time the next retry falls due.

A job sends for at most SLICE_SECONDS, then queues the next one behind whatever else waits: the worker
runs imports, scoring and enrolment runs too, and a long queue sent at the gateway's slow rate must not
hold them back for hours."""

import time
import traceback
from collections.abc import Callable
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
from ehsaas.messaging.sending import due_count, messages_send_due, next_due_at

SEND_KIND = "messaging.send"
SLICE_SECONDS = 60


def _time_is_up(seconds: float) -> Callable[[], bool]:
    """Asked before each batch: no on the first (each job sends at least one batch), then whether
    `seconds` have passed."""
    deadline, asked = time.monotonic() + seconds, []

    def up() -> bool:
        first = not asked
        asked.append(True)
        return not first and time.monotonic() >= deadline

    return up


@task()
def send_messages_job(job_id: int) -> dict:
    job = Job.objects.get(pk=job_id)
    try:
        result = messages_send_due(
            gateway=gateway_from_settings(), progress=Progress(job=job, unit="messages"),
            until=_time_is_up(SLICE_SECONDS),
        )  # fmt: skip
    except Exception:
        job_fail(job=job, error=traceback.format_exc())
        raise
    job_succeed(job=job, result=result.as_dict(), message=_("%(sent)s sent, %(retried)s to try again, "
                "%(failed)s failed") % result.as_dict())  # fmt: skip
    if due_count():  # the slice ran out: the rest after the jobs queued meanwhile
        sending_wake()
    else:
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
