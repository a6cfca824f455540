from django.db.models import QuerySet
from django.http import Http404

from ehsaas.core.models import AuditEvent, Job


def jobs_for_user(*, user) -> QuerySet[Job]:
    """Administrators see every job; everyone else sees the jobs they started."""
    jobs = Job.objects.select_related("created_by")
    if user.is_superuser:
        return jobs
    return jobs.filter(created_by=user)


def job_get_for_user(*, user, pk: int) -> Job:
    job = jobs_for_user(user=user).filter(pk=pk).first()
    if job is None:
        raise Http404
    return job


def audit_events_for(*, subject_type: str, subject_id: int) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(subject_type=subject_type, subject_id=subject_id).select_related("actor")
