"""Statuses as background work: a status file uploaded in the browser applied by the worker while its
Job shows the progress; and the daily marking of payments not collected in time as unclaimed."""

import traceback
import uuid
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from ehsaas.core.models import Job
from ehsaas.core.progress import Progress
from ehsaas.core.services import audit_record, job_create, job_fail, job_start, job_succeed
from ehsaas.payments.models import Provider, StatusFile
from ehsaas.payments.statuses.closing import payments_expire
from ehsaas.payments.statuses.readers import StatusFileRefused
from ehsaas.payments.statuses.services import MSG_NO_PERMISSION, StatusRefused, status_file_apply

STATUS_FILE_KIND = "payments.status_file"
UPLOAD_FOLDER = "status-files"


@transaction.atomic
def status_file_start(*, acting_user, provider: Provider, upload: UploadedFile) -> Job:
    """Keep the uploaded file on disk for the worker and queue its application, followed by a Job."""
    if not acting_user.has_perm("payments.release_payments"):
        raise StatusRefused(MSG_NO_PERMISSION)
    folder = Path(settings.MEDIA_ROOT) / UPLOAD_FOLDER / uuid.uuid4().hex
    folder.mkdir(parents=True)
    target = folder / "status"
    with target.open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    job = job_create(
        kind=STATUS_FILE_KIND, acting_user=acting_user, message=_("Waiting for the worker"),
        params={"provider": provider.code, "path": str(target), "file_name": upload.name[:200]},
    )  # fmt: skip
    audit_record(actor=acting_user, action="payments.status_file_started", subject=job,
                 summary=f"{provider.code} status file {upload.name} queued")  # fmt: skip
    transaction.on_commit(lambda: apply_status_file_job.enqueue(job.pk))
    return job


@task()
def apply_status_file_job(job_id: int) -> dict:
    job = Job.objects.select_related("created_by").get(pk=job_id)
    provider = Provider.objects.get(code=job.params["provider"])
    job_start(job=job, message=_("Reading %(file)s") % {"file": job.params["file_name"]})
    try:
        with open(job.params["path"], "rb") as content:
            applied = status_file_apply(
                provider=provider, content=content, file_name=job.params["file_name"],
                acting_user=job.created_by, progress=Progress(job=job, unit="lines"),
            )  # fmt: skip
    except (StatusFileRefused, ValidationError) as refused:
        job_fail(
            job=job,
            error=refused.message if isinstance(refused, StatusFileRefused) else " ".join(refused.messages),
        )
        return {}
    except Exception:
        job_fail(job=job, error=traceback.format_exc())
        raise
    status_file = applied.status_file
    if not applied.already_applied:
        StatusFile.objects.filter(pk=status_file.pk).update(job=job)
    result = {"status_file": status_file.pk, "rows": status_file.rows, "paid": status_file.paid,
              "failed": status_file.failed, "unchanged": status_file.unchanged, "problems": status_file.problems}  # fmt: skip
    if applied.already_applied:
        message = _("This file was applied on %(date)s; nothing changed.") % {
            "date": timezone.localtime(status_file.received_at).strftime("%Y-%m-%d %H:%M")
        }
    else:
        message = _("%(paid)s paid, %(failed)s failed, %(problems)s reported") % result
    job_succeed(job=job, result=result, message=message)
    return result


@task()
def expire_payments() -> dict:
    """Daily: payments of approved cycles not paid or collected by their deadline become unclaimed."""
    return payments_expire(today=timezone.localdate())
