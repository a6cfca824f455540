"""Load the provinces, divisions, districts and tehsils shipped in core/data, so that `migrate` alone
leaves a registry ready to use. Later changes to the files are applied with `ehsaas load-geography`."""

from django.db import migrations

from ehsaas.core.geography import geography_load


def load_geography(apps, schema_editor):
    geography_load(apps=apps, using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [("core", "0002_role_groups")]
    # Going back leaves the rows in place: other tables point at them, and 0001 drops them anyway.
    operations = [migrations.RunPython(load_geography, migrations.RunPython.noop)]
