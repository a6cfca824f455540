from django.db import migrations

from ehsaas.targeting.illustrative import illustrative_model_load


def load(apps, schema_editor):
    illustrative_model_load(apps.get_model("targeting", "PmtModel"), apps.get_model("targeting", "PmtWeight"))


def unload(apps, schema_editor):
    PmtModel = apps.get_model("targeting", "PmtModel")
    models = PmtModel.objects.filter(is_illustrative=True, runs__isnull=True, author__isnull=True)
    apps.get_model("targeting", "PmtWeight").objects.filter(model__in=models).delete()
    models.delete()


class Migration(migrations.Migration):
    dependencies = [("targeting", "0002_role_permissions")]
    operations = [migrations.RunPython(load, unload)]
