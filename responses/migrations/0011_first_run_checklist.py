from django.db import migrations, models

OLD_REMEDY_DEFAULT = "a replacement or a full refund, whichever you prefer"


def forget_the_promise_nobody_chose(apps, schema_editor):
    """Replies said "a replacement or a full refund" before the owner ever said they offer it:
    an unchanged default becomes unset, so replies promise only to put things right."""
    ReplySettings = apps.get_model("responses", "ReplySettings")
    ReplySettings.objects.filter(remedy_default=OLD_REMEDY_DEFAULT).update(remedy_default="")


def restore_the_old_default(apps, schema_editor):
    ReplySettings = apps.get_model("responses", "ReplySettings")
    ReplySettings.objects.filter(remedy_default="").update(remedy_default=OLD_REMEDY_DEFAULT)


class Migration(migrations.Migration):
    dependencies = [("responses", "0010_breach_alerts")]

    operations = [
        migrations.AddField(
            model_name="digestpreference",
            name="chosen_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name="replysettings",
            name="remedy_default",
            field=models.CharField(
                blank=True,
                default="",
                help_text=(
                    "The remedies you really offer, e.g. 'a refund or a free visit'. Fills "
                    "{remedy} until a remedy is recorded on the case; while empty, replies "
                    "offer only to put things right."
                ),
                max_length=300,
            ),
        ),
        migrations.RunPython(forget_the_promise_nobody_chose, restore_the_old_default),
    ]
