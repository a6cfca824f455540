"""The SMS that carries a one-time collection code to a beneficiary whose fingerprint failed at a
payment point: with her CNIC it lets a bank branch pay her out. The code sending it fills the
placeholders (payments/collection/services.py)."""

from django.db import migrations

TEMPLATES = [
    {
        "code": "collection_code",
        "description": "Sent when a beneficiary's fingerprint fails at a payment point after the allowed "
        "attempts: a one-time code that, with her CNIC, lets a bank branch pay her out.",
        "placeholders": ["code", "amount", "hours"],
        "text_en": "Ehsaas: your code is {code}. Take it with your CNIC to a bank branch to collect "
        "Rs {amount}. Valid {hours} hours. Do not share it.",
        "text_ur": "احساس: آپ کا کوڈ {code}۔ شناختی کارڈ کے ساتھ بینک برانچ سے {amount} روپے لیں۔",
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
    dependencies = [("payments", "0002_providers_and_roles"), ("messaging", "0002_default_templates")]
    operations = [migrations.RunPython(load, unload)]
