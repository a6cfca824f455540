"""Complaints as background work: the SLA timer, queued by whatever runs the worker on a schedule (the
same work as `ehsaas grievances escalate`, which a system timer runs)."""

from django_tasks import task

from ehsaas.grievances.services.escalation import complaints_escalate


@task()
def escalate_complaints() -> dict:
    figures = complaints_escalate()
    return {"warned": figures.warned, "escalated": figures.escalated}
