"""Application pages. Public, without signing in: the application form of a programme that takes
applications (/apply/<code>/) and the tracking page (/track/), which shows an application's status and
the reason of its decision to whoever gives its tracking number and the applicant's CNIC, and nothing
else. Staff: the list (by status and programme), an application with its documents, history and the
decision, the staff form for an applicant at a desk, the quota table, and ranking with its
confirmation. Views parse the request, check permission, call one selector or service and render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_ratelimit.core import get_usage

from ehsaas.core.identity import format_cnic
from ehsaas.core.models import Province
from ehsaas.programs import applications as services
from ehsaas.programs.application_fields import application_fields
from ehsaas.programs.application_forms import (
    ApplicationDecisionForm,
    ApplicationForm,
    QuotaFormSet,
    TrackForm,
)
from ehsaas.programs.choices import ApplicationFieldKind, ApplicationStatus, Unit
from ehsaas.programs.forms import kept_rows
from ehsaas.programs.models import Programme
from ehsaas.programs.selectors import (
    application_document_get_for_user,
    application_get_for_user,
    application_tracked,
    applications_for_user,
    beneficiaries_for_user,
    programme_get_for_user,
    programmes_for_user,
)

PAGE = 50
# Public pages are counted per address, so that nobody can walk through tracking numbers and CNICs or
# flood the form (django-ratelimit's counters, in the cache).
TRACK_RATE = "30/h"
APPLY_RATE = "20/h"
MSG_TOO_MANY = _("Too many tries from your connection: please try again in an hour.")
SESSION_SUBMITTED = "programs.application_submitted"


def _in_urdu() -> bool:
    return (get_language() or "").startswith("ur")


def _over_limit(request: HttpRequest, group: str, rate: str) -> bool:
    usage = get_usage(request, group=group, key="ip", rate=rate, increment=True)
    return usage is not None and usage["should_limit"]


def _applying_form(request: HttpRequest, programme: Programme) -> ApplicationForm:
    return ApplicationForm(
        request.POST or None, request.FILES or None, questions=application_fields(programme.parameters),
        universities=services.quota_universities(programme),
    )  # fmt: skip


def _submit(request: HttpRequest, programme: Programme, form: ApplicationForm, acting_user):
    """The application submitted, or None with the service's refusals on the form. An applicant on the
    public site is told of the decision in the language of the page they filled in; one staff entered
    in the service's default (Urdu), as the staff's own language says nothing of the applicant's."""
    language = {} if acting_user is not None else {"language": "ur" if _in_urdu() else "en"}
    try:
        return services.application_submit(
            acting_user=acting_user, programme=programme, cnic=form.cleaned_data["cnic"],
            full_name=form.cleaned_data["full_name"], phone=form.cleaned_data["phone"], answers=form.answers(),
            documents=form.cleaned_data["documents"], **language,
        )  # fmt: skip
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            for field, problems in error.message_dict.items():
                form.add_error(field if field in form.fields else None, problems)
        else:
            form.add_error(None, error.messages)
    return None


def apply(request: HttpRequest, code: str) -> HttpResponse:
    """The public application form of a programme that takes applications now."""
    programme = Programme.objects.filter(code=code).first()
    if programme is None or not services.programme_takes_applications_now(programme, timezone.localdate()):
        raise Http404
    form = _applying_form(request, programme)
    refusal = ""
    if request.method == "POST":
        if _over_limit(request, "programs.apply", APPLY_RATE):
            refusal = MSG_TOO_MANY
        elif form.is_valid() and (application := _submit(request, programme, form, None)) is not None:
            request.session[SESSION_SUBMITTED] = application.tracking_number
            return redirect("programs:applied", code=code)
    return render(request, "programs/apply.html", {"programme": programme, "form": form, "refusal": refusal})


def applied(request: HttpRequest, code: str) -> HttpResponse:
    """The tracking number of the application just submitted (kept in the session, shown once here)."""
    number = request.session.get(SESSION_SUBMITTED)
    if not number:
        return redirect("programs:track")
    programme = Programme.objects.filter(code=code).first()
    return render(request, "programs/applied.html", {"programme": programme, "number": number})


def track(request: HttpRequest) -> HttpResponse:
    """An application's status and the reason of its decision, for its tracking number and CNIC."""
    form = TrackForm(request.POST or None)
    application, searched, refusal = None, False, ""
    if request.method == "POST" and form.is_valid():
        if _over_limit(request, "programs.track", TRACK_RATE):
            refusal = MSG_TOO_MANY
        else:
            searched = True
            application = application_tracked(
                number=form.cleaned_data["number"], cnic=form.cleaned_data["cnic"]
            )
            if application is not None:  # the CNIC is not written back into the page
                form = TrackForm()
    return render(request, "programs/track.html", {
        "form": form, "application": application, "searched": searched, "refusal": refusal,
    })  # fmt: skip


@login_required
def application_list(request: HttpRequest) -> HttpResponse:
    rows = applications_for_user(user=request.user)
    shown = {"status": request.GET.get("status") or "", "programme": request.GET.get("programme") or ""}
    if shown["status"] in ApplicationStatus.values:
        rows = rows.filter(status=shown["status"])
    programme = None
    if shown["programme"]:
        programme = programme_get_for_user(user=request.user, code=shown["programme"])
        rows = rows.filter(programme=programme).order_by(
            "status", "answers__university", "rank", "-submitted_at"
        )
    page = Paginator(rows, PAGE).get_page(request.GET.get("page"))
    return render(request, "programs/applications.html", {
        "page": page, "shown": shown, "statuses": ApplicationStatus.choices, "programme": programme,
        "programmes": programmes_for_user(user=request.user).filter(takes_applications=True),
    })  # fmt: skip


