"""Pages of the wealth filters: the lists, a list's matches, the import page, the queue of overrides
awaiting a decision, asking for and deciding an override, and the panel on a household's page.

Views parse the request, check permission, call one selector or service and render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from ehsaas.core.access import district_scope
from ehsaas.core.selectors import audit_events_for, jobs_for_user
from ehsaas.registry import choices as c
from ehsaas.registry.audit_labels import action_label
from ehsaas.registry.forms.decision import DecisionForm
from ehsaas.registry.forms.wealth_filters import WealthListImportForm, WealthOverrideRequestForm
from ehsaas.registry.services.wealth_filters import (
    JOB_KIND,
    WealthOverrideError,
    wealth_list_import_start,
    wealth_override_approve,
    wealth_override_reject,
    wealth_override_request,
)
from ehsaas.registry.wealth.selectors import (
    excluding_flags,
    wealth_flags_for_user,
    wealth_list_get_for_user,
    wealth_lists_for_user,
    wealth_override_get_for_user,
    wealth_overrides_for_user,
    wealth_reason,
)

PAGE_SIZE = 50


def _shown_figures(wealth_list, *, scoped: bool):
    """A user limited to some districts sees the figures of those districts only."""
    if scoped:
        wealth_list.members_shown, wealth_list.households_shown = (
            wealth_list.scoped_members,
            wealth_list.scoped_households,
        )
    else:
        wealth_list.members_shown = wealth_list.members_matched
        wealth_list.households_shown = wealth_list.households_flagged
    return wealth_list


@login_required
def list_index(request: HttpRequest) -> HttpResponse:
    scoped = district_scope(request.user) is not None
    lists = [_shown_figures(item, scoped=scoped) for item in wealth_lists_for_user(user=request.user)]
    context = {
        "lists": lists,
        "scoped": scoped,
        "awaiting": wealth_overrides_for_user(user=request.user)
        .filter(status=c.WealthOverrideStatus.SUBMITTED)
        .count(),
    }
    return render(request, "registry/wealth/lists.html", context)


@login_required
def list_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A list and the members it matched (in the user's districts), filtered by the flag's status."""
    scoped = district_scope(request.user) is not None
    wealth_list = _shown_figures(wealth_list_get_for_user(user=request.user, pk=pk), scoped=scoped)
    flags = wealth_flags_for_user(user=request.user).filter(wealth_list=wealth_list)
    status = request.GET.get("status", "")
    if status in c.WealthFlagStatus.values:
        flags = flags.filter(status=status)
    page = Paginator(flags.order_by("household_id", "member__member_no", "id"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    for flag in page:
        flag.reason = wealth_reason(flag)
    context = {
        "wealth_list": wealth_list,
        "page": page,
        "status": status,
        "statuses": c.WealthFlagStatus.choices,
        "scoped": scoped,
    }
    return render(request, "registry/wealth/list_detail.html", context)


@login_required
@permission_required("registry.import_wealth_list", raise_exception=True)
def upload(request: HttpRequest) -> HttpResponse:
    form = WealthListImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = wealth_list_import_start(
            acting_user=request.user,
            upload=form.cleaned_data["file"],
            source=form.cleaned_data["source"],
            agency=form.cleaned_data["agency"],
            as_of=form.cleaned_data["as_of"],
        )
        return redirect("job_detail", pk=job.pk)
    context = {"form": form, "recent": jobs_for_user(user=request.user).filter(kind=JOB_KIND)[:10]}
    return render(request, "registry/wealth/upload.html", context)


@login_required
def override_queue(request: HttpRequest) -> HttpResponse:
    """Overrides awaiting a decision (or, with ?status=, those decided), in the user's districts."""
    overrides = wealth_overrides_for_user(user=request.user)
    status = request.GET.get("status", c.WealthOverrideStatus.SUBMITTED)
    if status in c.WealthOverrideStatus.values:
        overrides = overrides.filter(status=status)
    page = Paginator(overrides, PAGE_SIZE).get_page(request.GET.get("page"))
    for override in page:
        override.reason_text = wealth_reason(override.flag)
    context = {
        "page": page,
        "status": status,
        "statuses": c.WealthOverrideStatus.choices,
        "can_decide": request.user.has_perm("registry.decide_wealth_override"),
    }
    return render(request, "registry/wealth/overrides.html", context)


@login_required
@permission_required("registry.request_wealth_override", raise_exception=True)
def override_new(request: HttpRequest, flag_pk: int) -> HttpResponse:
    flag = wealth_flags_for_user(user=request.user).filter(pk=flag_pk).first()
    if flag is None:
        raise Http404
    form = WealthOverrideRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            override = wealth_override_request(
                acting_user=request.user, flag=flag, reason=form.cleaned_data["reason"]
            )
        except WealthOverrideError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The override was recorded; another person must approve it."))
            return redirect("registry:wealth_override", pk=override.pk)
    context = {"flag": flag, "reason": wealth_reason(flag), "form": form}
    return render(request, "registry/wealth/override_new.html", context)


@login_required
def override_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An override as it was asked for, its decision, and for a checker who is not its maker the buttons
    to approve or reject it."""
    override = wealth_override_get_for_user(user=request.user, pk=pk)
    form = DecisionForm()
    if request.method == "POST":
        if not request.user.has_perm("registry.decide_wealth_override"):
            raise PermissionDenied
        form = DecisionForm(request.POST)
        if form.is_valid():
            approve = form.cleaned_data["decision"] == "approve"
            decide = wealth_override_approve if approve else wealth_override_reject
            try:
                decide(acting_user=request.user, override=override, note=form.cleaned_data["note"])
            except WealthOverrideError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request, _("The override was approved.") if approve else _("The override was rejected.")
                )
                return redirect("registry:wealth_override", pk=override.pk)
    events = list(
        audit_events_for(subject_type="registry.household", subject_id=override.household_id).filter(
            changes__wealth_override=override.pk
        )
    )
    for event in events:
        event.label = action_label(event.action)
    context = {
        "override": override,
        "reason": wealth_reason(override.flag),
        "form": form,
        "is_maker": override.requested_by_id == request.user.pk,
        "can_decide": request.user.has_perm("registry.decide_wealth_override")
        and override.awaits_decision_from(request.user),
        "events": events,
    }
    return render(request, "registry/wealth/override_detail.html", context)


def household_panel(*, household, user) -> dict | None:
    """The panel on a household's page: its flags with their reasons, the overrides asked for, and what
    the user may do (ask for an override, decide one). None when the user may not read wealth filters or
    the household was never on a list."""
    if not user.has_perm("registry.view_wealthlist"):
        return None
    flags = list(
        wealth_flags_for_user(user=user).filter(household=household).order_by("status", "-flagged_at")
    )
    if not flags:
        return None
    excluding = set(excluding_flags().filter(household=household).values_list("pk", flat=True))
    overrides = list(wealth_overrides_for_user(user=user).filter(household=household))
    may_request = user.has_perm("registry.request_wealth_override")
    may_decide = user.has_perm("registry.decide_wealth_override")
    rows = []
    for flag in flags:
        own = [o for o in overrides if o.member_id == flag.member_id and o.source == flag.source]
        standing = [o for o in own if o.status != c.WealthOverrideStatus.REJECTED]
        for override in own:
            override.can_decide = may_decide and override.awaits_decision_from(user)
        rows.append(
            {
                "flag": flag,
                "reason": wealth_reason(flag),
                "excluding": flag.pk in excluding,
                "overridden": flag.status == c.WealthFlagStatus.ACTIVE and flag.pk not in excluding,
                "overrides": own if flag.status == c.WealthFlagStatus.ACTIVE else [],
                "can_request": may_request and flag.status == c.WealthFlagStatus.ACTIVE and not standing,
            }
        )
    return {"household": household, "rows": rows, "excluded": bool(excluding)}
