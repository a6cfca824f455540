from django.db import migrations

from ehsaas.core.choices import Role
from ehsaas.core.roles import grant_permissions

# A simulation changes nothing, but it shows national counts and costs: programme staff, analysts and
# administrators run them; partners (scoped to districts) and auditors do not.
GRANTS = {
    Role.ADMINISTRATOR: ["targeting.run_simulation"],
    Role.PROGRAMME_OFFICER: ["targeting.run_simulation"],
    Role.ME_ANALYST: ["targeting.run_simulation"],
}


def grant(apps, schema_editor):
    grant_permissions(apps, GRANTS)


class Migration(migrations.Migration):
    dependencies = [("targeting", "0004_current_scores_room_for_updates"), ("core", "0002_role_groups")]

    operations = [
        migrations.AlterModelOptions(
            name="pmtmodel",
            options={
                "ordering": ["-created_at", "-id"],
                "permissions": [
                    ("draft_pmtmodel", "Can draft and submit PMT models"),
                    ("review_pmtmodel", "Can approve or reject PMT models"),
                    ("activate_pmtmodel", "Can activate PMT models"),
                    ("run_scoring", "Can start a scoring run"),
                    ("run_simulation", "Can run targeting simulations (what-if)"),
                ],
                "verbose_name": "PMT model",
                "verbose_name_plural": "PMT models",
            },
        ),
        migrations.RunPython(grant, migrations.RunPython.noop),
    ]
