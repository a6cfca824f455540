"""Public complaint pages, without signing in: the complaint form (anonymous allowed), the page that
shows the tracking number once, and the tracking page, where the complainant reads the status, the
steps and the resolution, and may appeal once. A complaint made with a phone number is shown only to
whoever also gives that number. Both forms are counted per address, so that nobody can flood the
form or walk through tracking numbers."""

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django_ratelimit.core import get_usage

from ehsaas.grievances.choices import Channel, EventKind
from ehsaas.grievances.forms import AppealForm, ComplaintForm, TrackForm
from ehsaas.grievances.selectors import complaint_tracked
from ehsaas.grievances.services import handling, receiving

SUBMIT_RATE = "20/h"
TRACK_RATE = "30/h"
SESSION_NUMBER = "grievances.submitted"
MSG_TOO_MANY = _("Too many tries from your connection: please try again in an hour.")
# The steps a complainant reads: what happened to their complaint, never who inside did it.
PUBLIC_STEPS = (
    EventKind.RECEIVED,
    EventKind.TAKEN,
    EventKind.ESCALATED,
    EventKind.RESOLVED,
    EventKind.APPEALED,
)


def _over_limit(request: HttpRequest, group: str, rate: str) -> bool:
    usage = get_usage(request, group=group, key="ip", rate=rate, increment=True)
    return usage is not None and usage["should_limit"]


def _language() -> str:
    return "ur" if (get_language() or "").startswith("ur") else "en"


@never_cache
def submit(request: HttpRequest) -> HttpResponse:
    form = ComplaintForm(request.POST or None)
    refusal = ""
    if request.method == "POST" and form.is_valid():
        if _over_limit(request, "grievances.submit", SUBMIT_RATE):
            refusal = MSG_TOO_MANY
        else:
            data = form.cleaned_data
            try:
                complaint = receiving.complaint_receive(
                    acting_user=None, channel=Channel.PORTAL,
                    complaint=receiving.complaint_input(
                        category=data["category"], description=data["description"], anonymous=data["anonymous"],
                        name=data["name"], phone=data["phone"], cnic=data["cnic"], language=_language(),
                        district=data["district"],
                    ),
                )  # fmt: skip
            except ValidationError as error:
                for field, problems in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, problems)
            else:
                request.session[SESSION_NUMBER] = [complaint.tracking_number, bool(complaint.phone)]
                return redirect("grievances:submitted")
    return render(request, "grievances/submit.html", {"form": form, "refusal": refusal})


@never_cache
def submitted(request: HttpRequest) -> HttpResponse:
    """The tracking number of the complaint just made (kept in the session, shown here)."""
    kept = request.session.get(SESSION_NUMBER)
    if not kept:
        return redirect("grievances:track")
    number, with_phone = kept
    return render(request, "grievances/submitted.html", {"number": number, "with_phone": with_phone})


@never_cache
def track(request: HttpRequest) -> HttpResponse:
    """A complaint's status for its tracking number (and the phone it was made from), and its appeal."""
    form = TrackForm(request.POST or None)
    appeal = AppealForm(request.POST if request.POST.get("action") == "appeal" else None, prefix="appeal")
    complaint, searched, refusal, appealed = None, False, "", False
    if request.method == "POST" and form.is_valid():
        if _over_limit(request, "grievances.track", TRACK_RATE):
            refusal = MSG_TOO_MANY
        else:
            searched = True
            complaint = complaint_tracked(
                number=form.cleaned_data["number"], phone=form.cleaned_data["phone"]
            )
            if complaint is not None and appeal.is_bound and appeal.is_valid():
                try:
                    complaint = handling.complaint_appeal(
                        acting_user=None, complaint=complaint, reason=appeal.cleaned_data["reason"]
                    )
                except ValidationError as error:
                    appeal.add_error(None, error.messages)
                else:
                    appealed, appeal = True, AppealForm(prefix="appeal")
    steps = complaint.events.filter(kind__in=PUBLIC_STEPS).order_by("at", "id") if complaint else []
    return render(request, "grievances/track.html", {
        "form": form, "complaint": complaint, "searched": searched, "refusal": refusal, "steps": steps,
        "appeal": appeal, "appealed": appealed,
    })  # fmt: skip
