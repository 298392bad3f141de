"""The first-run checklist an owner sees on the inbox until each step is done: what makes the
replies theirs (signature, the remedies they really offer), where to listen (a first source),
who helps (a colleague) and when they hear of it (their digest time)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.urls import reverse

from monitors.models import Source
from responses.models import DigestPreference, ReplySettings

UNSET_BUSINESS_NAMES = ("", "our team")
UNSET_CONTACTS = ("", "support@example.com")


@dataclass(frozen=True)
class Step:
    key: str
    title: str
    why: str
    url: str
    done: bool


def first_run_steps(owner) -> list[Step]:
    """The checklist for this owner, done or not (five queries at most)."""
    reply = ReplySettings.current()
    digest = DigestPreference.objects.filter(user=owner).values_list("chosen_at", flat=True)
    return [
        Step(
            "signature",
            "Sign your replies",
            "Your business's name and the address unhappy customers can write to.",
            reverse("reply_templates"),
            reply.business_name.strip() not in UNSET_BUSINESS_NAMES
            and reply.contact.strip() not in UNSET_CONTACTS,
        ),
        Step(
            "remedies",
            "Say which remedies you really offer",
            "Until you do, replies promise no refund or replacement, only a solution that works.",
            reverse("reply_templates"),
            bool(reply.remedy_default.strip()),
        ),
        Step(
            "source",
            "Add the first place your customers talk",
            "A Google Alert, a review page, an app store or a platform connection.",
            reverse("source_add"),
            Source.objects.filter(is_demo=False).exists(),
        ),
        Step(
            "colleague",
            "Invite a colleague",
            "Someone to share the inbox with, so no complaint waits for one person.",
            reverse("users"),
            get_user_model().objects.exclude(pk=owner.pk).exists(),
        ),
        Step(
            "digest",
            "Choose when your digest arrives",
            "A daily or weekly email of what is new, at a time that suits you.",
            reverse("settings"),
            bool(digest.first()),
        ),
    ]


def checklist_for(user, is_owner: bool) -> list[Step] | None:
    """The steps while any is left, for an owner; None once all are done, and for staff."""
    if not is_owner:
        return None
    steps = first_run_steps(user)
    return None if all(step.done for step in steps) else steps
