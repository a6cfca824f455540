from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from ehsaas.core.selectors import job_get_for_user, jobs_for_user


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers and monitors: 200 while the process runs, with whether the database answered."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            database_ok = cursor.fetchone() == (1,)
    except Exception:
        database_ok = False
    return JsonResponse({"status": "ok" if database_ok else "degraded", "database": database_ok})


@login_required
def job_list(request: HttpRequest) -> HttpResponse:
    return render(request, "core/job_list.html", {"jobs": jobs_for_user(user=request.user)[:100]})


@login_required
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The full page, or (for htmx polling) just the progress panel."""
    job = job_get_for_user(user=request.user, pk=pk)
    template = "core/_job_progress.html" if request.htmx else "core/job_detail.html"
    return render(request, template, {"job": job})
