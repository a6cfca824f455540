from django.db import migrations

from ehsaas.core.choices import Role
from ehsaas.core.roles import grant_permissions

READ = ["community.view_feedbacksession", "community.view_advisoryboard", "community.view_surveyround"]
RECORD = ["community.record_feedback", "community.manage_board", "community.import_survey"]
# Programme officers and partner organisations record sessions, boards and survey responses (partners only
# in their districts, which the fetchers and services see to); programme officers also set up survey
# rounds. M&E analysts and auditors read everything, nationwide.
GRANTS = {
    Role.ADMINISTRATOR: [*READ, *RECORD, "community.design_survey"],
    Role.PROGRAMME_OFFICER: [*READ, *RECORD, "community.design_survey"],
    Role.PARTNER: [*READ, *RECORD],
    Role.ME_ANALYST: READ,
    Role.AUDITOR: READ,
}


def grant(apps, schema_editor):
    grant_permissions(apps, GRANTS)


class Migration(migrations.Migration):
    dependencies = [("community", "0001_initial"), ("core", "0002_role_groups")]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
