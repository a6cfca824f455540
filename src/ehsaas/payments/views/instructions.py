"""The instruction files of a cycle: its batches per provider (count, control total, SHA-256, API answer),
the export and the sending to providers' APIs (as jobs), and each file's download, served as it was
made after its SHA-256 is checked. Views parse, check permission, call one service or selector."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from ehsaas.core.models import Job
from ehsaas.payments.choices import CycleStatus, SubmissionStatus
from ehsaas.payments.instructions.services import (
    InstructionsRefused,
    batch_file_checked,
    batch_get_for_release,
    cycle_batches,
    cycle_get_for_files,
    cycle_pending_count,
)
from ehsaas.payments.instructions.tasks import (
    EXPORT_KIND,
    SEND_KIND,
    instructions_export_queue,
    instructions_send_queue,
)

CONTENT_TYPES = {"xml": "application/xml", "csv": "text/csv; charset=utf-8"}


@login_required
def cycle_files(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = cycle_get_for_files(user=request.user, pk=pk)
    batches = list(cycle_batches(cycle=cycle))
    providers: dict = {}
    for batch in batches:
        providers.setdefault(batch.provider, []).append(batch)
    return render(request, "payments/instructions/files.html", {
        "cycle": cycle, "providers": providers.items(), "pending": cycle_pending_count(cycle=cycle),
        "approved": cycle.status == CycleStatus.APPROVED,
        "may_release": request.user.has_perm("payments.release_payments"),
        "waiting": any(getattr(b, "submission", None) and b.submission.status == SubmissionStatus.WAITING
                       for b in batches),
    })  # fmt: skip


def _releasable(request: HttpRequest, pk: int):
    if not request.user.has_perm("payments.release_payments"):
        raise PermissionDenied
    return cycle_get_for_files(user=request.user, pk=pk)


@login_required
@require_POST
def export(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = _releasable(request, pk)
    if cycle.status != CycleStatus.APPROVED:
        messages.error(
            request, InstructionsRefused.NOT_APPROVED % {"status": cycle.get_status_display().lower()}
        )
        return redirect("payments:cycle_files", pk=cycle.pk)
    job = instructions_export_queue(cycle=cycle, acting_user=request.user)
    return redirect("job_detail", pk=job.pk)


@login_required
@require_POST
def send(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = _releasable(request, pk)
    job = instructions_send_queue(cycle=cycle, acting_user=request.user)
    return redirect("job_detail", pk=job.pk)


@login_required
def download(request: HttpRequest, pk: int) -> HttpResponse:
    batch = batch_get_for_release(user=request.user, pk=pk)
    try:
        path = batch_file_checked(batch=batch)
    except InstructionsRefused as refusal:
        messages.error(request, " ".join(refusal.messages))
        return redirect("payments:cycle_files", pk=batch.cycle_id)
    response = FileResponse(path.open("rb"), as_attachment=True, filename=path.name,
                            content_type=CONTENT_TYPES.get(path.suffix.lstrip("."), "application/octet-stream"))  # fmt: skip
    response["Digest"] = f"sha-256={batch.sha256}"
    return response


@login_required
def files_of_job(request: HttpRequest, pk: int) -> HttpResponse:
    """The files page of the cycle an export or send job worked on (a job's page links here)."""
    job = get_object_or_404(Job, pk=pk, kind__in=[EXPORT_KIND, SEND_KIND])
    if "cycle" not in job.params:
        raise Http404
    return redirect("payments:cycle_files", pk=job.params["cycle"])
