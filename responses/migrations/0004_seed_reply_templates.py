"""The humble reply templates every business starts with; the owner edits the library later."""

from django.db import migrations

TEMPLATES = [
    (
        "Product stopped working",
        "The product broke, failed or stopped working.",
        "Hi {author}, thank you for taking the time to tell us, and we're sorry that {product} "
        "stopped working. That is not the quality we promise, and we understand how frustrating "
        "it is. We would like to make it right with {remedy}. Please write to us at {contact} "
        "so we can sort out the details privately. — {business}",
    ),
    (
        "Late or lost delivery",
        "The order arrived late, or never arrived.",
        "Hi {author}, thank you for letting us know, and we're sorry your delivery of {product} "
        "was late. Waiting for something you were counting on is frustrating, and we let you "
        "down. We would like to offer {remedy}. Please contact us at {contact} with your order "
        "details so we can follow it up personally. — {business}",
    ),
    (
        "Rude or unhelpful staff",
        "The customer felt badly treated by someone on our team.",
        "Hi {author}, thank you for telling us about this, and we're sorry for how you were "
        "treated. Everyone deserves to be listened to with courtesy, and we fell short. We have "
        "shared your feedback with the team, and we would like to offer {remedy}. Please write "
        "to us at {contact} so we can hear the whole story. — {business}",
    ),
    (
        "Billing mistake",
        "Charged twice, charged the wrong amount, or a refund that never came.",
        "Hi {author}, thank you for raising this, and we're sorry about the mistake on your "
        "bill. Being charged incorrectly is stressful, and it should not have happened. We "
        "would like to put it right with {remedy}. Please contact us at {contact} and we will "
        "correct it with you directly. — {business}",
    ),
    (
        "Outage or service interruption",
        "The service was down or unusable for a while.",
        "Hi {author}, thank you for your patience, and we're sorry the service was interrupted. "
        "We know you rely on us, and we let you down. We have reviewed what went wrong, and we "
        "would like to offer {remedy}. If anything is still not working for you, please write "
        "to us at {contact}. — {business}",
    ),
    (
        "Thank you for a positive review",
        "A happy customer: thank them warmly and specifically.",
        "Hi {author}, thank you so much for your kind words about {product}! It means a lot to "
        "the whole team. If there is ever anything we can do for you, we are at {contact}. "
        "— {business}",
    ),
    (
        "Vague complaint: ask for details",
        "The customer is unhappy but does not say why.",
        "Hi {author}, thank you for your feedback, and we're sorry your experience was not what "
        "you hoped for. We would like to understand what happened so we can make it right, "
        "whether that means {remedy} or something else. Please write to us at {contact} with "
        "a few details. — {business}",
    ),
]


def create(apps, schema_editor):
    ReplyTemplate = apps.get_model("responses", "ReplyTemplate")
    for position, (name, situation, body) in enumerate(TEMPLATES):
        ReplyTemplate.objects.get_or_create(
            name=name, defaults={"situation": situation, "body": body, "position": position}
        )


class Migration(migrations.Migration):
    dependencies = [("responses", "0003_replies")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
