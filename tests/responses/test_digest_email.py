"""What a digest says, received through a real SMTP server and parsed with the email package."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import time_machine
from django.utils import timezone

from monitors.models import Label, Source, Subject
from responses.digests import preference_for, send_now
from responses.models import Case, DigestPreference

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def subscribe(user, **fields) -> DigestPreference:
    pref = preference_for(user)
    for name, value in {"frequency": "instant", **fields}.items():
        setattr(pref, name, value)
    pref.save()
    return pref


def test_digest_lists_each_mention_with_source_stars_author_excerpt_age_and_case_link(
    smtp_server, owner, make_mention, source
):
    with time_machine.travel(START, tick=False):
        subscribe(owner)
    with time_machine.travel(START + timedelta(minutes=1), tick=False):
        worst = make_mention(rating=1, author="Dana", text="Cold food.\nRude staff. Never again.")
        case = Case.objects.create(mention=worst, due_at=timezone.now() + timedelta(hours=1))
        make_mention(rating=2, author="Eli", text="Slow delivery")
        other = Source.objects.create(name="Google Alerts", url="https://www.google.com/alerts/x")
        make_mention(rating=None, source=other, author="", text="Blog post: they ignored me")
    with time_machine.travel(START + timedelta(hours=3, minutes=1), tick=False):
        assert send_now(owner.pk, ignore_schedule=True)

    [message] = smtp_server.messages
    assert smtp_server.subject(message) == "3 new negative mentions — 1★ on Trustpilot"
    assert message["To"] == "alice@example.com"
    text, html = smtp_server.text(message), smtp_server.html(message)
    assert "1. Trustpilot · 1★ · Dana · 3\xa0hours ago" in text
    assert '"Cold food. Rude staff. Never again."' in text
    assert f"Open: https://reviews.example.com{case_path(case)}\n" in text
    assert "Google Alerts · Someone" in text
    # The mention without a case links to the inbox.
    assert text.count("Open: https://reviews.example.com/\n") == 2
    assert "Open cases: 1" in text
    for part in (text, html):
        assert "Cold food." in part
        assert f"https://reviews.example.com{case_path(case)}" in part
    assert 'style="' in html and "<img" not in html and "<script" not in html


def case_path(case: Case) -> str:
    from django.urls import reverse

    return reverse("case", kwargs={"case_id": case.pk})


def test_subject_says_reviews_when_every_item_has_stars(smtp_server, owner, make_mention):
    subscribe(owner)
    make_mention(rating=2)
    make_mention(rating=1)
    make_mention(rating=3)
    send_now(owner.pk, ignore_schedule=True)
    assert (
        smtp_server.subject(smtp_server.messages[0]) == "3 new negative reviews — 1★ on Trustpilot"
    )


def test_no_email_at_all_when_nothing_is_new(smtp_server, owner, make_mention):
    subscribe(owner)
    assert send_now(owner.pk, ignore_schedule=True) is False
    make_mention(label=Label.POSITIVE)  # outside the default scope
    assert send_now(owner.pk, ignore_schedule=True) is False
    assert smtp_server.messages == []


def test_every_digest_carries_one_click_unsubscribe_headers_and_link(
    smtp_server, owner, make_mention, client
):
    subscribe(owner)
    make_mention()
    send_now(owner.pk, ignore_schedule=True)
    [message] = smtp_server.messages
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    header = "".join(message["List-Unsubscribe"].split())  # unfold
    url = re.fullmatch(r"<(https://reviews\.example\.com/\S+)>", header)[1]
    assert f"Unsubscribe: {url}" in smtp_server.text(message)
    assert f'href="{url}"' in smtp_server.html(message)
    path = url.removeprefix("https://reviews.example.com")

    # GET only asks; a link scanner following it unsubscribes nobody.
    page = client.get(path)
    assert page.status_code == 200 and b'<form method="post"' in page.content
    assert DigestPreference.objects.get(user=owner).frequency == "instant"

    # RFC 8058 one-click: a POST with no session and no CSRF token.
    client.handler.enforce_csrf_checks = True
    response = client.post(path, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert DigestPreference.objects.get(user=owner).frequency == "off"
    make_mention()
    assert send_now(owner.pk, ignore_schedule=True) is False


def test_tampered_unsubscribe_token_changes_nothing(owner, client):
    pref = subscribe(owner)
    response = client.post("/digests/unsubscribe/1:forged:token/")
    assert response.status_code == 400
    pref.refresh_from_db()
    assert pref.frequency == "instant"


def test_scope_all_mentions_adds_positive_ones_and_competitors_only_when_chosen(
    smtp_server, owner, staff, other_staff, make_mention
):
    subscribe(owner, scope="ours")
    subscribe(staff, scope="with_competitors")
    subscribe(other_staff, scope="negative")
    make_mention(label=Label.POSITIVE, rating=5, text="Lovely")
    make_mention(subject=Subject.COMPETITOR, label=Label.NEUTRAL, rating=3, text="Rival ok")
    make_mention(rating=1, text="Awful")
    for person in (owner, staff, other_staff):
        send_now(person.pk, ignore_schedule=True)
    bodies = {m["To"]: smtp_server.text(m) for m in smtp_server.messages}
    assert "Lovely" in bodies["alice@example.com"] and "Rival" not in bodies["alice@example.com"]
    assert "Lovely" in bodies["bob@example.com"] and "Rival ok" in bodies["bob@example.com"]
    assert "Awful" in bodies["carol@example.com"] and "Lovely" not in bodies["carol@example.com"]
    assert smtp_server.subject(smtp_server.messages[0]).startswith("2 new reviews — 1★")


def test_assigned_scope_brings_a_case_when_it_is_assigned_later(smtp_server, staff, make_mention):
    subscribe(staff, scope="assigned")
    mention = make_mention(text="Broken on arrival")
    case = Case.objects.create(mention=mention, due_at=timezone.now() + timedelta(hours=1))
    assert send_now(staff.pk, ignore_schedule=True) is False
    case.assignee = staff
    case.save()
    assert send_now(staff.pk, ignore_schedule=True) is True
    assert "Broken on arrival" in smtp_server.text(smtp_server.messages[0])


def test_summary_counts_overdue_cases_and_names_failing_and_paused_sources(
    smtp_server, owner, make_mention
):
    subscribe(owner)
    Source.objects.create(name="Yelp", url="https://yelp.example/x", consecutive_failures=3)
    Source.objects.create(name="App Store", url="https://apps.example/x", enabled=False)
    late = make_mention()
    Case.objects.create(mention=late, due_at=timezone.now() - timedelta(hours=2))
    send_now(owner.pk, ignore_schedule=True)
    text = smtp_server.text(smtp_server.messages[0])
    assert "Open cases: 1 (1 overdue)" in text
    assert "Failing sources: Yelp" in text
    assert "Paused sources: App Store" in text


def test_sample_digest_is_written_for_the_readme(smtp_server, owner, make_mention, docs_dir: Path):
    with time_machine.travel(START, tick=False):
        subscribe(owner)
    with time_machine.travel(START + timedelta(minutes=5), tick=False):
        first = make_mention(
            rating=1,
            author="Marta K.",
            title="Waited 50 minutes",
            text="Waited 50 minutes for a cold pizza and the manager shrugged.",
        )
        Case.objects.create(mention=first, due_at=timezone.now() + timedelta(hours=1))
        make_mention(rating=2, author="J. Ortiz", title="", text="Delivery was late again.")
    with time_machine.travel(START + timedelta(minutes=47), tick=False):
        send_now(owner.pk, ignore_schedule=True)
    message = smtp_server.messages[0]
    sample = docs_dir / "sample-digest.txt"
    sample.write_text(f"Subject: {smtp_server.subject(message)}\n\n{smtp_server.text(message)}")
    assert "2 new negative reviews — 1★ on Trustpilot" in sample.read_text()


def test_digest_summary_lists_the_readers_follow_ups_that_are_due(smtp_server, owner, make_mention):
    from responses.followups import schedule_followup

    with time_machine.travel(START, tick=False):
        subscribe(owner)
        waiting = make_mention(rating=1, author="Dana", text="Lamp broke")
        case = Case.objects.create(
            mention=waiting, due_at=timezone.now() + timedelta(hours=1), assignee=owner
        )
        schedule_followup(case, owner, days=3, note="Did the replacement arrive?")
    with time_machine.travel(START + timedelta(days=3, hours=2), tick=False):
        make_mention(rating=2, author="Eli", text="Slow delivery")
        assert send_now(owner.pk, ignore_schedule=True)
    message = smtp_server.messages[-1]
    text, html = smtp_server.text(message), smtp_server.html(message)
    assert "- Follow-ups due: 1" in text
    assert "Dana on Trustpilot, due 2\xa0hours ago: Did the replacement arrive?" in text
    assert f"https://reviews.example.com{case_path(case)}" in text
    assert "Follow-ups due: 1" in html and "Did the replacement arrive?" in html
