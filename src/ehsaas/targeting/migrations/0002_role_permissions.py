from django.db import migrations

from ehsaas.core.choices import Role
from ehsaas.core.roles import grant_permissions

VIEW = ["targeting.view_pmtmodel", "targeting.view_pmtweight", "targeting.view_scoringrun",
        "targeting.view_householdscore"]  # fmt: skip
# Programme staff and administrators keep the models; each step of a model is taken by someone other
# than its author (the services check it). Analysts and auditors read. Partners see the scores of the
# households in their districts (the household page limits them), never the models.
MANAGE = [
    *VIEW,
    "targeting.draft_pmtmodel",
    "targeting.review_pmtmodel",
    "targeting.activate_pmtmodel",
    "targeting.run_scoring",
]
GRANTS = {
    Role.ADMINISTRATOR: MANAGE,
    Role.PROGRAMME_OFFICER: MANAGE,
    Role.ME_ANALYST: VIEW,
    Role.AUDITOR: VIEW,
    Role.PARTNER: ["targeting.view_householdscore"],
}


def grant(apps, schema_editor):
    grant_permissions(apps, GRANTS)


class Migration(migrations.Migration):
    dependencies = [("targeting", "0001_initial"), ("core", "0002_role_groups")]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
