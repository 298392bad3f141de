"""The root-cause tags every business starts with; the owner edits the list later."""

from django.db import migrations

DEFAULT_TAGS = ("Product defect", "Delivery", "Staff behaviour", "Billing", "Pricing", "Other")


def create(apps, schema_editor):
    Tag = apps.get_model("responses", "Tag")
    for position, name in enumerate(DEFAULT_TAGS):
        Tag.objects.get_or_create(name=name, defaults={"position": position})


class Migration(migrations.Migration):
    dependencies = [("responses", "0001_initial")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
