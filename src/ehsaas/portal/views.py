"""The public 8171 pages: the eligibility check in a browser, and the SMS gateway's service URL."""

import secrets

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from ehsaas.core.identity import format_cnic
from ehsaas.payments.collection.selectors import latest_payment_for_cnic
from ehsaas.portal.eligibility import eligibility_for_cnic
from ehsaas.portal.forms import CheckForm
from ehsaas.portal.limits import TooManyChecks, count_check_from_address
from ehsaas.portal.messages import MSG_TOO_MANY, is_gsm7
from ehsaas.portal.sms import sms_reply

LOOPBACK = {"127.0.0.1", "::1"}
MSG_NOT_THE_GATEWAY = _("Only the SMS gateway may call this address.")
MSG_NO_SENDER = _("The sender's number (from) is missing.")


@never_cache
@require_http_methods(["GET", "POST"])
def check(request: HttpRequest) -> HttpResponse:
    """Anyone, signed in or not, types a CNIC and reads the answer. A mistyped number is shown again
    with what is wrong; too many checks from one address are refused politely (HTTP 429)."""
    form = CheckForm(request.POST if request.method == "POST" else None)
    context = {"form": form}
    status = 200
    if form.is_valid():
        digits = form.cleaned_data["cnic"]
        try:
            count_check_from_address(request)
            context |= {"answer": eligibility_for_cnic(digits), "cnic": format_cnic(digits)}
        except TooManyChecks:
            context["refusal"] = MSG_TOO_MANY
            status = 429
    return render(request, "portal/check.html", context, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def payment_track(request: HttpRequest) -> HttpResponse:
    """Anyone types a CNIC and reads whether and where its latest payment can be collected or was paid
    (no name, account, phone or amount); counted with the eligibility check's limit per address."""
    form = CheckForm(request.POST if request.method == "POST" else None)
    context = {"form": form}
    status = 200
    if form.is_valid():
        digits = form.cleaned_data["cnic"]
        try:
            count_check_from_address(request)
            context |= {"tracking": latest_payment_for_cnic(digits), "cnic": format_cnic(digits)}
        except TooManyChecks:
            context["refusal"] = MSG_TOO_MANY
            status = 429
    return render(request, "portal/payment_track.html", context, status=status)


def _from_the_gateway(request: HttpRequest, params) -> bool:
    """With SMS_GATEWAY_TOKEN set, the gateway proves itself with it; without, it must be on this machine."""
    if settings.SMS_GATEWAY_TOKEN:
        return secrets.compare_digest(params.get("token", ""), settings.SMS_GATEWAY_TOKEN)
    return request.META.get("REMOTE_ADDR") in LOOPBACK


def _text(body: str, status: int = 200) -> HttpResponse:
    response = HttpResponse(body, status=status, content_type="text/plain; charset=utf-8")
    if not is_gsm7(body):
        # Kannel sends the reply as UCS-2 only when told; Urdu would otherwise arrive as question marks.
        response["X-Kannel-Coding"] = "2"
    return response


@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def sms_inbound(request: HttpRequest) -> HttpResponse:
    """The service URL an SMS gateway calls for each message to 8171 (Kannel's get-url:
    `/sms/inbound?from=%p&text=%a`, or a form POST): the response body is the reply."""
    params = request.POST if request.method == "POST" else request.GET
    if not _from_the_gateway(request, params):
        return _text(str(MSG_NOT_THE_GATEWAY), status=403)
    sender, text = params.get("from", "").strip(), params.get("text", "")
    if not sender:
        return _text(str(MSG_NO_SENDER), status=400)
    return _text(sms_reply(request, sender=sender, text=text))
