"""The messages the programmes send through the outbox (ehsaas.messaging), with their first texts; the
code sending each fills its placeholders (programs/notices.py). The enrolment message is messaging's
own. Urdu SMS travel as UCS-2, 70 characters in one message: the Urdu texts are kept to one with
typical values (a programme's name, a quarter, one condition missed, a tracking number and status)."""

from django.db import migrations

TEMPLATES = [
    {
        "code": "condition_suspended",
        "description": "Sent when a quarter's conditions are evaluated and a beneficiary's payments are "
        "suspended for a condition missed; {reason} names the conditions.",
        "placeholders": ["programme", "quarter", "reason"],
        "text_en": "Ehsaas: your {programme} payments are stopped: {reason} in {quarter}. "
        "They start again once the conditions are met.",
        "text_ur": "احساس: {programme} کی ادائیگی معطل: {quarter} میں {reason}۔",
    },
    {
        "code": "condition_resumed",
        "description": "Sent when a beneficiary suspended for a condition meets the conditions again and "
        "the payments resume.",
        "placeholders": ["programme", "quarter"],
        "text_en": "Ehsaas: your {programme} payments start again: the conditions were met in {quarter}.",
        "text_ur": "احساس: {programme} کی ادائیگی بحال، {quarter} میں شرائط پوری ہو گئیں۔",
    },
    {
        "code": "application_decided",
        "description": "Sent when an application is accepted, rejected or waitlisted, with its tracking "
        "number; the applicant reads the reason on the tracking page.",
        "placeholders": ["number", "programme", "status"],
        "text_en": "Ehsaas: your application {number} to {programme} is {status}. "
        "See why on the Ehsaas website with this number and your CNIC.",
        # Without the programme's name, which would take the Urdu text past one SMS.
        "text_ur": "احساس: درخواست {number}: {status}۔ وجہ ویب سائٹ پر۔",
    },
]


def load(apps, schema_editor):
    MessageTemplate = apps.get_model("messaging", "MessageTemplate")
    for fields in TEMPLATES:
        MessageTemplate.objects.update_or_create(code=fields["code"], defaults=fields)


def unload(apps, schema_editor):
    apps.get_model("messaging", "MessageTemplate").objects.filter(
        code__in=[fields["code"] for fields in TEMPLATES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("programs", "0007_enrolment_reevaluation"), ("messaging", "0002_default_templates")]
    operations = [migrations.RunPython(load, unload)]
