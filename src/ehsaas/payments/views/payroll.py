"""Payroll pages: the payment cycles by programme (opening one), a cycle with its generation, review,
approval and payments. Views parse the request, check permission, call one selector or service and
render; who may do what is the services' and selectors' to say."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ehsaas.core.selectors import job_get_for_user
from ehsaas.payments.payroll import services
from ehsaas.payments.payroll.forms import ApprovalForm, CycleOpenForm, PaymentFilterForm
from ehsaas.payments.payroll.selectors import (
    cycle_get_for_user,
    cycle_of_job,
    cycles_for_user,
    generation_stopped,
    payments_of_cycle,
    payroll_review,
)

PAGE = 50
REVIEWED = ("review", "approved", "closed")


@login_required
def cycle_list(request: HttpRequest) -> HttpResponse:
    cycles = cycles_for_user(user=request.user).order_by("programme__name_en", "-created_at")
    form = CycleOpenForm() if request.user.has_perm("payments.generate_payroll") else None
    return render(request, "payments/payroll/list.html", {"cycles": cycles[:200], "form": form})


@login_required
@require_POST
def cycle_open(request: HttpRequest) -> HttpResponse:
    cycles = cycles_for_user(user=request.user).order_by("programme__name_en", "-created_at")
    form = CycleOpenForm(request.POST)
    if form.is_valid():
        try:
            cycle = services.cycle_open(acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Cycle %(cycle)s opened.") % {"cycle": cycle})
            return redirect("payments:cycle", pk=cycle.pk)
    return render(request, "payments/payroll/list.html", {"cycles": cycles[:200], "form": form}, status=400)


@login_required
def cycle_detail(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = cycle_get_for_user(user=request.user, pk=pk)
    user = request.user
    review = payroll_review(user=user, cycle=cycle) if cycle.status in REVIEWED else None
    districts = [row["district"] for row in review.by_district] if review else []
    filters = PaymentFilterForm(request.GET or None, districts=districts)
    chosen = filters.cleaned_data if filters.is_valid() else {}
    payments = payments_of_cycle(user=user, cycle=cycle, status=chosen.get("status", ""),
                                 channel=chosen.get("channel", ""), district=chosen.get("district"),
                                 reference=chosen.get("reference", ""))  # fmt: skip
    page = Paginator(payments, PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "payments/payroll/cycle.html", {
        "cycle": cycle, "review": review, "filters": filters, "page": page, "query": query.urlencode(),
        "job": cycle.job, "stopped": generation_stopped(cycle), "stopped_message": services.MSG_STOPPED,
        "may_generate": not cycle.frozen and user.has_perm("payments.generate_payroll"),
        "may_approve": cycle.status == "review" and user.has_perm("payments.approve_payroll"),
        "generated_it": cycle.generated_by_id == user.pk, "form": ApprovalForm(),
        "own_approval": services.MSG_OWN_APPROVAL,
    })  # fmt: skip


@login_required
@require_POST
def cycle_generate(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = cycle_get_for_user(user=request.user, pk=pk)
    try:
        services.payroll_generate_queue(cycle=cycle, acting_user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("payments:cycle", pk=cycle.pk)


@login_required
@require_POST
def cycle_approve(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = cycle_get_for_user(user=request.user, pk=pk)
    form = ApprovalForm(request.POST)
    if form.is_valid():
        try:
            services.cycle_approve(cycle=cycle, acting_user=request.user, note=form.cleaned_data["note"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Payroll %(cycle)s approved.") % {"cycle": cycle})
    return redirect("payments:cycle", pk=cycle.pk)


@login_required
def cycle_of_job_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The cycle a payroll job generated (a job's page links to its report by the job's number)."""
    cycle = cycle_of_job(user=request.user, job=job_get_for_user(user=request.user, pk=pk))
    return redirect("payments:cycle", pk=cycle.pk)
