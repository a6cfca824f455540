# Re-evaluation: enrolment runs that judge only the households changed since the last settled run.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("programs", "0006_applications"),
    ]

    operations = [
        migrations.AddField(
            model_name="enrolmentrun",
            name="changed_since",
            field=models.DateTimeField(blank=True, null=True, verbose_name="changed since"),
        ),
        migrations.AddField(
            model_name="enrolmentrun",
            name="households",
            field=models.PositiveIntegerField(default=0, verbose_name="households re-evaluated"),
        ),
        migrations.AddField(
            model_name="enrolmentrun",
            name="scope",
            field=models.CharField(
                choices=[
                    ("registry", "The whole registry"),
                    ("changed", "Households changed since the last run"),
                ],
                default="registry",
                max_length=10,
                verbose_name="judges",
            ),
        ),
        migrations.AlterField(
            model_name="enrolmentrun",
            name="status",
            field=models.CharField(
                choices=[
                    ("computing", "Computing"),
                    ("ready", "Awaiting approval"),
                    ("approved", "Awaiting confirmation"),
                    ("confirmed", "Confirmed"),
                    ("rejected", "Rejected"),
                    ("superseded", "Superseded"),
                    ("failed", "Failed"),
                    ("unchanged", "Nothing to change"),
                ],
                default="computing",
                max_length=12,
                verbose_name="status",
            ),
        ),
    ]
