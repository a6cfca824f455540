"""Statuses back from providers: the status files (list, upload, a file's counts and problem lines),
providers' callbacks (one payment at a time, signed), and a cycle's reconciliation (page, CSV, closing).
Views parse, check permission, call one service or selector and render."""

import csv
import hashlib
import hmac

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from ehsaas.core.models import Job
from ehsaas.payments.choices import StatusProblemKind
from ehsaas.payments.models import Provider
from ehsaas.payments.statuses.closing import cycle_close
from ehsaas.payments.statuses.selectors import (
    FIGURE_COLUMNS,
    cycle_get_for_user,
    cycle_reconciliation,
    reconciliation_rows,
    status_file_get_for_user,
    status_files_for_user,
)
from ehsaas.payments.statuses.services import StatusRefused, callback_secret, status_callback_apply
from ehsaas.payments.statuses.tasks import status_file_start

SIGNATURE_HEADER = "X-Ehsaas-Signature"
UPLOAD_LIMIT = 512 * 1024 * 1024
PROBLEMS_SHOWN = 500


class StatusFileForm(forms.Form):
    provider = forms.ModelChoiceField(
        label=_("Provider"), queryset=Provider.objects.filter(active=True).exclude(instruction_format="none"),
        to_field_name="code", widget=forms.Select(attrs={"class": "form-select"}),
    )  # fmt: skip
    file = forms.FileField(
        label=_("Status file"), help_text=_("pain.002 (XML) or the provider's CSV with its TOTAL line"),
        widget=forms.ClearableFileInput(attrs={"class": "form-control"}),
    )  # fmt: skip

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > UPLOAD_LIMIT:
            raise ValidationError(_("The file is larger than 512 MB."))
        return upload


@login_required
def status_file_list(request: HttpRequest) -> HttpResponse:
    files = status_files_for_user(user=request.user)
    form = StatusFileForm()
    if request.method == "POST":
        if not request.user.has_perm("payments.release_payments"):
            raise PermissionDenied
        form = StatusFileForm(request.POST, request.FILES)
        if form.is_valid():
            job = status_file_start(acting_user=request.user, provider=form.cleaned_data["provider"],
                                    upload=form.cleaned_data["file"])  # fmt: skip
            return redirect("job_detail", job.pk)
    return render(request, "payments/statuses/list.html", {"files": files[:200], "form": form})


@login_required
def status_file_detail(request: HttpRequest, pk: int) -> HttpResponse:
    status_file = status_file_get_for_user(user=request.user, pk=pk)
    problems = status_file.problem_lines.all()[:PROBLEMS_SHOWN]
    return render(request, "payments/statuses/detail.html", {
        "status_file": status_file, "problems": problems, "shown": PROBLEMS_SHOWN,
    })  # fmt: skip


@login_required
def status_file_of_job(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(Job, pk=pk, kind="payments.status_file")
    if "status_file" not in (job.result or {}):
        raise Http404
    return redirect("payments:status_file", job.result["status_file"])


@login_required
def reconciliation(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = cycle_get_for_user(user=request.user, pk=pk)
    report = cycle_reconciliation(cycle=cycle)
    if request.GET.get("format") == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="reconciliation-{cycle.programme.code}-{cycle.period}.csv"'
        )
        csv.writer(response).writerows(reconciliation_rows(report))
        return response
    return render(request, "payments/statuses/reconciliation.html", {
        "cycle": cycle, "report": report, "columns": FIGURE_COLUMNS,
    })  # fmt: skip


@login_required
@require_POST
def cycle_close_view(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = cycle_get_for_user(user=request.user, pk=pk)
    if not request.user.has_perm("payments.release_payments"):
        raise PermissionDenied
    try:
        cycle_close(cycle=cycle, acting_user=request.user)
    except StatusRefused as refused:
        messages.error(request, " ".join(refused.messages))
    else:
        messages.success(request, _g("%(cycle)s is closed.") % {"cycle": cycle})
    return redirect("payments:reconciliation", cycle.pk)


# A callback's outcome and the HTTP status it is answered with.
CALLBACK_STATUS = {
    StatusProblemKind.UNKNOWN_PAYMENT.value: 404,
    StatusProblemKind.OTHER_PROVIDER.value: 404,
    StatusProblemKind.UNREADABLE.value: 400,
    StatusProblemKind.WRONG_AMOUNT.value: 409,
    StatusProblemKind.CONFLICT.value: 409,
    StatusProblemKind.DUPLICATE.value: 409,
}


def _signed(request: HttpRequest, secret: str) -> bool:
    expected = hmac.new(secret.encode(), request.body, hashlib.sha256).hexdigest()
    given = request.headers.get(SIGNATURE_HEADER, "").strip().lower().removeprefix("sha256=")
    return hmac.compare_digest(expected, given)


@csrf_exempt
@require_POST
def callback(request: HttpRequest, code: str) -> JsonResponse:
    """A provider's report of one payment, signed with HMAC-SHA256 of the body under its secret in the
    header X-Ehsaas-Signature (hex, "sha256=" in front allowed)."""
    provider = Provider.objects.filter(code=code, active=True).first()
    if provider is None:
        return JsonResponse({"error": "unknown_provider", "message": _g("No such provider.")}, status=404)
    secret = callback_secret(provider.code)
    if not secret or not _signed(request, secret):
        return JsonResponse(
            {"error": "bad_signature", "message": _g("The signature does not match.")}, status=403
        )
    try:
        applied = status_callback_apply(provider=provider, body=request.body)
    except StatusRefused as refused:
        return JsonResponse({"error": "bad_request", "message": " ".join(refused.messages)}, status=400)
    status = CALLBACK_STATUS.get(applied.outcome, 200)
    body = {"outcome": applied.outcome, "already_applied": applied.already_applied}
    if status != 200:
        body |= {"error": applied.outcome, "message": str(StatusProblemKind(applied.outcome).label),
                 "detail": applied.detail}  # fmt: skip
    return JsonResponse(body, status=status)
