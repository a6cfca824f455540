from django.db import migrations

from ehsaas.programs.shipped import shipped_programmes_load


def load(apps, schema_editor):
    shipped_programmes_load(
        apps.get_model("programs", "Programme"),
        apps.get_model("programs", "BenefitRule"),
        apps.get_model("programs", "ConditionRule"),
    )


class Migration(migrations.Migration):
    dependencies = [("programs", "0002_role_permissions")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
