"""Pages for change requests: ask for a change to a household, list the requests, and decide one.

One view serves a full page or, for htmx, the part that changes (the fields of the chosen kind)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from ehsaas.core.selectors import audit_events_for
from ehsaas.registry import choices as c
from ehsaas.registry.audit_labels import action_label
from ehsaas.registry.forms.changes import FORMS, CorrectFieldForm, KindForm
from ehsaas.registry.forms.decision import DecisionForm
from ehsaas.registry.models import ChangeRequest
from ehsaas.registry.selectors import (
    change_requests_for_user,
    household_get_for_user,
    households_for_user,
    members_for_user,
)
from ehsaas.registry.services.change_checks import ChangeRequestError, current_value
from ehsaas.registry.services.changes import (
    change_request_approve,
    change_request_reject,
    change_request_submit,
)
from ehsaas.registry.views.change_display import change_rows, changed_since, shown

PAGE_SIZE = 50


def _require(user, permission: str) -> None:
    if not user.has_perm(permission):
        raise PermissionDenied


@login_required
def create(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask for a change to a household: pick the kind, then fill in its fields (fetched with htmx)."""
    household = household_get_for_user(user=request.user, pk=pk)
    _require(request.user, "registry.request_change")
    source = request.POST if request.method == "POST" else request.GET
    kind = source.get("kind", "")
    form_class = FORMS.get(kind)
    context = {"household": household, "kind": kind}
    options = {
        "household": household,
        "members": members_for_user(user=request.user),
        "households": households_for_user(user=request.user),
    }
    if request.method == "POST" and form_class is not None:
        form = form_class(request.POST, **options)
        if form.is_valid():
            try:
                change = change_request_submit(
                    acting_user=request.user, household=household, kind=kind, **form.submission()
                )
            except ChangeRequestError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request, _("Change request #%(number)s was submitted.") % {"number": change.pk}
                )
                return redirect("registry:change_detail", pk=change.pk)
    else:
        # An htmx refresh sends what is filled in so far: shown again, not yet judged.
        form = form_class(initial=source.dict(), **options) if form_class is not None else None
    context.update(form=form, kind_form=KindForm(initial={"kind": kind}), current=_current(form))
    if request.htmx and request.method == "GET":
        return render(request, "registry/changes/_fields.html", context)
    return render(request, "registry/changes/create.html", context)


def _current(form) -> str | None:
    """For a correction: the value recorded now, so the person sees what they are correcting."""
    if not isinstance(form, CorrectFieldForm) or not form.name:
        return None
    record = form.record()
    if record is None:
        return None
    return shown(form.target, form.name, current_value(form.target, record, form.name))


@login_required
def change_list(request: HttpRequest) -> HttpResponse:
    """Change requests in the user's districts, filtered by status; "awaiting my decision" leaves out
    the user's own requests, which someone else must decide."""
    _require(request.user, "registry.view_changerequest")
    changes = change_requests_for_user(user=request.user).select_related("target_household")
    show = request.GET.get("show", "")
    status = request.GET.get("status", "")
    if show == "awaiting":
        changes = changes.filter(status=c.ChangeStatus.SUBMITTED).exclude(requested_by=request.user)
    elif show == "mine":
        changes = changes.filter(requested_by=request.user)
    if status in c.ChangeStatus.values:
        changes = changes.filter(status=status)
    page = Paginator(changes, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "show": show,
        "status": status,
        "statuses": c.ChangeStatus.choices,
        "can_decide": request.user.has_perm("registry.decide_change"),
    }
    template = "registry/changes/_table.html" if request.htmx else "registry/changes/list.html"
    return render(request, template, context)


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A request as it was made (frozen), what it changes, its decision, and for a checker who is not
    its maker, the buttons to approve or reject it."""
    _require(request.user, "registry.view_changerequest")
    change = _change_get_for_user(request.user, pk)
    may_decide = request.user.has_perm("registry.decide_change")
    form = DecisionForm()
    if request.method == "POST":
        _require(request.user, "registry.decide_change")
        form = DecisionForm(request.POST)
        if form.is_valid():
            decide = (
                change_request_approve
                if form.cleaned_data["decision"] == "approve"
                else change_request_reject
            )
            try:
                decide(acting_user=request.user, change_request=change, note=form.cleaned_data["note"])
            except ChangeRequestError as error:
                form.add_error(None, error)
            else:
                done = _("approved") if form.cleaned_data["decision"] == "approve" else _("rejected")
                messages.success(
                    request,
                    _("Change request #%(number)s was %(done)s.") % {"number": change.pk, "done": done},
                )
                return redirect("registry:change_detail", pk=change.pk)
    events = list(
        audit_events_for(subject_type="registry.household", subject_id=change.household_id).filter(
            changes__change_request=change.pk
        )
    )
    for event in events:
        event.label = action_label(event.action)
    context = {
        "change": change,
        "rows": change_rows(change),
        "changed_since": changed_since(change),
        "form": form,
        "is_maker": change.requested_by_id == request.user.pk,
        "can_decide": may_decide and change.awaits_decision_from(request.user),
        "events": events,
    }
    return render(request, "registry/changes/detail.html", context)


def _change_get_for_user(user, pk: int) -> ChangeRequest:
    change = (
        change_requests_for_user(user=user)
        .select_related("target_household", "household__district", "member")
        .filter(pk=pk)
        .first()
    )
    if change is None:
        raise Http404
    return change
