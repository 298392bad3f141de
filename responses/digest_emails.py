"""Building a digest email: subject, plain text and HTML parts, unsubscribe headers.

A fixed number of queries per digest whatever its size: the listed mentions with their source
and case in one query, one for case counts, one for troubled sources, one for the reader's due
follow-ups, one for the open incidents and their counts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db.models import Count, F, Q
from django.utils.text import Truncator
from django.utils.timesince import timesince

from monitors.models import Label, Mention, Source
from responses.followups import due_followups_for
from responses.models import OPEN_STATUSES, Case, Delivery, Incident
from reviewwatch.emails import build_email
from reviewwatch.links import absolute_url

# A digest lists this many mentions (worst first) and links to the inbox for the rest.
MAX_LISTED = 50
EXCERPT_CHARS = 240
MAX_FOLLOWUPS_LISTED = 20
UNSUBSCRIBE_SALT = "responses.digest-unsubscribe"
# An unsubscribe link works this long after its digest was built, then asks the reader to log in.
UNSUBSCRIBE_LINK_AGE = timedelta(days=60)


@dataclass(frozen=True)
class Summary:
    open_cases: int
    overdue_cases: int
    failing_sources: list[str]
    paused_sources: list[str]
    followups_due: list[dict] = field(default_factory=list)  # the reader's, with case links
    open_incidents: list[dict] = field(default_factory=list)  # with their counts and links


def unsubscribe_token(user_id: int) -> str:
    return signing.dumps(user_id, salt=UNSUBSCRIBE_SALT)


class ExpiredLink(Exception):
    """The unsubscribe link was genuine but is older than UNSUBSCRIBE_LINK_AGE."""


def user_id_from_token(token: str) -> int | None:
    """The person a genuine, recent link unsubscribes; None for a forged or mangled one."""
    try:
        return int(signing.loads(token, salt=UNSUBSCRIBE_SALT, max_age=UNSUBSCRIBE_LINK_AGE))
    except signing.SignatureExpired:
        raise ExpiredLink from None
    except (signing.BadSignature, TypeError, ValueError):
        return None


def unsubscribe_url(user_id: int) -> str:
    return absolute_url("digest_unsubscribe", unsubscribe_token(user_id))


def summary_at(now: datetime, reader=None) -> Summary:
    """What is open right now; with a reader, also the follow-ups due for them (all of them for
    an owner, those of their assigned cases for staff)."""
    cases = Case.objects.filter(status__in=OPEN_STATUSES).aggregate(
        open=Count("pk"), overdue=Count("pk", filter=Q(responded=False, due_at__lt=now))
    )
    troubled = Source.objects.filter(Q(enabled=False) | Q(consecutive_failures__gt=0)).values_list(
        "name", "enabled"
    )
    return Summary(
        open_cases=cases["open"],
        overdue_cases=cases["overdue"],
        failing_sources=[name for name, enabled in troubled if enabled],
        paused_sources=[name for name, enabled in troubled if not enabled],
        followups_due=[] if reader is None else followups_due_items(reader, now),
        open_incidents=open_incident_items(),
    )


def open_incident_items() -> list[dict]:
    """Each open incident with its mentions and how many of their cases were answered: the
    digest counts them instead of telling each one as news."""
    live = Q(links__removed_at__isnull=True)
    found = (
        Incident.objects.exclude(status=Incident.Status.RESOLVED)
        .annotate(
            mentions=Count("links", filter=live),
            answered=Count("links", filter=live & Q(links__mention__case__responded=True)),
        )
        .order_by("started_at")
    )
    return [
        {
            "title": incident.title,
            "status": incident.get_status_display(),
            "mentions": incident.mentions,
            "answered": incident.answered,
            "link": absolute_url("incident", incident_id=incident.pk),
        }
        for incident in found
    ]


def followups_due_items(reader, now: datetime) -> list[dict]:
    due = due_followups_for(reader, now)[:MAX_FOLLOWUPS_LISTED]
    return [
        {
            "author": f.case.mention.author or "Someone",
            "source": f.case.mention.source.name,
            "note": f.note,
            "due": timesince(f.due_at, now, depth=1),
            "link": absolute_url("case", case_id=f.case_id),
        }
        for f in due
    ]


def mention_link(mention: Mention) -> str:
    """The case page when the mention has a case, else the inbox."""
    case = getattr(mention, "case", None)
    if case is None:
        return absolute_url("home")
    return absolute_url("case", case_id=case.pk)


def listed_mentions(delivery: Delivery) -> list[Mention]:
    """The delivery's mentions, worst first: lowest rating, then most negative, then newest."""
    return list(
        Mention.objects.filter(digest_items__delivery=delivery)
        .select_related("source", "case")
        .order_by(F("rating").asc(nulls_last=True), "score", "-first_seen_at", "pk")[:MAX_LISTED]
    )


def subject_parts(mentions: list[Mention], total: int) -> dict[str, str]:
    """'3 new negative reviews — 1★ on Trustpilot': count, kind, and the worst item."""
    rated = all(m.rating is not None for m in mentions)
    negative = all(m.label == Label.NEGATIVE for m in mentions)
    noun = "review" if rated else "mention"
    kind = f"new {'negative ' if negative else ''}{noun}{'' if total == 1 else 's'}"
    worst = mentions[0]
    worst_label = f"{worst.stars} on {worst.source.name}" if worst.stars else worst.source.name
    return {"count": str(total), "kind": kind, "worst": worst_label}


def _item(mention: Mention, now: datetime) -> dict:
    text = " ".join((mention.text or mention.title).split())
    return {
        "source": mention.source.name,
        "stars": mention.stars,
        "author": mention.author or "Someone",
        "title": mention.title if mention.title != mention.text else "",
        "excerpt": Truncator(text).chars(EXCERPT_CHARS),
        "age": timesince(mention.first_seen_at, now, depth=1),
        "negative": mention.label == Label.NEGATIVE,
        "competitor": mention.subject != "ours",
        "link": mention_link(mention),
    }


def build_digest(user, delivery: Delivery, now: datetime) -> EmailMultiAlternatives:
    mentions = listed_mentions(delivery)
    total = max(delivery.item_count, len(mentions))
    unsubscribe = unsubscribe_url(user.pk)
    context = {
        **subject_parts(mentions, total),
        "items": [_item(m, now) for m in mentions],
        "more": total - len(mentions),
        "now": now,
        "summary": summary_at(now, user),
        "inbox_url": absolute_url("home"),
        "settings_url": absolute_url("settings"),
        "unsubscribe_url": unsubscribe,
    }
    headers = {
        "List-Unsubscribe": f"<{unsubscribe}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "Message-ID": delivery.message_id,
        "Auto-Submitted": "auto-generated",
    }
    return build_email("digest", user.email, context, headers)
