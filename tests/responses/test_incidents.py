"""Incidents: declared over past mentions they link the right ones, the owner adds and removes
any, new complaints join while it is open, and resolving creates each case's follow-up."""

from __future__ import annotations

from datetime import timedelta
from importlib import import_module

import pytest
import redis
from django.conf import settings
from django.utils import timezone

from monitors.models import Label, Mention, Subject
from monitors.signals import negative_mentions
from responses.cases import open_case
from responses.deletion import delete_mention
from responses.digest_emails import summary_at
from responses.incident_replies import post_to_cases
from responses.incidents import (
    IncidentError,
    declare,
    draft_script,
    link_mention,
    linked_mentions,
    post_update,
    unlink_mention,
)
from responses.models import (
    Case,
    Event,
    FollowUp,
    Incident,
    IncidentEvent,
    IncidentScript,
    ReplyDraft,
)
from responses.replies import tone_of
from responses.reply_placeholders import fill
from responses.reports.incidents import incident_row
from tests.queued import run_queued_tasks
from tests.responses.test_cases_opening import make_mention, make_source
from tests.responses.test_replies import configure

pytestmark = pytest.mark.django_db
LOGIN_DOWN = "I cannot log in since this morning, the login page just spins."


@pytest.fixture(autouse=True)
def acme_settings():
    return configure()


def seed_scripts() -> None:
    """Transactional and live-server tests run on a flushed database: put the seeded scripts
    back."""
    from django.apps import apps

    import_module("responses.migrations.0015_seed_incident_scripts").create(apps, None)


def outage_script() -> IncidentScript:
    return IncidentScript.objects.get(name="Outage")  # seeded by a migration


def declare_login_outage(owner, started_minutes_ago: int = 60, **fields) -> Incident:
    sources = fields.pop("sources", [])
    script = fields.pop("script") if "script" in fields else outage_script()
    values = {
        "title": "Login outage",
        "customer_impact": "The login page spins and never signs anyone in.",
        "started_at": timezone.now() - timedelta(minutes=started_minutes_ago),
        "phrases": "login\nlog in",
        "script": script,
        "staff_note": "Use the outage script; no refunds promised yet.",
    }
    return declare(Incident(**{**values, **fields}), sources, owner)


def seen(minutes_ago: int, **fields) -> Mention:
    mention = make_mention(first_seen_at=timezone.now() - timedelta(minutes=minutes_ago), **fields)
    open_case(mention)
    return mention


def test_seeded_scripts_cover_the_usual_incidents_and_pass_the_tone_check():
    case = open_case(seen(5, author="Dana", text=LOGIN_DOWN))[0]
    scripts = {script.name: script for script in IncidentScript.objects.all()}
    assert set(scripts) == {"Outage", "Delivery delay", "Data issue", "Bad batch"}
    for script in scripts.values():
        for text in (script.body, script.followup_body):
            filled = fill(text, case)
            assert filled.startswith("Hi Dana") and "support@acme.example" in filled
            assert tone_of(filled, case).ok, (script.name, tone_of(filled, case).findings)


def test_incident_declared_over_past_mentions_links_those_that_say_its_phrase_since_its_start(
    owner,
):
    in_it = seen(30, text=LOGIN_DOWN)
    title_only = seen(20, title="Login broken", text="Nothing works.")
    said_differently = seen(10, text="I could not log in at all today.")
    before_start = seen(120, text="The login was slow last week.")
    other_complaint = seen(15, text="My parcel arrived broken.")
    praise = make_mention(
        first_seen_at=timezone.now() - timedelta(minutes=5),
        text="Login works great for me!",
        label=Label.POSITIVE,
    )
    competitor = make_mention(
        source=make_source("Rival forum", Subject.COMPETITOR),
        first_seen_at=timezone.now() - timedelta(minutes=5),
        text=LOGIN_DOWN,
    )
    history = make_mention(
        first_seen_at=timezone.now() - timedelta(minutes=5), text=LOGIN_DOWN, imported_history=True
    )

    incident = declare_login_outage(owner)

    linked = set(linked_mentions(incident))
    assert linked == {in_it, title_only, said_differently}
    assert not linked & {before_start, other_complaint, praise, competitor, history}
    declared = incident.events.get()
    assert (declared.kind, declared.count) == (IncidentEvent.Kind.DECLARED, 3)
    assert incident.followup_text == outage_script().followup_body  # the script's follow-up


