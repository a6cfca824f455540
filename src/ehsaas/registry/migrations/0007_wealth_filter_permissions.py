from django.db import migrations

from ehsaas.core.choices import Role
from ehsaas.core.roles import grant_permissions

# Reading wealth lists, their matches and overrides; a partner reads only its districts' (the fetchers
# scope it). Finance officers have no part in targeting and are not given it.
READ = ["registry.view_wealthlist", "registry.view_wealthflag", "registry.view_wealthoverride"]
GRANTS = {
    Role.ADMINISTRATOR: [*READ, "registry.import_wealth_list", "registry.decide_wealth_override"],
    Role.PROGRAMME_OFFICER: [
        *READ,
        "registry.import_wealth_list",
        "registry.request_wealth_override",
        "registry.decide_wealth_override",
    ],
    Role.REGISTRATION_OFFICER: [*READ, "registry.request_wealth_override"],
    Role.ME_ANALYST: READ,
    Role.AUDITOR: READ,
    Role.PARTNER: READ,
}


def grant(apps, schema_editor):
    grant_permissions(apps, GRANTS)


class Migration(migrations.Migration):
    dependencies = [("registry", "0006_wealth_filters"), ("core", "0002_role_groups")]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
