from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("monitors", "0013_day_counts")]

    operations = [
        migrations.AddIndex(
            model_name="mention",
            index=models.Index(
                condition=models.Q(("label", "negative")),
                fields=["-first_seen_at", "-id"],
                name="mention_negative_recent",
            ),
        ),
    ]