def test_every_mention_from_a_named_source_is_linked_whatever_it_says(owner):
    status_page = make_source("Status page alerts")
    from_it = seen(5, source=status_page, text="Everything is red on the dashboard.")
    elsewhere = seen(5, text="Everything is red on the dashboard.")
    incident = declare_login_outage(owner, phrases="", sources=[status_page])
    assert set(linked_mentions(incident)) == {from_it}
    assert elsewhere not in set(linked_mentions(incident))


def test_the_outage_script_becomes_the_draft_of_each_linked_case_without_a_reply(
    owner, staff, django_capture_on_commit_callbacks
):
    redis.Redis.from_url(settings.CELERY_BROKER_URL).delete("celery")
    fresh = seen(30, author="Dana", text=LOGIN_DOWN)
    answered_by_hand = seen(20, author="Eli", text=LOGIN_DOWN)
    draft = ReplyDraft.objects.create(case=answered_by_hand.case, created_by=staff)
    draft.versions.create(number=1, text="Hi Eli, sorry about the login trouble.", author=staff)

    with django_capture_on_commit_callbacks(execute=True):
        incident = declare_login_outage(owner)
    assert "responses.tasks.draft_incident_script" in run_queued_tasks()

    version = fresh.case.reply_drafts.get().versions.get()
    assert version.text.startswith("Hi Dana, thank you for telling us, and we're sorry")
    assert "support@acme.example" in version.text and version.tone_ok
    assert answered_by_hand.case.reply_drafts.get().versions.count() == 1  # theirs, untouched

    later = make_mention(author="Hana", text=LOGIN_DOWN)  # a poll brings one more
    with django_capture_on_commit_callbacks(execute=True):
        negative_mentions.send(sender=Mention, mentions=[later])
    assert run_queued_tasks().count("responses.tasks.draft_incident_script") == 1
    assert later.case.reply_drafts.get().versions.get().text.startswith("Hi Hana")
    assert draft_script(incident.pk) == 0  # run again: every case has its draft once
    assert ReplyDraft.objects.count() == 3


def test_owner_adds_any_mention_by_hand_and_a_removed_one_never_comes_back(owner):
    matching = seen(30, text=LOGIN_DOWN)
    unrelated = seen(20, text="The app logs me out every hour.")
    incident = declare_login_outage(owner)

    link_mention(incident, unrelated, owner)
    unlink_mention(incident, matching, owner)
    assert set(linked_mentions(incident)) == {unrelated}

    later = make_mention(text="Still no login for me.")
    negative_mentions.send(sender=Mention, mentions=[matching, later])  # matching again
    assert set(linked_mentions(incident)) == {unrelated, later}
    kinds = list(incident.events.values_list("kind", flat=True))
    assert kinds == ["declared", "linked", "unlinked"]


def test_a_new_complaint_joins_the_open_incident_but_not_a_resolved_one(owner):
    incident = declare_login_outage(owner)
    during = make_mention(text=LOGIN_DOWN)
    negative_mentions.send(sender=Mention, mentions=[during])
    assert set(linked_mentions(incident)) == {during}

    post_update(incident, owner, Incident.Status.RESOLVED, "Fixed.", timezone.now())
    after = make_mention(text=LOGIN_DOWN, first_seen_at=timezone.now() + timedelta(minutes=1))
    negative_mentions.send(sender=Mention, mentions=[after])
    assert set(linked_mentions(incident)) == {during}


