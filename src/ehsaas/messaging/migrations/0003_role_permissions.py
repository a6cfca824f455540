from django.db import migrations

from ehsaas.core.choices import Role
from ehsaas.core.roles import grant_permissions

READ = ["messaging.view_message", "messaging.view_messagetemplate"]
MANAGE = [*READ, "messaging.change_messagetemplate", "messaging.send_campaign"]
# The outbox holds people's phone numbers and what they were told: administrators and programme officers
# run it (templates, campaigns), auditors read it; other roles have no need of it.
GRANTS = {
    Role.ADMINISTRATOR: MANAGE,
    Role.PROGRAMME_OFFICER: MANAGE,
    Role.AUDITOR: READ,
}


def grant(apps, schema_editor):
    grant_permissions(apps, GRANTS)


class Migration(migrations.Migration):
    dependencies = [("messaging", "0002_default_templates"), ("core", "0002_role_groups")]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
