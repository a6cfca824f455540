"""Pages for likely duplicates: the pairs found, side by side with their score and reasons; starting a
detection run as a job; and merging or dismissing a pair."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ehsaas.core.identity import format_mobile, mask_cnic
from ehsaas.registry import choices as c
from ehsaas.registry.duplicates import (
    duplicate_candidate_get_for_user,
    duplicate_candidates_for_user,
    reason_text,
)
from ehsaas.registry.forms.duplicates import DismissForm, MergeForm
from ehsaas.registry.services.duplicates import (
    DuplicateDecisionError,
    duplicate_detection_start,
    duplicate_dismiss,
    duplicate_merge,
)

PAGE_SIZE = 25


@login_required
@require_http_methods(["GET", "POST"])
def duplicate_list(request: HttpRequest) -> HttpResponse:
    """The pairs to review (open by default), or, on POST, start a detection run and follow its job."""
    candidates = duplicate_candidates_for_user(user=request.user)
    if request.method == "POST":
        job = duplicate_detection_start(acting_user=request.user)
        return redirect("job_detail", pk=job.pk)
    status = request.GET.get("status") or c.DuplicateStatus.OPEN
    if status in c.DuplicateStatus.values:
        candidates = candidates.filter(status=status)
    candidates = candidates.prefetch_related("member_a__identifiers", "member_b__identifiers")
    page = Paginator(candidates, PAGE_SIZE).get_page(request.GET.get("page"))
    for pair in page:
        pair.reason_texts = [reason_text(r) for r in pair.reasons]
        _show_ids(pair.member_a, pair.member_b)
    context = {"page": page, "status": status, "statuses": c.DuplicateStatus.choices}
    template = "registry/duplicates/_pairs.html" if request.htmx else "registry/duplicates/list.html"
    return render(request, template, context)


@login_required
@require_http_methods(["GET", "POST"])
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One pair in full, with the merge (choose who stays) and dismiss (say why) forms."""
    candidate = duplicate_candidate_get_for_user(user=request.user, pk=pk)
    merge_form, dismiss_form = MergeForm(candidate=candidate), DismissForm()
    decision = request.POST.get("decision")
    if request.method == "POST" and decision in ("merge", "dismiss"):
        form = (
            MergeForm(request.POST, candidate=candidate) if decision == "merge" else DismissForm(request.POST)
        )
        if form.is_valid():
            try:
                _decide(request, candidate, decision, form.cleaned_data)
            except DuplicateDecisionError as error:
                form.add_error(None, error)
            else:
                return redirect("registry:duplicates")
        merge_form, dismiss_form = (form, dismiss_form) if decision == "merge" else (merge_form, form)
    _show_ids(candidate.member_a, candidate.member_b)
    context = {
        "pair": candidate,
        "reasons": [reason_text(r) for r in candidate.reasons],
        "members": [candidate.member_a, candidate.member_b],
        "merge_form": merge_form,
        "dismiss_form": dismiss_form,
    }
    return render(request, "registry/duplicates/detail.html", context)


def _show_ids(*members) -> None:
    """Active ID numbers, masked (enough to compare two records without showing whole numbers), and the
    phone number as people write it."""
    for member in members:
        member.shown_phone = format_mobile(member.phone) if member.phone.startswith("+92") else member.phone
        member.shown_ids = [
            (identifier.get_id_type_display(), mask_cnic(identifier.number))
            for identifier in member.identifiers.all()
            if identifier.active
        ]


def _decide(request: HttpRequest, candidate, decision: str, data: dict) -> None:
    if decision == "merge":
        keep = candidate.member_a if data["keep"] == candidate.member_a_id else candidate.member_b
        duplicate_merge(acting_user=request.user, candidate=candidate, keep=keep, note=data["note"])
        messages.success(request, _("Merged: %(name)s was kept.") % {"name": keep.full_name})
    else:
        duplicate_dismiss(acting_user=request.user, candidate=candidate, note=data["note"])
        messages.success(request, _("Dismissed: they are recorded as two different people."))
