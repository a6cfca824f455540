"""Writes of the core app. Every service that changes a record also writes an AuditEvent in the
same transaction, through `audit_record`."""

from django.db import models
from django.utils import timezone

from ehsaas.core.choices import JobStatus
from ehsaas.core.models import AuditEvent, Job


def audit_record(
    *,
    actor,
    action: str,
    subject: models.Model,
    summary: str,
    reason: str = "",
    changes: dict | None = None,
) -> AuditEvent:
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        subject_type=subject._meta.label_lower,
        subject_id=subject.pk,
        summary=str(summary)[:300],
        reason=reason,
        changes=changes or {},
    )


def job_create(*, kind: str, acting_user, params: dict, message: str = "") -> Job:
    return Job.objects.create(
        kind=kind,
        created_by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
        params=params,
        message=message,
    )


def job_start(*, job: Job, total: int = 0, message: str = "") -> None:
    """Mark a job running; called again when a job enters its next phase (progress restarts at 0)."""
    job.status, job.total, job.done, job.message = JobStatus.RUNNING, total, 0, message
    job.started_at = job.started_at or timezone.now()
    job.save(update_fields=["status", "started_at", "total", "done", "message"])


def job_progress(*, job: Job, done: int, total: int | None = None, message: str | None = None) -> None:
    job.done = done
    fields = ["done"]
    if total is not None:
        job.total = total
        fields.append("total")
    if message is not None:
        job.message = message[:300]
        fields.append("message")
    job.save(update_fields=fields)


def job_succeed(*, job: Job, result: dict, message: str = "") -> None:
    job.status, job.finished_at, job.result = JobStatus.SUCCEEDED, timezone.now(), result
    job.done = max(job.done, job.total)
    job.message = message[:300]
    job.save(update_fields=["status", "finished_at", "result", "done", "message"])


def job_fail(*, job: Job, error: str, result: dict | None = None) -> None:
    job.status, job.finished_at, job.error = JobStatus.FAILED, timezone.now(), error
    job.result = result or job.result
    job.message = error.splitlines()[0][:300] if error else ""
    job.save(update_fields=["status", "finished_at", "error", "result", "message"])
