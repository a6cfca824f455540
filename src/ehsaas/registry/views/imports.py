from pathlib import Path

from django.contrib.auth.decorators import login_required, permission_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from ehsaas.core.selectors import job_get_for_user, jobs_for_user
from ehsaas.registry.forms.imports import ImportForm
from ehsaas.registry.imports.contract import (
    HOUSEHOLD_COLUMNS,
    HOUSEHOLD_REQUIRED,
    MEMBER_COLUMNS,
    MEMBER_REQUIRED,
)
from ehsaas.registry.services.imports import JOB_KIND, registry_import_start


@login_required
@permission_required("registry.import_registry", raise_exception=True)
def upload(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = registry_import_start(
            acting_user=request.user,
            households=form.cleaned_data["households"],
            members=form.cleaned_data["members"],
        )
        return redirect("job_detail", pk=job.pk)
    context = {
        "form": form,
        "recent": jobs_for_user(user=request.user).filter(kind=JOB_KIND)[:10],
        "household_columns": [(c, c in HOUSEHOLD_REQUIRED) for c in HOUSEHOLD_COLUMNS],
        "member_columns": [(c, c in MEMBER_REQUIRED) for c in MEMBER_COLUMNS],
    }
    return render(request, "registry/imports/upload.html", context)


@login_required
@permission_required("registry.import_registry", raise_exception=True)
def report(request: HttpRequest, pk: int) -> FileResponse:
    job = job_get_for_user(user=request.user, pk=pk)
    if job.kind != JOB_KIND or not job.result.get("report"):
        raise Http404
    path = Path(job.params["folder"]) / job.result["report"]
    if not path.is_file():
        raise Http404
    return FileResponse(path.open("rb"), as_attachment=True, filename=f"import-{job.pk}-rejects.csv")
