"""Cases open by themselves for negative mentions about us, once, with the right due time."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from monitors.models import Label, Mention, Source, Subject
from monitors.signals import negative_mentions
from responses.cases import open_case
from responses.models import Case, Event, TriageSettings

pytestmark = pytest.mark.django_db


def make_source(name: str = "Google Alerts", subject: str = Subject.OURS) -> Source:
    return Source.objects.create(name=name, url="https://example.com/feed.xml", subject=subject)


def make_mention(source: Source | None = None, **fields) -> Mention:
    """A negative mention about us, stored the way monitors stores one."""
    source = source or make_source()
    number = Mention.objects.count() + 1
    values = {
        "external_id": f"review-{number}-{timezone.now().timestamp()}",
        "author": "Dana",
        "text": "The parcel arrived broken and nobody answered my emails.",
        "rating": Decimal("2"),
        "label": Label.NEGATIVE,
        "subject": source.subject,
        "content_hash": f"hash-{number}",
    }
    return Mention.objects.create(source=source, **{**values, **fields})


def announce(mention: Mention) -> None:
    negative_mentions.send(sender=Mention, mentions=[mention])


def test_negative_mention_signal_opens_one_case_with_an_opened_event():
    mention = make_mention()
    announce(mention)
    case = Case.objects.get(mention=mention)
    assert case.status == Case.Status.NEW
    assert list(case.events.values_list("kind", flat=True)) == [Event.Kind.OPENED]


def test_signal_sent_twice_still_opens_a_single_case():
    mention = make_mention()
    announce(mention)
    announce(mention)
    assert Case.objects.filter(mention=mention).count() == 1
    assert Event.objects.filter(case__mention=mention).count() == 1


def test_database_refuses_a_second_case_for_the_same_mention():
    mention = make_mention()
    Case.objects.create(mention=mention, due_at=timezone.now())
    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.create(mention=mention, due_at=timezone.now())


def test_competitor_mention_opens_no_case():
    mention = make_mention(make_source("Rival reviews", Subject.COMPETITOR))
    announce(mention)
    assert not Case.objects.exists()


def test_blocked_author_opens_no_case():
    mention = make_mention(author_blocked=True)
    announce(mention)
    assert not Case.objects.exists()


def test_low_rating_is_due_within_an_hour_of_first_seen():
    seen = timezone.now() - timedelta(minutes=10)
    mention = make_mention(rating=Decimal("1"), first_seen_at=seen)
    announce(mention)
    case = Case.objects.get(mention=mention)
    assert case.severity == Case.Severity.URGENT
    assert case.due_at == seen + timedelta(hours=1)


def test_strongly_negative_text_without_rating_is_urgent():
    mention = make_mention(rating=None, strongly_negative=True)
    announce(mention)
    assert Case.objects.get(mention=mention).due_at == mention.first_seen_at + timedelta(hours=1)


def test_three_stars_get_the_standard_day():
    mention = make_mention(rating=Decimal("3"))
    announce(mention)
    case = Case.objects.get(mention=mention)
    assert case.severity == Case.Severity.STANDARD
    assert case.due_at == mention.first_seen_at + timedelta(hours=24)


def test_owner_targets_set_the_due_time():
    TriageSettings.objects.update_or_create(
        pk=1, defaults={"urgent_hours": Decimal("0.5"), "standard_hours": Decimal("48")}
    )
    urgent, standard = make_mention(rating=Decimal("1")), make_mention(rating=Decimal("4"))
    announce(urgent)
    announce(standard)
    assert Case.objects.get(mention=urgent).due_at == urgent.first_seen_at + timedelta(minutes=30)
    assert Case.objects.get(mention=standard).due_at == standard.first_seen_at + timedelta(hours=48)


def test_opening_by_hand_records_who_and_works_for_a_competitor(staff):
    mention = make_mention(make_source("Rival", Subject.COMPETITOR), label=Label.NEUTRAL)
    case, created = open_case(mention, actor=staff)
    assert created and case.opened_by == staff
    assert open_case(mention, actor=staff) == (case, False)
    assert case.events.get().actor == staff
