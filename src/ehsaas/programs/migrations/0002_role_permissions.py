from django.db import migrations

from ehsaas.core.choices import Role
from ehsaas.core.roles import grant_permissions

PROGRAMMES = ["programs.view_programme", "programs.view_benefitrule", "programs.view_conditionrule"]
BENEFICIARIES = ["programs.view_beneficiary", "programs.view_beneficiarystatuschange"]
# Programme officers and administrators configure programmes and switch them on and off; everyone who
# works with households reads them and their beneficiaries (partners only in their districts, which the
# fetchers see to).
GRANTS = {
    Role.ADMINISTRATOR: [*PROGRAMMES, *BENEFICIARIES, "programs.configure_programme", "programs.activate_programme"],
    Role.PROGRAMME_OFFICER: [
        *PROGRAMMES, *BENEFICIARIES, "programs.configure_programme", "programs.activate_programme",
    ],
    Role.REGISTRATION_OFFICER: [*PROGRAMMES, *BENEFICIARIES],
    Role.FINANCE_OFFICER: [*PROGRAMMES, *BENEFICIARIES],
    Role.ME_ANALYST: [*PROGRAMMES, *BENEFICIARIES],
    Role.AUDITOR: [*PROGRAMMES, *BENEFICIARIES],
    Role.PARTNER: [*PROGRAMMES, *BENEFICIARIES],
}


def grant(apps, schema_editor):
    grant_permissions(apps, GRANTS)


class Migration(migrations.Migration):
    dependencies = [("programs", "0001_initial"), ("core", "0002_role_groups")]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
