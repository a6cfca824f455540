"""The messages the platform sends, with their first texts. Urdu SMS travel as UCS-2: 70 characters
in one message, 67 a part beyond, so the Urdu texts are kept to one message with typical values filled
in (a programme's name, an amount, a complaint number)."""

from django.db import migrations

TEMPLATES = [
    {
        "code": "enrolment",
        "description": "Sent when a household or person becomes a beneficiary of a programme.",
        "placeholders": ["programme"],
        "text_en": "Ehsaas: you are now in {programme}. You will get an SMS when your payment is ready.",
        "text_ur": "احساس: آپ {programme} میں شامل ہیں۔ رقم تیار ہونے پر SMS آئے گا۔",
    },
    {
        "code": "payment_ready",
        "description": "Sent when a payment is ready to be collected.",
        "placeholders": ["programme", "amount"],
        "text_en": "Ehsaas: your {programme} payment of Rs {amount} is ready. Take your CNIC to collect it.",
        "text_ur": "احساس: {programme} کے {amount} روپے تیار ہیں۔ شناختی کارڈ ساتھ لائیں۔",
    },
    {
        "code": "complaint_received",
        "description": "Sent when a complaint is received, with its tracking number.",
        "placeholders": ["number"],
        "text_en": "Ehsaas: your complaint {number} is received. Keep this number to follow it.",
        "text_ur": "احساس: شکایت {number} موصول ہو گئی۔ یہ نمبر سنبھال کر رکھیں۔",
    },
    {
        "code": "complaint_assigned",
        "description": "Sent when a complaint is given to an officer.",
        "placeholders": ["number"],
        "text_en": "Ehsaas: complaint {number} has been given to an officer to look into.",
        "text_ur": "احساس: شکایت {number} ایک افسر کے سپرد کر دی گئی ہے۔",
    },
    {
        "code": "complaint_escalated",
        "description": "Sent when a complaint goes to a senior officer because it was not resolved in time.",
        "placeholders": ["number"],
        "text_en": "Ehsaas: complaint {number} has been sent to a senior officer.",
        "text_ur": "احساس: شکایت {number} اعلیٰ افسر کو بھیج دی گئی ہے۔",
    },
    {
        "code": "complaint_resolved",
        "description": "Sent when a complaint is resolved; the complainant may appeal once.",
        "placeholders": ["number", "reason"],
        "text_en": "Ehsaas: complaint {number} is resolved: {reason} If you disagree, you may appeal once.",
        "text_ur": "احساس: شکایت {number} حل ہو گئی: {reason} عدم اتفاق پر ایک بار اپیل کریں۔",
    },
    {
        "code": "complaint_appeal",
        "description": "Sent when an appeal against a complaint's resolution is received.",
        "placeholders": ["number"],
        "text_en": "Ehsaas: your appeal on complaint {number} is received and will be reviewed.",
        "text_ur": "احساس: شکایت {number} پر آپ کی اپیل موصول ہو گئی، نظرثانی ہو گی۔",
    },
    {
        "code": "campaign",
        "description": "An announcement to a programme's beneficiaries, edited for each campaign.",
        "placeholders": ["programme"],
        "text_en": "Ehsaas {programme}: please visit your nearest Ehsaas office this week with your CNIC.",
        "text_ur": "احساس {programme}: اس ہفتے شناختی کارڈ کے ساتھ قریبی احساس دفتر آئیں۔",
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
    dependencies = [("messaging", "0001_outbox")]
    operations = [migrations.RunPython(load, unload)]
