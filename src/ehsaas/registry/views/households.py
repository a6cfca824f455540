"""Staff pages of the registry's households: the home page, search, a household's page, and
registering a household by hand. Views parse the request, check permission, call one selector or
service and render; one view serves both its full page and its htmx partials."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from ehsaas.core.selectors import audit_events_for, jobs_for_user
from ehsaas.registry import choices as c
from ehsaas.registry.audit_labels import ACTION_LABELS
from ehsaas.registry.forms.households import (
    MEMBERS_PREFIX,
    HouseholdForm,
    HouseholdSearchForm,
    MemberForm,
    MemberFormSet,
)
from ehsaas.registry.models import Household
from ehsaas.registry.overview import registry_counts_for_user
from ehsaas.registry.panels import household_panels
from ehsaas.registry.quality import household_flags
from ehsaas.registry.search import household_search
from ehsaas.registry.selectors import change_requests_for_user, household_get_for_user
from ehsaas.registry.services.households import HouseholdInvalid, household_register

HISTORY_LIMIT = 200


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Where staff land after signing in: the registry's figures, shortcuts and their recent jobs."""
    if not request.user.has_perm("registry.view_household"):
        return render(request, "registry/home.html", {"no_role": True}, status=403)
    context = {
        "counts": registry_counts_for_user(user=request.user),
        "jobs": jobs_for_user(user=request.user).filter(created_by=request.user)[:5],
        "search_form": HouseholdSearchForm(user=request.user),
    }
    return render(request, "registry/home.html", context)


@login_required
def search(request: HttpRequest) -> HttpResponse:
    """The search page, or (for htmx, as the user types) just its results."""
    if not request.user.has_perm("registry.view_household"):
        raise PermissionDenied
    form = HouseholdSearchForm(request.GET or None, user=request.user)
    form.is_valid()  # an invalid field is left out of the search, never an error page
    results = household_search(user=request.user, **form.search_arguments())
    context = {"form": form, "results": results}
    if request.htmx and not request.htmx.boosted:
        # When the province changes, the district list is sent along to replace the old one.
        context["district_out_of_band"] = request.htmx.trigger_name == "province"
        return render(request, "registry/households/_results.html", context)
    return render(request, "registry/households/search.html", context)


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A household: its place, dwelling, members, data-quality flags, pending changes and history."""
    household = household_get_for_user(user=request.user, pk=pk)
    members = list(household.members.prefetch_related("identifiers").order_by("member_no"))
    history = audit_events_for(subject_type=household._meta.label_lower, subject_id=household.pk)
    pending = None
    if request.user.has_perm("registry.view_changerequest"):
        pending = change_requests_for_user(user=request.user).filter(
            household=household, status=c.ChangeStatus.SUBMITTED
        )
    context = {
        "household": household,
        "members": members,
        "flags": household_flags(household=household, members=members),
        "history": [_history_row(event) for event in history[:HISTORY_LIMIT]],
        "pending_changes": pending,
        "dwelling": _labelled(household, ("rooms", "tenure", "walls", "toilet", "water", "cooking_fuel")),
        "assets": _labelled(household, c.ASSET_FIELDS),
        "livestock": _labelled(household, (*c.LIVESTOCK_FIELDS, "land_acres")),
        "panels": household_panels(household=household, user=request.user),
    }
    return render(request, "registry/households/detail.html", context)


@login_required
@permission_required("registry.register_household", raise_exception=True)
def register(request: HttpRequest) -> HttpResponse:
    """Register a household by hand. htmx asks this view for two partials: the place selects
    (`?part=place`, when the province or district changes) and one more member row (`?part=member`)."""
    part = request.GET.get("part")
    if request.htmx and part == "place":
        initial = {name: request.GET.get(name) for name in ("province", "district", "tehsil")}
        form = HouseholdForm(initial=initial, user=request.user)
        return render(request, "registry/households/_place_fields.html", {"form": form})
    if request.htmx and part == "member":
        return _member_row(request)

    head_first = [{"relationship": c.Relationship.HEAD}]
    if request.method != "POST":
        form = HouseholdForm(user=request.user)
        formset = MemberFormSet(prefix=MEMBERS_PREFIX, initial=head_first)
        return render(request, "registry/households/register.html", {"form": form, "formset": formset})

    form = HouseholdForm(request.POST, user=request.user)
    formset = MemberFormSet(request.POST, prefix=MEMBERS_PREFIX, initial=head_first)
    if form.is_valid() and formset.is_valid():
        rows = formset.member_rows()
        try:
            household = household_register(
                acting_user=request.user, data=form.cleaned_data, members=[data for _i, data in rows]
            )
        except HouseholdInvalid as error:
            _attach_errors(error, form, formset, positions=[index for index, _data in rows])
        else:
            messages.success(request, _("Household %(ref)s registered.") % {"ref": household.household_ref})
            return redirect("registry:household", pk=household.pk)
    context = {"form": form, "formset": formset, "failed": True}
    return render(request, "registry/households/register.html", context)


def _member_row(request: HttpRequest) -> HttpResponse:
    """One more blank member row, numbered after the rows already on the page."""
    total = request.GET.get(f"{MEMBERS_PREFIX}-TOTAL_FORMS", "")
    index = int(total) if total.isdigit() else 0
    if index >= MemberFormSet.max_num:
        return HttpResponse(status=204)
    form = MemberForm(prefix=f"{MEMBERS_PREFIX}-{index}")
    context = {"member_form": form, "number": index + 1, "total": index + 1, "prefix": MEMBERS_PREFIX}
    return render(request, "registry/households/_member_row.html", context)


def _attach_errors(error: HouseholdInvalid, form, formset, *, positions: list[int]) -> None:
    """Put each of the service's messages beside the field it is about."""
    for field, messages_ in error.errors.items():
        for message in messages_:
            form.add_error(field if field in form.fields else None, message)
    for index, fields in error.member_errors.items():
        member_form = formset.forms[positions[index]]
        for field, messages_ in fields.items():
            for message in messages_:
                member_form.add_error(field if field in member_form.fields else None, message)