@login_required
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = application_get_for_user(user=request.user, pk=pk)
    proposed = {"accept": ApplicationStatus.ACCEPTED, "waitlist": ApplicationStatus.WAITLISTED}.get(
        application.proposal
    )
    form = ApplicationDecisionForm(
        request.POST or None, status=application.status, initial={"status": proposed}
    )
    if request.method == "POST":
        if not request.user.has_perm("programs.decide_application"):
            raise PermissionDenied
        if form.is_valid():
            try:
                services.application_decide(
                    acting_user=request.user, application=application, status=form.cleaned_data["status"],
                    reason=form.cleaned_data["reason"],
                )  # fmt: skip
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Decision recorded."))
                return redirect("programs:application", pk=application.pk)
    questions = application_fields(application.programme.parameters)
    provinces = dict(Province.objects.values_list("code", "name_en" if not _in_urdu() else "name_ur"))
    answers = []
    for question in questions:  # a province by its name, not its code
        answer = application.answers.get(question.name, "")
        answers.append(
            (
                question.label,
                provinces.get(answer, answer) if question.kind == ApplicationFieldKind.PROVINCE else answer,
            )
        )
    return render(request, "programs/application.html", {
        "application": application, "form": form, "answers": answers, "cnic": format_cnic(application.cnic),
        "beneficiary": _beneficiary(request.user, application),
        "history": application.status_changes.select_related("changed_by"),
        "documents": application.documents.all() if request.user.has_perm("programs.view_applicationdocument") else [],
        "may_decide": request.user.has_perm("programs.decide_application") and form.fields["status"].choices,
    })  # fmt: skip


def _beneficiary(user, application):
    """The applicant's place in the programme, for those who may read beneficiaries (None otherwise, or
    when the applicant is in none)."""
    if application.member_id is None or not user.has_perm("programs.view_beneficiary"):
        return None
    rows = beneficiaries_for_user(user=user, programme=application.programme)
    if application.programme.unit == Unit.HOUSEHOLD:
        return rows.filter(household_id=application.member.household_id, member__isnull=True).first()
    return rows.filter(member_id=application.member_id).first()


@login_required
def application_document(request: HttpRequest, pk: int, document: int) -> FileResponse:
    application = application_get_for_user(user=request.user, pk=pk)
    found = application_document_get_for_user(user=request.user, application=application, pk=document)
    return FileResponse(
        found.file.open("rb"), as_attachment=True, filename=found.name, content_type=found.content_type
    )


@login_required
@permission_required("programs.add_application", raise_exception=True)
def application_new(request: HttpRequest, code: str) -> HttpResponse:
    """Staff fill the form for an applicant at a desk."""
    programme = programme_get_for_user(user=request.user, code=code)
    form = _applying_form(request, programme)
    if request.method == "POST" and form.is_valid():
        application = _submit(request, programme, form, request.user)
        if application is not None:
            messages.success(
                request, _("Application %(number)s received.") % {"number": application.tracking_number}
            )
            return redirect("programs:application", pk=application.pk)
    return render(request, "programs/application_new.html", {"programme": programme, "form": form})


@login_required
@permission_required("programs.configure_programme", raise_exception=True)
def quotas(request: HttpRequest, code: str) -> HttpResponse:
    programme = programme_get_for_user(user=request.user, code=code)
    initial = [{"university": q.university, "province": q.province, "places": q.places}
               for q in programme.quotas.select_related("province")]  # fmt: skip
    formset = QuotaFormSet(request.POST or None, prefix="quota", initial=initial)
    if request.method == "POST" and formset.is_valid():
        services.quotas_save(acting_user=request.user, programme=programme, rows=kept_rows(formset))
        messages.success(request, _("Quotas saved."))
        return redirect("programs:detail", code=code)
    return render(request, "programs/quotas.html", {"programme": programme, "formset": formset})


@login_required
@require_POST
def applications_rank(request: HttpRequest, code: str) -> HttpResponse:
    programme = programme_get_for_user(user=request.user, code=code)
    try:
        figures = services.applications_rank(acting_user=request.user, programme=programme)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _(
            "%(ranked)s applications ranked: %(accept)s proposed for acceptance, %(waitlist)s for the waiting "
            "list. Confirm the proposals, or decide each application."
        ) % {"ranked": figures.ranked, "accept": figures.accept, "waitlist": figures.waitlist})  # fmt: skip
    return redirect(f"{_list_url()}?programme={code}")


@login_required
@require_POST
def applications_confirm(request: HttpRequest, code: str) -> HttpResponse:
    programme = programme_get_for_user(user=request.user, code=code)
    try:
        counts = services.applications_confirm_ranking(acting_user=request.user, programme=programme)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("%(accepted)s accepted and %(waitlisted)s waitlisted, as ranked.") % counts
        )
        if counts["unregistered"]:
            messages.warning(request, _(
                "%(unregistered)s proposed for acceptance are not in the registry: they stay under review until "
                "they register and are ranked again (an accepted applicant becomes a beneficiary, who must be "
                "registered)."
            ) % counts)  # fmt: skip
    return redirect(f"{_list_url()}?programme={code}")


def _list_url() -> str:
    return reverse("programs:applications")
