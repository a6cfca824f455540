"""Outbox pages (the messages and their statuses, the templates, a campaign announcement) and the
address the SMS gateway reports deliveries to. Views parse the request, check permission, call one
selector or service and render."""

import secrets

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from ehsaas.messaging import campaigns, selectors
from ehsaas.messaging.choices import MessageStatus
from ehsaas.messaging.forms import CampaignForm, OutboxFilter, TemplateForm
from ehsaas.messaging.models import MessageTemplate
from ehsaas.messaging.rendering import sample_values, segments
from ehsaas.messaging.services import MessageRefused, message_delivery_report, template_update

PAGE = 50
LOOPBACK = {"127.0.0.1", "::1"}
MSG_NOT_THE_GATEWAY = gettext_lazy("Only the SMS gateway may call this address.")
MSG_NO_MESSAGE = gettext_lazy("There is no message %(id)s.")
MSG_BAD_ID = gettext_lazy("The message id (id) must be a number.")


@login_required
@permission_required("messaging.view_message", raise_exception=True)
def outbox(request: HttpRequest) -> HttpResponse:
    """The messages, newest first, filtered by status, event and phone, with counts by status."""
    form = OutboxFilter(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    status = filters.get("status", "")
    matching = selectors.outbox(event=filters.get("event", ""), phone=filters.get("phone", ""))
    rows = selectors.outbox(status=status, event=filters.get("event", ""), phone=filters.get("phone", ""))
    page = Paginator(rows, PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "messaging/outbox.html", {
        "form": form, "page": page, "counts": selectors.status_counts(matching), "shown": status,
        "statuses": MessageStatus.choices, "query": query.urlencode(), "gateway": settings.SMS_GATEWAY,
    })  # fmt: skip


@login_required
@permission_required("messaging.view_messagetemplate", raise_exception=True)
def template_list(request: HttpRequest) -> HttpResponse:
    rows = [(t, _segments_of(t.text_en, t), _segments_of(t.text_ur, t)) for t in selectors.templates()]
    return render(request, "messaging/templates.html", {
        "rows": rows, "may_edit": request.user.has_perm("messaging.change_messagetemplate"),
    })  # fmt: skip


def _segments_of(text: str, template: MessageTemplate):
    """The SMS a text takes with typical values in its placeholders."""
    return segments(_fill(text, sample_values(template.placeholders)))


@login_required
@permission_required("messaging.change_messagetemplate", raise_exception=True)
@require_http_methods(["GET", "POST"])
def template_edit(request: HttpRequest, code: str) -> HttpResponse:
    """Edit a template's texts. An htmx request (typing) gets back only the segment counts of what is
    typed; a post saves, refusing a placeholder the template does not take."""
    template = get_object_or_404(MessageTemplate, code=code)
    form = TemplateForm(request.POST or None, instance=template)
    if request.htmx and request.method == "POST":
        return render(request, "messaging/_segments.html", _typed_segments(request, template))
    if request.method == "POST" and form.is_valid():
        template_update(template=template, acting_user=request.user, **form.cleaned_data)
        messages.success(request, _("The template %(code)s is saved.") % {"code": template.code})
        return redirect("messaging:templates")
    return render(request, "messaging/template_form.html",
                  {"form": form, "template": template} | _typed_segments(request, template))  # fmt: skip


def _typed_segments(request: HttpRequest, template: MessageTemplate) -> dict:
    en = request.POST.get("text_en", template.text_en) if request.method == "POST" else template.text_en
    ur = request.POST.get("text_ur", template.text_ur) if request.method == "POST" else template.text_ur
    samples = sample_values(template.placeholders)
    return {
        "segments_en": segments(_fill(en, samples)),
        "segments_ur": segments(_fill(ur, samples)),
        "samples": samples,
    }


def _fill(text: str, values: dict) -> str:
    """`text` with the placeholders that have a value filled in, the others left as written."""
    for name, value in values.items():
        text = text.replace("{" + name + "}", value)
    return text


@login_required
@permission_required("messaging.send_campaign", raise_exception=True)
@require_http_methods(["GET", "POST"])
def campaign(request: HttpRequest) -> HttpResponse:
    """Choose the programme (and districts), the words and the language; "Preview" shows how many
    beneficiaries will be told and the message; "Send" queues it as a job and shows the job."""
    template = get_object_or_404(MessageTemplate, code=campaigns.CAMPAIGN_TEMPLATE)
    programmes = campaigns.programmes()
    form = CampaignForm(request.POST or None, programmes=programmes, template=template)
    context = {"form": form, "template": template}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        programme = form.programmes[data["programme"]]
        districts = sorted(district.pk for district in data["districts"])
        if "send" in request.POST:
            job = campaigns.campaign_queue(acting_user=request.user, name=data["name"], programme=programme,
                                           districts=districts, language=data["language"], text=data["text"])  # fmt: skip
            return redirect("job_detail", pk=job.pk)
        words = data["text"] or template.text_in(data["language"])
        text = _fill(words, {"programme": programme.name_in(data["language"])})
        context |= {
            "preview": text, "preview_segments": segments(text),
            "recipients": campaigns.recipients_count(programme=programme, districts=districts,
                                                     language=data["language"]),
        }  # fmt: skip
    return render(request, "messaging/campaign.html", context)


def _from_the_gateway(request: HttpRequest, params) -> bool:
    """The same rule as /sms/inbound: with SMS_GATEWAY_TOKEN set, the gateway proves itself with it;
    without, it must be on this machine."""
    if settings.SMS_GATEWAY_TOKEN:
        return secrets.compare_digest(params.get("token", ""), settings.SMS_GATEWAY_TOKEN)
    return request.META.get("REMOTE_ADDR") in LOOPBACK


def _text(body: str, status: int = 200) -> HttpResponse:
    return HttpResponse(body, status=status, content_type="text/plain; charset=utf-8")


@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def delivery_report(request: HttpRequest) -> HttpResponse:
    """Where the SMS gateway reports what became of a message (Kannel's dlr-url:
    `/sms/delivery?id=<our message id>&status=%d&report=%A`)."""
    params = request.POST if request.method == "POST" else request.GET
    if not _from_the_gateway(request, params):
        return _text(str(MSG_NOT_THE_GATEWAY), status=403)
    raw_id = params.get("id", "")
    if not raw_id.isdigit():
        return _text(str(MSG_BAD_ID), status=400)
    try:
        message = message_delivery_report(
            message_id=int(raw_id), status=params.get("status", ""), report=params.get("report", "")
        )
    except MessageRefused as refused:
        return _text(str(refused), status=400)
    if message is None:
        return _text(str(MSG_NO_MESSAGE % {"id": raw_id}), status=404)
    return _text("OK")