def _labelled(household: Household, names) -> list[tuple[str, object]]:
    """(label, value as shown) for fields of the household; choices show their label."""
    rows = []
    for name in names:
        field = Household._meta.get_field(name)
        value = getattr(household, f"get_{name}_display")() if field.choices else getattr(household, name)
        rows.append((field.verbose_name, value))
    return rows


def _history_row(event) -> dict:
    return {
        "event": event,
        "label": ACTION_LABELS.get(event.action, event.action),
        "changes": _change_lines(event.changes),
    }


def _change_lines(changes, prefix: str = "") -> list[tuple[str, str]]:
    """A change record as (what, how) lines. Services record {"field": [old, new]},
    {"field": {"old": …, "new": …}}, plain values, or groups of these; anything else is shown as it is."""
    if not isinstance(changes, dict):
        return [(prefix, _shown(changes))] if changes not in (None, "", [], {}) else []
    lines = []
    for name, value in changes.items():
        label = f"{prefix}.{name}" if prefix else str(name)
        if isinstance(value, dict) and {"old", "new"} <= set(value):
            lines.append((label, f"{_shown(value['old'])} → {_shown(value['new'])}"))
        elif isinstance(value, dict) and not prefix:
            lines += _change_lines(value, label)
        elif isinstance(value, list | tuple) and len(value) == 2 and not isinstance(value[0], list | dict):
            lines.append((label, f"{_shown(value[0])} → {_shown(value[1])}"))
        elif isinstance(value, list | tuple):
            lines.append((label, ", ".join(_shown(v) for v in value) or "—"))
        else:
            lines.append((label, _shown(value)))
    return lines


def _shown(value) -> str:
    return "—" if value in (None, "") else str(value)