def test_resolving_creates_one_followup_per_linked_case_with_what_we_changed_as_its_draft(
    owner, staff
):
    first, second = seen(30, author="Dana", text=LOGIN_DOWN), seen(20, text=LOGIN_DOWN)
    incident = declare_login_outage(owner)
    draft_script(incident.pk)  # the worker's part of declaring
    now = timezone.now()
    post_update(incident, owner, Incident.Status.IDENTIFIED, "A certificate expired.", now)
    assert FollowUp.objects.count() == 0

    post_update(incident, owner, Incident.Status.RESOLVED, "New certificate.", timezone.now())

    followups = FollowUp.objects.order_by("case_id")
    assert [f.case_id for f in followups] == [first.case.pk, second.case.pk]
    assert all("what happened and what we changed" in f.note for f in followups)
    assert all(f.due_at <= timezone.now() for f in followups)
    scheduled = Event.objects.filter(kind=Event.Kind.FOLLOWUP_SCHEDULED, case=first.case)
    assert scheduled.count() == 1  # on the case's own timeline too
    # The script's draft was never posted, so the follow-up does not overwrite it.
    assert first.case.reply_drafts.get().versions.count() == 1

    with pytest.raises(IncidentError, match="resolved"):
        post_update(incident, owner, Incident.Status.RESOLVED, "Again.", timezone.now())
    assert FollowUp.objects.count() == 2
    row = incident_row(Incident.objects.get(pk=incident.pk))
    assert (row.followups, row.followed_up, row.mentions) == (2, 0, 2)
    statuses = incident.events.filter(kind="status").values_list("status", flat=True)
    assert list(statuses) == ["identified", "resolved"]
    assert incident.events.filter(kind="followups").get().count == 2


def test_a_posted_case_gets_the_followup_message_as_its_next_reply(owner):
    mention = seen(30, author="Dana", text=LOGIN_DOWN)
    incident = declare_login_outage(owner)
    draft_script(incident.pk)
    ReplyDraft.objects.filter(case=mention.case).update(
        state=ReplyDraft.State.POSTED, posted_at=timezone.now()
    )
    post_update(incident, owner, Incident.Status.RESOLVED, "Fixed.", timezone.now())
    newest = mention.case.reply_drafts.first().versions.get()
    assert newest.text.startswith("Hi Dana, thank you for your patience, and sorry again")


def test_the_digest_counts_an_open_incidents_mentions_and_answers_instead_of_alerting(owner):
    first = seen(30, text=LOGIN_DOWN)
    seen(20, text=LOGIN_DOWN)
    incident = declare_login_outage(owner)
    Case.objects.filter(pk=first.case.pk).update(responded=True)
    [item] = summary_at(timezone.now()).open_incidents
    assert (item["title"], item["status"]) == ("Login outage", "Investigating")
    assert (item["mentions"], item["answered"]) == (2, 1)
    assert item["link"].endswith(f"/incidents/{incident.pk}/")
    post_update(incident, owner, Incident.Status.RESOLVED, "Fixed.", timezone.now())
    assert summary_at(timezone.now()).open_incidents == []


def test_deleting_a_linked_mention_takes_it_out_of_the_incident(owner):
    kept, deleted = seen(30, text=LOGIN_DOWN), seen(20, text=LOGIN_DOWN)
    incident = declare_login_outage(owner)
    post_update(incident, owner, Incident.Status.RESOLVED, "Fixed.", timezone.now())
    delete_mention(deleted)
    assert set(linked_mentions(incident)) == {kept}
    assert incident_row(incident).followups == 1


def test_work_queued_for_an_incident_deleted_meanwhile_does_nothing(owner):
    incident = declare_login_outage(owner)
    gone = incident.pk
    incident.delete()
    assert draft_script(gone) == 0 and post_to_cases(gone) == 0
