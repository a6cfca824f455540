"""Staff pages of complaints: the queue (filters, SLA colours; the table alone for htmx), a complaint
with its history and what the user may do to it, the operators' forms (helpline and walk-in, a
town-hall meeting's complaints in bulk) and the re-surveys for registration officers. Views parse the
request, check permission, call one selector or service and render."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ehsaas.core.access import district_scope
from ehsaas.core.choices import Role
from ehsaas.core.models import District
from ehsaas.grievances.assignment import area_staff, may_handle
from ehsaas.grievances.choices import Channel, ComplaintStatus
from ehsaas.grievances.forms import (
    AppealForm,
    AssignForm,
    NoteForm,
    OperatorComplaintForm,
    RecategoriseForm,
    ResolveForm,
    ResurveyDoneForm,
    ResurveyForm,
    TownHallForm,
    TownHallRowFormSet,
)
from ehsaas.grievances.selectors import (
    categories_for_user,
    complaint_get_for_user,
    complaints_for_user,
    queue_filter,
    resurvey_get_for_user,
    resurveys_for_user,
)
from ehsaas.grievances.services import handling, receiving
from ehsaas.grievances.services.resurveys import resurvey_request_done, resurvey_request_open
from ehsaas.grievances.town_hall import TownHallRefused, town_hall_check, town_hall_upload_rows

PAGE = 50
FILTERS = ("status", "category", "channel", "district", "overdue", "mine")


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    rows = complaints_for_user(user=request.user)
    shown = {name: request.GET.get(name, "") for name in FILTERS}
    if not request.GET:
        shown["status"] = "open"
    rows = queue_filter(rows, user=request.user, filters=shown)
    page = Paginator(rows, PAGE).get_page(request.GET.get("page"))
    now = timezone.now()
    for complaint in page:
        complaint.sla = complaint.sla_state(now)
    scope = district_scope(request.user)
    districts = (
        District.objects.order_by("name_en") if scope is None else District.objects.filter(pk__in=scope)
    )
    context = {
        "page": page, "shown": shown, "query": urlencode({k: v for k, v in shown.items() if v}),
        "statuses": ComplaintStatus.choices, "channels": Channel.choices,
        "categories": categories_for_user(user=request.user), "districts": districts,
    }  # fmt: skip
    if request.htmx:
        return render(request, "grievances/_queue_table.html", context)
    return render(request, "grievances/queue.html", context)


def _actions(user, complaint) -> dict:
    """What the user may do to the complaint now, each a form (bound when it was the one sent)."""
    acting = handling.may_act(user, complaint)
    return {
        "take": complaint.status in (ComplaintStatus.RECEIVED, ComplaintStatus.ASSIGNED)
        and acting and may_handle(user, complaint.category),
        "resolve": complaint.is_open and acting,
        "note": acting,
        "category": complaint.is_open and acting,
        "assign": complaint.is_open and handling.supervises(user, complaint),
        "appeal": complaint.may_be_appealed and user.has_perm("grievances.add_complaint"),
        "resurvey": complaint.is_open and acting and complaint.category.registry_follow_up and complaint.household_id,
        "change_request": complaint.household_id and complaint.category.registry_follow_up
        and user.has_perm("registry.request_change"),
    }  # fmt: skip


def _officers(user, complaint) -> list:
    """Whom a supervisor may give the complaint to: the handlers of its area able to see its category."""
    staff = []
    for role in (Role.GRIEVANCE_OFFICER, Role.GRIEVANCE_SUPERVISOR, Role.INVESTIGATOR):
        staff += [u for u in area_staff(role, complaint.district_id) if may_handle(u, complaint.category)]
    return list(dict.fromkeys(staff))


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = complaint_get_for_user(user=request.user, pk=pk)
    action = request.POST.get("action") if request.method == "POST" else None
    data = request.POST if action else None
    officers = _officers(request.user, complaint) if handling.supervises(request.user, complaint) else []
    forms = {
        "resolve": ResolveForm(data if action == "resolve" else None, prefix="resolve"),
        "note": NoteForm(data if action == "note" else None, prefix="note"),
        "assign": AssignForm(data if action == "assign" else None, prefix="assign", officers=officers),
        "category": RecategoriseForm(
            data if action == "category" else None,
            prefix="category",
            initial={"category": complaint.category},
        ),
        "appeal": AppealForm(data if action == "appeal" else None, prefix="appeal"),
        "resurvey": ResurveyForm(data if action == "resurvey" else None, prefix="resurvey"),
    }
    if action:
        done = _act(request, complaint, action, forms)
        if done:
            messages.success(request, done)
            return redirect("grievances:complaint", pk=complaint.pk)
    history = complaint.events.select_related("actor", "assigned_to")
    change_url = ""
    if complaint.household_id:
        reason = _("Complaint %(number)s: %(text)s") % {
            "number": complaint.tracking_number,
            "text": complaint.description,
        }
        query = urlencode({"kind": "correct_field", "reason": reason[:500]})
        change_url = f"{reverse('registry:change_new', args=[complaint.household_id])}?{query}"
    return render(request, "grievances/complaint.html", {
        "complaint": complaint, "sla": complaint.sla_state(), "history": history, "forms": forms,
        "may": _actions(request.user, complaint), "change_url": change_url, "resurveys": complaint.resurveys.all(),
        "sees_household": request.user.has_perm("registry.view_household"),
    })  # fmt: skip


def _act(request: HttpRequest, complaint, action: str, forms: dict) -> str | None:
    """Carry out the action sent; the message to show, or None with the problems on its form."""
    user = request.user
    form = forms.get(action)
    if action != "take" and (form is None or not form.is_valid()):
        if form is None:
            raise PermissionDenied
        return None
    data = form.cleaned_data if form is not None and action != "take" else {}
    try:
        if action == "take":
            handling.complaint_take(acting_user=user, complaint=complaint)
            return _("You took up complaint %(number)s.") % {"number": complaint.tracking_number}
        if action == "resolve":
            handling.complaint_resolve(acting_user=user, complaint=complaint, resolution=data["resolution"])
            return _("Complaint %(number)s resolved; the complainant is told.") % {
                "number": complaint.tracking_number
            }
        if action == "note":
            handling.complaint_note(acting_user=user, complaint=complaint, note=data["note"])
            return _("Note added.")
        if action == "assign":
            handling.complaint_assign(
                acting_user=user, complaint=complaint, officer=data["officer"], note=data["note"]
            )
            return _("Complaint %(number)s given to %(officer)s.") % {
                "number": complaint.tracking_number,
                "officer": data["officer"],
            }
        if action == "category":
            handling.complaint_recategorise(
                acting_user=user, complaint=complaint, category=data["category"], note=data["note"]
            )
            return _("Category changed.")
        if action == "appeal":
            handling.complaint_appeal(acting_user=user, complaint=complaint, reason=data["reason"])
            return _("Appeal recorded; complaint %(number)s goes to a supervisor.") % {
                "number": complaint.tracking_number
            }
        if action == "resurvey":
            resurvey_request_open(acting_user=user, complaint=complaint, reason=data["reason"])
            return _("Re-survey requested: the registration officers of the district are told.")
    except ValidationError as error:
        if form is None:
            messages.error(request, " ".join(error.messages))
            return None
        if hasattr(error, "error_dict"):
            for field, problems in error.message_dict.items():
                form.add_error(field if field in form.fields else None, problems)
        else:
            form.add_error(None, error.messages)
        return None
    raise PermissionDenied


@login_required
@permission_required("grievances.add_complaint", raise_exception=True)
def receive(request: HttpRequest) -> HttpResponse:
    """An operator enters a complaint from the helpline or an office."""
    form = OperatorComplaintForm(
        request.POST or None, initial={"channel": Channel.HELPLINE, "language": "ur"}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            complaint = receiving.complaint_receive(
                acting_user=request.user, channel=data["channel"], place=data["place"],
                complaint=receiving.complaint_input(
                    category=data["category"], description=data["description"], anonymous=data["anonymous"],
                    name=data["name"], phone=data["phone"], cnic=data["cnic"], language=data["language"],
                    district=data["district"],
                ),
            )  # fmt: skip
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                form.add_error(field if field in form.fields else None, problems)
        else:
            messages.success(request, _received(complaint))
            if (
                _reads(request.user)
                and complaints_for_user(user=request.user).filter(pk=complaint.pk).exists()
            ):
                return redirect("grievances:complaint", pk=complaint.pk)
            return redirect("grievances:receive")
    return render(request, "grievances/receive.html", {"form": form})


def _reads(user) -> bool:
    return user.has_perm("grievances.view_complaint") or user.has_perm("grievances.view_sensitive_complaint")


def _received(complaint) -> str:
    if complaint.assigned_to is not None:
        return _("Complaint %(number)s received and given to %(officer)s. Tell the complainant the number.") % {
            "number": complaint.tracking_number, "officer": complaint.assigned_to,
        }  # fmt: skip
    return _(
        "Complaint %(number)s received; it waits in the queue of its area. Tell the complainant the number."
    ) % {"number": complaint.tracking_number}


@login_required
@permission_required("grievances.add_complaint", raise_exception=True)
def town_hall(request: HttpRequest) -> HttpResponse:
    """A town-hall meeting's complaints: rows of the form and/or a CSV file, all recorded or none."""
    form = TownHallForm(request.POST or None, request.FILES or None, initial={"language": "ur"})
    rows = TownHallRowFormSet(request.POST or None, prefix="row")
    refusal, problems, recorded = "", [], []
    if request.method == "POST" and form.is_valid() and rows.is_valid():
        meeting = form.cleaned_data
        entered = [
            (_("row %(number)s") % {"number": index}, row.cleaned_data)
            for index, row in enumerate(rows.forms, start=1)
            if not row.is_blank()
        ]
        try:
            if meeting["file"]:
                entered += town_hall_upload_rows(meeting["file"])
            checked = town_hall_check(entered, district=meeting["district"], language=meeting["language"])
            place = _("Town hall, %(place)s, %(date)s") % {
                "place": meeting["place"],
                "date": meeting["held_on"].isoformat(),
            }
            recorded = receiving.complaints_receive_bulk(
                acting_user=request.user, complaints=checked, place=place
            )
        except TownHallRefused as refused:
            refusal, problems = refused.message, refused.problems
        else:
            messages.success(
                request, _("%(count)s complaints of the meeting recorded.") % {"count": len(recorded)}
            )
            return render(request, "grievances/town_hall_done.html", {"recorded": recorded, "place": place})
    return render(request, "grievances/town_hall.html", {
        "form": form, "rows": rows, "refusal": refusal, "problems": problems,
    })  # fmt: skip


@login_required
def resurveys(request: HttpRequest) -> HttpResponse:
    rows = resurveys_for_user(user=request.user)
    page = Paginator(rows, PAGE).get_page(request.GET.get("page"))
    return render(request, "grievances/resurveys.html", {"page": page, "form": ResurveyDoneForm()})


@login_required
@require_POST
def resurvey_done(request: HttpRequest, pk: int) -> HttpResponse:
    found = resurvey_get_for_user(user=request.user, pk=pk)
    form = ResurveyDoneForm(request.POST)
    form.is_valid()
    try:
        resurvey_request_done(acting_user=request.user, request=found, note=form.cleaned_data.get("note", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("Household %(household)s recorded as surveyed again.") % {"household": found.household}
        )
    return redirect("grievances:resurveys")
