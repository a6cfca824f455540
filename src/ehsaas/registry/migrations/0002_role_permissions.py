from django.db import migrations

from ehsaas.core.choices import Role
from ehsaas.core.roles import grant_permissions

READ = ["registry.view_household", "registry.view_member", "registry.view_identifier"]
# Registration staff keep the registry; an administrator may do all they do.
REGISTRATION = [
    *READ,
    "registry.register_household",
    "registry.import_registry",
    "registry.request_change",
    "registry.decide_change",
    "registry.review_duplicates",
    "registry.view_changerequest",
    "registry.view_duplicatecandidate",
]
GRANTS = {
    Role.ADMINISTRATOR: REGISTRATION,
    Role.REGISTRATION_OFFICER: REGISTRATION,
    Role.PROGRAMME_OFFICER: [*READ, "registry.request_change", "registry.view_changerequest"],
    Role.PARTNER: [*READ, "registry.request_change", "registry.view_changerequest"],
    Role.FINANCE_OFFICER: READ,
    Role.ME_ANALYST: READ,
    Role.AUDITOR: [*READ, "registry.view_changerequest", "registry.view_duplicatecandidate"],
}


def grant(apps, schema_editor):
    grant_permissions(apps, GRANTS)


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial"), ("core", "0002_role_groups")]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
