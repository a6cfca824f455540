"""Complaints by SMS: what the SMS gateway's reply says when a citizen sends a complaint, asks for its
status, or appeals its resolution. Each function returns the reply in the active language (the caller
chooses it from the message); the citizen is named by the phone the message came from, and a status
or an appeal is answered only to the phone the complaint was made from."""

from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from ehsaas.core.identity import InvalidIdentifier, normalize_mobile
from ehsaas.grievances.choices import Channel, ComplaintStatus
from ehsaas.grievances.models import Category, Complaint
from ehsaas.grievances.services.handling import complaint_appeal
from ehsaas.grievances.services.receiving import complaint_input, complaint_receive
from ehsaas.grievances.shipped import UNSORTED
from ehsaas.grievances.tracking import parse_tracking_number, split_tracking_number

# The longest part of a resolution an SMS repeats (three UCS-2 parts hold about 200 characters).
REASON_IN_SMS = 120

# Translators: SMS replies; keep the Urdu within 70 characters where the words allow (one UCS-2 SMS).
SMS_COMPLAINT_HELP = _("To complain, send COMPLAINT and then what happened.")
SMS_COMPLAINT_RECEIVED = _("Complaint received: %(number)s. To follow it send STATUS %(number)s")
SMS_STATUS_HELP = _("To follow a complaint, send STATUS and its number, e.g. STATUS GR-2026-000123.")
SMS_NOT_FOUND = _("No complaint %(number)s was made from this phone.")
SMS_STATUS = _("Complaint %(number)s: %(status)s. Due by %(due)s.")
SMS_STATUS_RESOLVED = _("Complaint %(number)s resolved: %(reason)s")
SMS_APPEAL_HELP = _(
    "To appeal, send APPEAL, the complaint's number and why, e.g. APPEAL GR-2026-000123 no payment."
)
SMS_APPEAL_RECEIVED = _("Appeal on complaint %(number)s received. A supervisor will review it.")
SMS_TOO_MANY = _("Too many complaints from this number today. Please call the helpline.")


def _shortened(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def complaint_from_sms(*, phone: str, text: str, language: str) -> str:
    """A complaint in the words after the keyword, received from `phone`; the reply gives its number."""
    if not text.strip():
        return str(SMS_COMPLAINT_HELP)
    try:
        checked = complaint_input(
            category=Category.objects.filter(code=UNSORTED).first(), description=text, phone=phone,
            language=language,
        )  # fmt: skip
        complaint = complaint_receive(acting_user=None, channel=Channel.SMS, complaint=checked)
    except ValidationError as error:
        return " ".join(error.messages)
    return _g(SMS_COMPLAINT_RECEIVED) % {"number": complaint.tracking_number}


def _own_complaint(phone: str, number: str) -> Complaint | None:
    """The complaint `number` if it was made from `phone` (however the gateway writes the number)."""
    try:
        phone = normalize_mobile(phone)
    except InvalidIdentifier:
        return None
    return Complaint.objects.filter(tracking_number=number, phone=phone).first()


def complaint_status_from_sms(*, phone: str, text: str) -> str:
    number = parse_tracking_number(text)
    if number is None:
        return str(SMS_STATUS_HELP)
    complaint = _own_complaint(phone, number)
    if complaint is None:
        return _g(SMS_NOT_FOUND) % {"number": number}
    if complaint.status == ComplaintStatus.RESOLVED:
        return _g(SMS_STATUS_RESOLVED) % {
            "number": number,
            "reason": _shortened(complaint.resolution, REASON_IN_SMS),
        }
    due = formats.date_format(timezone.localtime(complaint.due_at), "j M Y")
    return _g(SMS_STATUS) % {"number": number, "status": complaint.get_status_display(), "due": due}


def complaint_appeal_from_sms(*, phone: str, text: str) -> str:
    number, reason = split_tracking_number(text)
    if number is None:
        return str(SMS_APPEAL_HELP)
    complaint = _own_complaint(phone, number)
    if complaint is None:
        return _g(SMS_NOT_FOUND) % {"number": number}
    try:
        complaint_appeal(acting_user=None, complaint=complaint, reason=reason)
    except ValidationError as error:
        return " ".join(error.messages)
    return _g(SMS_APPEAL_RECEIVED) % {"number": number}
