"""The daily summary of mentions (monitors/models/day_counts.py) and, on PostgreSQL, the trigger
that forgets a summarised day as soon as one of its mentions changes.

The trigger runs for a mention inserted with a first-seen time more than an hour old (a late
arrival), for an update of a field a report counts by (label, rating, subject, source, first
seen), and for a deletion. It deletes the CountedDay rows and counts of the mention's UTC date
and the dates either side (a day in any time zone lies within them), after taking the shared
side of an advisory lock whose exclusive side the builder holds while it counts
(monitors/day_counts.py): a change either commits before a day is counted, and is counted, or
waits until the count has committed, and then forgets it. An ordinary poll inserts mentions
seen just now and leaves the trigger's condition false, so ingestion pays nothing for it.

SQLite (the try-it-out default) gets the tables but no trigger: there the builder counts
nothing and reports read the mentions themselves."""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models

# The builder takes pg_advisory_xact_lock(DAY_COUNTS_LOCK): keep in step with
# monitors/day_counts.py.
DAY_COUNTS_LOCK = 0x5244415953  # "RDAYS"

FORGET_FUNCTION = f"""
CREATE OR REPLACE FUNCTION monitors_forget_counted_days() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    first_day date;
    last_day date;
BEGIN
    IF TG_OP = 'INSERT' THEN
        first_day := (NEW.first_seen_at AT TIME ZONE 'UTC')::date;
        last_day := first_day;
    ELSIF TG_OP = 'DELETE' THEN
        first_day := (OLD.first_seen_at AT TIME ZONE 'UTC')::date;
        last_day := first_day;
    ELSE
        first_day := (least(OLD.first_seen_at, NEW.first_seen_at) AT TIME ZONE 'UTC')::date;
        last_day := (greatest(OLD.first_seen_at, NEW.first_seen_at) AT TIME ZONE 'UTC')::date;
    END IF;
    PERFORM pg_advisory_xact_lock_shared({DAY_COUNTS_LOCK});
    DELETE FROM monitors_countedday WHERE day BETWEEN first_day - 1 AND last_day + 1;
    DELETE FROM monitors_mentiondaycount WHERE day BETWEEN first_day - 1 AND last_day + 1;
    RETURN NULL;
END
$$;
"""

TRIGGERS = """
CREATE TRIGGER monitors_mention_late_insert_forgets_counted_days
    AFTER INSERT ON monitors_mention FOR EACH ROW
    WHEN (NEW.first_seen_at < statement_timestamp() - interval '1 hour')
    EXECUTE FUNCTION monitors_forget_counted_days();
CREATE TRIGGER monitors_mention_update_forgets_counted_days
    AFTER UPDATE ON monitors_mention FOR EACH ROW
    WHEN ((OLD.label, OLD.rating, OLD.subject, OLD.source_id, OLD.first_seen_at)
          IS DISTINCT FROM (NEW.label, NEW.rating, NEW.subject, NEW.source_id, NEW.first_seen_at))
    EXECUTE FUNCTION monitors_forget_counted_days();
CREATE TRIGGER monitors_mention_delete_forgets_counted_days
    AFTER DELETE ON monitors_mention FOR EACH ROW
    EXECUTE FUNCTION monitors_forget_counted_days();
"""

DROP = """
DROP TRIGGER IF EXISTS monitors_mention_late_insert_forgets_counted_days ON monitors_mention;
DROP TRIGGER IF EXISTS monitors_mention_update_forgets_counted_days ON monitors_mention;
DROP TRIGGER IF EXISTS monitors_mention_delete_forgets_counted_days ON monitors_mention;
DROP FUNCTION IF EXISTS monitors_forget_counted_days();
"""


def create_trigger(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORGET_FUNCTION)
        schema_editor.execute(TRIGGERS)


def drop_trigger(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("monitors", "0012_demo_sources_reach_this_machine")]

    operations = [
        migrations.CreateModel(
            name="CountedDay",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("zone", models.CharField(max_length=64)),
                ("day", models.DateField()),
                ("counted_at", models.DateTimeField(default=django.utils.timezone.now)),
            ],
            options={
                "indexes": [models.Index(fields=["day"], name="counted_day_day")],
                "constraints": [
                    models.UniqueConstraint(fields=("zone", "day"), name="counted_day_once")
                ],
            },
        ),
        migrations.CreateModel(
            name="MentionDayCount",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("zone", models.CharField(max_length=64)),
                ("day", models.DateField()),
                (
                    "subject",
                    models.CharField(
                        choices=[("ours", "Our business"), ("competitor", "A competitor")],
                        max_length=20,
                    ),
                ),
                (
                    "label",
                    models.CharField(
                        choices=[
                            ("negative", "Negative"),
                            ("neutral", "Neutral"),
                            ("positive", "Positive"),
                        ],
                        max_length=10,
                    ),
                ),
                ("mentions", models.PositiveIntegerField()),
                ("rated", models.PositiveIntegerField()),
                ("rating_sum", models.DecimalField(decimal_places=2, max_digits=14)),
                (
                    "source",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="monitors.source",
                    ),
                ),
            ],
            options={
                "indexes": [models.Index(fields=["day"], name="mention_day_count_day")],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("zone", "day", "source", "subject", "label"),
                        name="mention_day_count_once",
                    )
                ],
            },
        ),
        migrations.RunPython(create_trigger, drop_trigger),
    ]
