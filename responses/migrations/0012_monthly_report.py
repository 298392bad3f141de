from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("responses", "0011_first_run_checklist")]

    operations = [
        migrations.AddField(
            model_name="digestpreference",
            name="monthly_report",
            field=models.BooleanField(default=True, verbose_name="Email me the monthly report"),
        ),
    ]
