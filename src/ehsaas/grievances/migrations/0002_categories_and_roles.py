from django.db import migrations

from ehsaas.core.choices import Role
from ehsaas.core.roles import grant_permissions
from ehsaas.grievances.shipped import categories_load

REGISTRY_READ = ["registry.view_household", "registry.view_member", "registry.view_identifier"]
# Whoever handles an exclusion or data complaint looks the household up and may ask for its correction.
REGISTRY_FOLLOW_UP = [*REGISTRY_READ, "registry.request_change", "registry.view_changerequest"]
SETTINGS_READ = ["grievances.view_category", "grievances.view_assignmentrule"]
SETTINGS = [
    *SETTINGS_READ, "grievances.change_category", "grievances.add_category", "grievances.add_assignmentrule",
    "grievances.change_assignmentrule", "grievances.delete_assignmentrule",
]
READ = ["grievances.view_complaint", "grievances.view_complaintevent", "grievances.view_resurveyrequest"]
# The roles are new: granting creates their groups. Grievance officers receive complaints (the helpline,
# walk-ins, town halls) and handle those they are given or take up; supervisors also assign and read
# every complaint of their area; investigators alone see the sensitive categories (misconduct, fraud,
# harassment) and handle them; administrators keep the categories and rules and may act as supervisors;
# auditors read; registration officers take complaints at their desks and record re-surveys.
GRANTS = {
    Role.GRIEVANCE_OFFICER: [*READ, *SETTINGS_READ, *REGISTRY_FOLLOW_UP, "grievances.add_complaint",
                             "grievances.handle_complaint"],
    Role.GRIEVANCE_SUPERVISOR: [*READ, *SETTINGS_READ, *REGISTRY_FOLLOW_UP, "grievances.add_complaint",
                                "grievances.handle_complaint", "grievances.supervise_complaints",
                                "grievances.oversee_complaints"],
    Role.INVESTIGATOR: ["grievances.view_sensitive_complaint", "grievances.view_complaintevent",
                        *SETTINGS_READ, *REGISTRY_READ, "grievances.add_complaint", "grievances.handle_complaint",
                        "grievances.oversee_complaints"],
    Role.ADMINISTRATOR: [*READ, *SETTINGS, "grievances.add_complaint", "grievances.supervise_complaints",
                         "grievances.oversee_complaints"],
    Role.AUDITOR: [*READ, *SETTINGS_READ, "grievances.oversee_complaints"],
    Role.REGISTRATION_OFFICER: ["grievances.add_complaint", "grievances.view_resurveyrequest",
                                "grievances.record_resurvey"],
}


def load(apps, schema_editor):
    categories_load(apps.get_model("grievances", "Category"))
    grant_permissions(apps, GRANTS)


class Migration(migrations.Migration):
    dependencies = [("grievances", "0001_complaints"), ("core", "0002_role_groups"),
                    ("registry", "0002_role_permissions")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
