"""The incident scripts every business starts with: humble, honest holding statements that say
what we know and what we do not, and the follow-up once it is fixed. The owner edits them."""

from django.db import migrations

SCRIPTS = [
    (
        "Outage",
        "The site, app or service is down or failing for many people.",
        "Hi {author}, thank you for telling us, and we're sorry: our service is not working "
        "properly right now and you are not alone. We are working on a fix and will update "
        "this reply when it is back. If you need help before then, please write to us at "
        "{contact}. — {business}",
        "Hi {author}, thank you for your patience, and sorry again for the outage. It is fixed "
        "now. We have reviewed what went wrong and changed how we work so it does not happen "
        "again. If anything still does not work for you, please write to us at {contact}. "
        "— {business}",
    ),
    (
        "Delivery delay",
        "Orders are late: a carrier problem, a storm, a stock shortage.",
        "Hi {author}, thank you for letting us know, and we're sorry your order is late. A "
        "problem on our side is holding up deliveries, and we are working to get every order "
        "moving again. We will update you as soon as we know more; for your order's details, "
        "please write to us at {contact}. — {business}",
        "Hi {author}, thank you for bearing with us, and sorry again for the late delivery. "
        "Orders are moving normally again. We have changed how we plan deliveries so a delay "
        "like this reaches you as news from us first. If your order has not arrived, please "
        "write to us at {contact} and we will sort it out. — {business}",
    ),
    (
        "Data issue",
        "Customers see wrong data: balances, bookings, orders or accounts.",
        "Hi {author}, thank you for telling us, and we're sorry for the confusion. Some "
        "accounts are showing wrong information because of a problem on our side; we are "
        "checking every affected account and will put it right. Please do not worry about "
        "doing anything yourself: write to us at {contact} if you have questions. — {business}",
        "Hi {author}, thank you for your patience, and sorry again. The information in the "
        "affected accounts has been corrected. We have added checks so an error like this is "
        "caught before it reaches you. If anything still looks wrong, please write to us at "
        "{contact}. — {business}",
    ),
    (
        "Bad batch",
        "A batch of a product was faulty or below standard.",
        "Hi {author}, thank you for telling us, and we're sorry: some of our recent {product} "
        "was not up to standard, and yours may be affected. We have stopped that batch and we "
        "would like to replace it or refund you, whichever you prefer. Please write to us at "
        "{contact}. — {business}",
        "Hi {author}, thank you for your patience, and sorry again for the faulty batch. We "
        "found the cause and have changed our checks so it does not happen again. If you have "
        "not yet had your replacement or refund, please write to us at {contact}. — {business}",
    ),
]


def create(apps, schema_editor):
    IncidentScript = apps.get_model("responses", "IncidentScript")
    for position, (name, situation, body, followup) in enumerate(SCRIPTS):
        IncidentScript.objects.get_or_create(
            name=name,
            defaults={
                "situation": situation,
                "body": body,
                "followup_body": followup,
                "position": position,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("responses", "0014_incidents")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
