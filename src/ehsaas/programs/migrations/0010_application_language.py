from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("programs", "0009_notices_to_messaging")]

    operations = [
        migrations.AddField(
            model_name="application",
            name="language",
            field=models.CharField(
                choices=[("ur", "Urdu"), ("en", "English")],
                default="ur",
                help_text="The language the applicant used: the SMS about the application are written in it",
                max_length=2,
                verbose_name="language",
            ),
        ),
    ]
