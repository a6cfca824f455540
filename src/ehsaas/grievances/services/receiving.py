"""Receiving complaints: one from any channel (the portal, SMS, the helpline, an office), or a town-hall
meeting's many at once. A complaint is checked (every problem by field), linked to the complainant's
household when the registry knows them, given its tracking number and its SLA due date, sent to the
officer the assignment rules name, and the complainant is told its number."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from ehsaas.core.identity import InvalidIdentifier, normalize_cnic, normalize_mobile
from ehsaas.core.models import District
from ehsaas.grievances import notify
from ehsaas.grievances.assignment import Assigner
from ehsaas.grievances.choices import Channel, ComplaintStatus, EventKind
from ehsaas.grievances.models import Category, Complaint, TrackingNumber, format_tracking_number
from ehsaas.grievances.services import ComplaintRefused
from ehsaas.grievances.services.history import audit, step
from ehsaas.registry.models import Household, Identifier, Member

MAX_DESCRIPTION = 4000
LANGUAGES = ("ur", "en")

MSG_DESCRIPTION = _("Write what the complaint is about.")
MSG_DESCRIPTION_LONG = _("Keep the complaint within %(count)s characters.")
MSG_CATEGORY = _("Choose what the complaint is about.")
MSG_CHANNEL = _(
    "A complaint is received by the portal, SMS, the helpline, at an office or at a town-hall meeting."
)
MSG_PHONE = _("The mobile number %(problem)s.")
MSG_CNIC = _("The CNIC %(problem)s.")
MSG_LANGUAGE = _("The language is Urdu (ur) or English (en).")
RECEIVED_ON = {
    Channel.PORTAL: _("received on the portal"),
    Channel.SMS: _("received by SMS"),
    Channel.HELPLINE: _("received by the helpline"),
    Channel.WALK_IN: _("received at an office"),
    Channel.TOWN_HALL: _("received at a town-hall meeting"),
}
STAFF_CHANNELS = (Channel.HELPLINE, Channel.WALK_IN, Channel.TOWN_HALL)


@dataclass(frozen=True)
class ComplaintInput:
    """One complaint as received, checked: the form, a line of a town-hall file, an SMS."""

    category: Category
    description: str
    anonymous: bool = False
    name: str = ""
    phone: str = ""
    cnic: str = ""
    language: str = "ur"
    district: District | None = None


def complaint_input(
    *, category: Category | None, description: str, anonymous: bool = False, name: str = "", phone: str = "",
    cnic: str = "", language: str = "ur", district: District | None = None,
) -> ComplaintInput:  # fmt: skip
    """The complaint checked, or ComplaintRefused with every problem by field. An anonymous complaint
    keeps no name and no CNIC; it may keep a phone to be told of its progress."""
    errors: dict[str, list[str]] = {}
    description = (description or "").strip()
    if not description:
        errors["description"] = [_g(MSG_DESCRIPTION)]
    elif len(description) > MAX_DESCRIPTION:
        errors["description"] = [_g(MSG_DESCRIPTION_LONG) % {"count": MAX_DESCRIPTION}]
    if category is None or not category.active:
        errors["category"] = [_g(MSG_CATEGORY)]
    if language not in LANGUAGES:
        errors["language"] = [_g(MSG_LANGUAGE)]
    phone = (phone or "").strip()
    if phone:
        try:
            phone = normalize_mobile(phone)
        except InvalidIdentifier as error:
            errors["phone"] = [_g(MSG_PHONE) % {"problem": error}]
    name, cnic = ("", "") if anonymous else (" ".join((name or "").split())[:150], (cnic or "").strip())
    if cnic:
        try:
            cnic = normalize_cnic(cnic)
        except InvalidIdentifier as error:
            errors["cnic"] = [_g(MSG_CNIC) % {"problem": error}]
    if errors:
        raise ComplaintRefused(errors)
    return ComplaintInput(category=category, description=description, anonymous=anonymous, name=name,
                          phone=phone, cnic=cnic, language=language, district=district)  # fmt: skip


def _household_of(complaint: ComplaintInput) -> Household | None:
    """The complainant's household: the one whose member holds the CNIC, else the one household whose
    phone (or a member's) is theirs. An anonymous complaint is never linked to anyone."""
    if complaint.anonymous:
        return None
    if complaint.cnic:
        holder = (
            Identifier.objects.filter(number=complaint.cnic, active=True).select_related("member").first()
        )
        if holder is not None:
            return Household.objects.filter(pk=holder.member.household_id).first()
    if complaint.phone:
        ids = set(Household.objects.filter(phone=complaint.phone).values_list("pk", flat=True)[:2])
        ids |= set(Member.objects.filter(phone=complaint.phone).values_list("household_id", flat=True)[:2])
        if len(ids) == 1:
            return Household.objects.filter(pk=ids.pop()).first()
    return None


def sla_due_at(category: Category, start: datetime) -> datetime:
    """When a complaint received (or appealed, or put in another category) counting from `start` must be
    resolved by: its category's days of service later."""
    return start + timedelta(days=category.sla_days)


def _tracking_number() -> tuple[TrackingNumber, str]:
    """A tracking number drawn from its sequence, and as the complainant writes it (GR-2026-000123)."""
    number = TrackingNumber.objects.create()
    return number, format_tracking_number(number.pk, number.drawn_at)


def _create(
    checked: ComplaintInput, *, channel: str, acting_user, place: str, now: datetime, assigner: Assigner
) -> Complaint:
    household = _household_of(checked)
    district = checked.district or (household.district if household else None)
    officer, supervisor = assigner.route(
        district_id=district.pk if district else None, category=checked.category
    )
    number, tracking_number = _tracking_number()
    staff = acting_user if getattr(acting_user, "is_authenticated", False) else None
    complaint = Complaint.objects.create(
        tracking_number=tracking_number, number=number, channel=channel,
        category=checked.category, description=checked.description, anonymous=checked.anonymous,
        name=checked.name, phone=checked.phone, cnic=checked.cnic, language=checked.language,
        district=district, household=household, place=place[:200], received_at=now, received_by=staff,
        due_at=sla_due_at(checked.category, now), assigned_to=officer, supervisor=supervisor,
        status=ComplaintStatus.ASSIGNED if officer else ComplaintStatus.RECEIVED,
    )  # fmt: skip
    step(complaint, EventKind.RECEIVED, staff, now, str(RECEIVED_ON[channel]))
    if officer is not None:
        step(complaint, EventKind.ASSIGNED, None, now)
    audit(staff, complaint, "received", RECEIVED_ON[channel], channel=channel,
          category=checked.category.code, assigned_to=officer.pk if officer else None)  # fmt: skip
    if channel != Channel.SMS:  # an SMS complaint is answered with its number straight away
        notify.complaint_notify(complaint, notify.RECEIVED)
    return complaint


def _check_receiver(acting_user, channel: str) -> None:
    if channel not in Channel.values:
        raise ComplaintRefused(MSG_CHANNEL)
    if channel in STAFF_CHANNELS and not (
        getattr(acting_user, "is_authenticated", False) and acting_user.has_perm("grievances.add_complaint")
    ):
        raise PermissionDenied


@transaction.atomic
def complaint_receive(
    *, acting_user, channel: str, complaint: ComplaintInput, place: str = "", now: datetime | None = None
) -> Complaint:
    """Record a complaint, give it its tracking number and its due date, and send it to the officer the
    rules name (or a supervisor of the area). Staff channels need the right to receive complaints; the
    portal and SMS are open to anyone (acting_user None or anonymous)."""
    _check_receiver(acting_user, channel)
    return _create(complaint, channel=channel, acting_user=acting_user, place=place,
                   now=now or timezone.now(), assigner=Assigner())  # fmt: skip


@transaction.atomic
def complaints_receive_bulk(
    *, acting_user, complaints: list[ComplaintInput], place: str, channel: str = Channel.TOWN_HALL,
    now: datetime | None = None,
) -> list[Complaint]:  # fmt: skip
    """The complaints of a town-hall meeting, checked already (every line, before any is written), all
    recorded or none."""
    _check_receiver(acting_user, channel)
    now, assigner = now or timezone.now(), Assigner()
    return [
        _create(checked, channel=channel, acting_user=acting_user, place=place, now=now, assigner=assigner)
        for checked in complaints
    ]
