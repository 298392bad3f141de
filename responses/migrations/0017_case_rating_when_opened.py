"""Each case keeps its review's star rating when it opened (responses/cases.py sets it), so the
recovery report reads it from the case. Existing cases get what the report read until now: the
old rating of the review's first edit after the case opened, else the review's rating now."""

from django.db import migrations, models

FILL_IN = """
UPDATE responses_case SET rating_when_opened = COALESCE(
    (SELECT u.old_rating FROM responses_reviewupdate u
     WHERE u.case_id = responses_case.id ORDER BY u.seen_at, u.id LIMIT 1),
    (SELECT m.rating FROM monitors_mention m WHERE m.id = responses_case.mention_id)
)
"""


class Migration(migrations.Migration):
    dependencies = [("responses", "0016_customers")]

    operations = [
        migrations.AddField(
            model_name="case",
            name="rating_when_opened",
            field=models.DecimalField(
                blank=True, decimal_places=2, editable=False, max_digits=3, null=True
            ),
        ),
        migrations.RunSQL(FILL_IN, migrations.RunSQL.noop),
    ]
