"""The demo's complaints: a dozen from every channel in the partner's districts and Karachi, some taken
up, one resolved and appealed, one resolved, and a few received long enough ago that the SLA timer has
warned of or escalated them, so that the queue shows every colour."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from ehsaas.core.models import District
from ehsaas.grievances.choices import Channel
from ehsaas.grievances.models import AssignmentRule, Category, Complaint
from ehsaas.grievances.services.escalation import complaints_escalate
from ehsaas.grievances.services.handling import complaint_appeal, complaint_resolve, complaint_take
from ehsaas.grievances.services.receiving import complaint_input, complaint_receive

OPERATOR, SUPERVISOR = "grievances", "supervisor"
# district, category, channel, language, days ago, description, phone
COMPLAINTS = (
    ("Lahore", "payment_not_received", Channel.SMS, "ur", 0, "میری قسط اس مہینے نہیں ملی", "03001234501"),
    ("Lahore", "payment_deduction", Channel.HELPLINE, "ur", 1, "ایجنٹ نے دو ہزار روپے کاٹ لیے", "03001234502"),
    ("Lahore", "targeting", Channel.WALK_IN, "ur", 3, "ہم غریب ہیں مگر اہل نہیں بتایا گیا", "03001234503"),
    ("Muzaffargarh", "biometric_failure", Channel.HELPLINE, "ur", 6, "انگوٹھے کا نشان تین بار ناکام ہوا", "03001234504"),
    ("Muzaffargarh", "data_correction", Channel.PORTAL, "en", 2, "My daughter's date of birth is wrong", "03001234505"),
    ("Muzaffargarh", "payment_not_received", Channel.TOWN_HALL, "ur", 9, "تین ماہ سے ادائیگی نہیں ہوئی", ""),
    ("Karachi Central", "misconduct", Channel.HELPLINE, "ur", 4, "دفتر کے عملے نے بدتمیزی کی", "03001234507"),
    ("Karachi Central", "payment_deduction", Channel.SMS, "ur", 10, "دکاندار نے رقم میں سے کٹوتی کی", "03001234508"),
    ("Lahore", "targeting", Channel.PORTAL, "en", 35, "Our household was surveyed but never enrolled", "03001234509"),
    ("Muzaffargarh", "other", Channel.WALK_IN, "ur", 1, "دفتر میں بیٹھنے کی جگہ نہیں", "03001234510"),
)  # fmt: skip
RESOLVED = _lazy("The payment was sent again; collect it at the campsite with your CNIC.")


def demo_complaints() -> str:
    users = get_user_model().objects.in_bulk([OPERATOR, SUPERVISOR], field_name="username")
    if Complaint.objects.exists() or OPERATOR not in users:
        return _("Complaints are recorded already: none added.")
    # The demo's grievance officer handles the complaints of the partner's districts that are not
    # sensitive; the others go to the supervisor (and misconduct to the investigator).
    districts = {d.name_en: d for d in District.objects.filter(name_en__in={c[0] for c in COMPLAINTS})}
    categories = {c.code: c for c in Category.objects.all()}
    for name in ("Lahore", "Muzaffargarh"):
        for category in categories.values():
            if not category.sensitive and name in districts:
                AssignmentRule.objects.get_or_create(district=districts[name], category=category,
                                                     defaults={"officer": users[OPERATOR]})  # fmt: skip
    now, made = timezone.now(), []
    for district, category, channel, language, days_ago, text, phone in COMPLAINTS:
        checked = complaint_input(category=categories.get(category), description=text, phone=phone,
                                  language=language, district=districts.get(district))  # fmt: skip
        staff = None if channel in (Channel.PORTAL, Channel.SMS) else users[OPERATOR]
        made.append(complaint_receive(acting_user=staff, channel=channel, complaint=checked,
                                      now=now - timedelta(days=days_ago)))  # fmt: skip
    for complaint in (made[1], made[3]):  # one resolved and appealed, one resolved
        handler = complaint.assigned_to or users[SUPERVISOR]
        complaint_take(acting_user=handler, complaint=complaint)
        complaint_resolve(acting_user=handler, complaint=complaint, resolution=str(RESOLVED))
    complaint_appeal(acting_user=None, complaint=made[1], reason=_("The money has still not come."))
    figures = complaints_escalate(now=now)
    return _("Recorded %(count)s complaints; %(escalated)s escalated on their SLA.") % {
        "count": len(made), "escalated": figures.escalated,
    }  # fmt: skip
