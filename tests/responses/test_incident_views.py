"""Incident pages as the owner (alice), staff (bob) and a stranger (logged out): the owner
declares (a spike alert's proposal filled in), updates and links; staff see the incident, the
note on every page, and may write the reply for an owner to approve."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from django.utils import timezone

from monitors.models import Mention, Revision
from responses.incidents import linked_mentions
from responses.models import (
    Case,
    Incident,
    IncidentReply,
    IncidentScript,
    ReplyDraft,
    ReviewUpdate,
)
from responses.reports.incidents import incident_row
from tests.responses.test_cases_opening import make_mention
from tests.responses.test_incidents import LOGIN_DOWN, declare_login_outage, seen
from tests.responses.test_replies import configure

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def acme_settings():
    return configure()


def test_stranger_is_sent_to_log_in_from_every_incident_page(client, owner):
    incident = declare_login_outage(owner)
    for url in (
        reverse("incidents"),
        reverse("incident", args=[incident.pk]),
        reverse("incident_declare"),
        reverse("incident_scripts"),
    ):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    client.post(reverse("incident_update", args=[incident.pk]), {"status": "resolved"})
    assert Incident.objects.get(pk=incident.pk).status == Incident.Status.INVESTIGATING


def test_owner_declares_from_a_spike_alerts_proposal_and_the_mentions_are_linked(client, owner):
    complaint = seen(20, text=LOGIN_DOWN)
    client.force_login(owner)
    started = (timezone.now() - timedelta(minutes=45)).astimezone(UTC)
    proposal = urlencode({"phrase": "login", "started": started.isoformat()})
    page = client.get(f"{reverse('incident_declare')}?{proposal}").content.decode()
    assert "Complaints about “login”" in page and ">\nlogin</textarea>" in page
    local = timezone.localtime(started).strftime("%Y-%m-%dT%H:%M")
    assert f'value="{local}"' in page

    response = client.post(
        reverse("incident_declare"),
        {
            "title": "Login outage",
            "customer_impact": "The login page spins.",
            "started_at": local,
            "script": IncidentScript.objects.get(name="Outage").pk,
            "phrases": "login",
            "staff_note": "Use the outage script; no refunds promised yet.",
        },
    )
    incident = Incident.objects.get()
    assert response["Location"] == reverse("incident", args=[incident.pk])
    assert list(incident.links.values_list("mention_id", flat=True)) == [complaint.pk]
    page = client.get(response["Location"]).content.decode()
    assert "1 mention(s) linked" in page and f"Case {complaint.case.pk}" in page


def test_an_incident_cannot_start_in_the_future(client, owner):
    client.force_login(owner)
    later = (timezone.localtime() + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(reverse("incident_declare"), {"title": "Soon", "started_at": later})
    assert "An incident cannot start in the future." in response.content.decode()
    assert not Incident.objects.exists()


def test_staff_see_the_note_on_every_page_and_cannot_declare_or_update(client, owner, staff):
    incident = declare_login_outage(owner)
    client.force_login(staff)
    for url in (reverse("home"), reverse("reports"), reverse("incidents")):
        banner = client.get(url).content.decode()
        assert "data-incident-banner" in banner
        assert "Login outage</a> since" in banner
        assert "Use the outage script; no refunds promised yet." in banner
    assert client.get(reverse("incident_declare")).status_code == 403
    update = {"status": "resolved", "message": "Fixed."}
    assert client.post(reverse("incident_update", args=[incident.pk]), update).status_code == 403
    assert client.get(reverse("incident", args=[incident.pk])).status_code == 200


def test_the_banner_goes_once_the_incident_is_resolved(client, owner):
    incident = declare_login_outage(owner)
    client.force_login(owner)
    client.post(
        reverse("incident_update", args=[incident.pk]),
        {"status": "resolved", "message": "A new certificate is in place.", "staff_note": ""},
    )
    page = client.get(reverse("home")).content.decode()
    assert "data-incident-banner" not in page
    detail = client.get(reverse("incident", args=[incident.pk])).content.decode()
    assert "A new certificate is in place." in detail and "Resolved" in detail


def test_staff_write_the_reply_for_every_case_and_it_waits_for_an_owner(client, owner, staff):
    seen(20, text=LOGIN_DOWN)
    incident = declare_login_outage(owner)
    client.force_login(staff)
    text = IncidentScript.objects.get(name="Outage").body
    client.post(reverse("incident_reply", args=[incident.pk]), {"text": text})
    written = IncidentReply.objects.get()
    assert written.state == IncidentReply.State.PENDING and written.written_by == staff
    page = client.get(reverse("incident", args=[incident.pk])).content.decode()
    assert "waits for an owner's approval" in page
    approve = reverse("incident_reply_approve", args=[incident.pk, written.pk])
    assert client.post(approve).status_code == 403
    again = client.post(reverse("incident_reply", args=[incident.pk]), {"text": text}, follow=True)
    assert "already waits for an owner" in again.content.decode()
    assert IncidentReply.objects.count() == 1


def test_a_reply_with_a_tone_problem_is_not_accepted_for_the_cases(client, owner):
    seen(20, text=LOGIN_DOWN)
    incident = declare_login_outage(owner)
    client.force_login(owner)
    response = client.post(
        reverse("incident_reply", args=[incident.pk]),
        {"text": "Hi {author}, the login works fine, not our fault. Per our policy, no refunds."},
        follow=True,
    )
    assert "tone check found a problem" in response.content.decode()
    assert not IncidentReply.objects.exists()


def test_owner_removes_and_adds_mentions_from_the_incident_page(client, owner):
    matching = seen(20, text=LOGIN_DOWN)
    nearby = seen(10, text="The app is slow today.")
    incident = declare_login_outage(owner)
    client.force_login(owner)
    page = client.get(reverse("incident", args=[incident.pk])).content.decode()
    assert f'data-nearby-mention="{nearby.pk}"' in page
    client.post(reverse("incident_link", args=[incident.pk]), {"mention": nearby.pk})
    client.post(reverse("incident_unlink", args=[incident.pk]), {"mention": matching.pk})
    partial = client.get(reverse("incident_mentions", args=[incident.pk])).content.decode()
    assert f'data-linked-mention="{nearby.pk}"' in partial
    assert f'data-linked-mention="{matching.pk}"' not in partial
    link = reverse("incident_link", args=[incident.pk])
    answer = client.post(link, {"mention": "x"}, follow=True)
    assert "That mention no longer exists." in answer.content.decode()


def test_post_incident_review_keeps_what_we_learned_on_the_timeline(client, owner, staff):
    incident = declare_login_outage(owner)
    client.force_login(owner)
    learned = "Certificates now renew a week ahead, and an alert fires if one does not."
    client.post(
        reverse("incident_review", args=[incident.pk]),
        {"learned": learned, "followup_text": "Hi {author}, it is fixed. Sorry. {contact}"},
    )
    client.force_login(staff)
    page = client.get(reverse("incident", args=[incident.pk])).content.decode()
    assert page.count(learned) == 2  # the note, and the timeline
    assert Incident.objects.get().followup_text == "Hi {author}, it is fixed. Sorry. {contact}"


def test_owner_edits_and_archives_a_script(client, owner):
    client.force_login(owner)
    script = IncidentScript.objects.get(name="Bad batch")
    response = client.post(
        reverse("incident_script_edit", args=[script.pk]),
        {
            "name": "Bad batch",
            "situation": "A faulty batch.",
            "body": "Hi {customer}, sorry.",
            "followup_body": "Hi {author}, fixed.",
            "position": 3,
        },
    )
    assert "Unknown placeholder {customer}" in response.content.decode()
    client.post(reverse("incident_script_archive", args=[script.pk]))
    assert IncidentScript.objects.get(pk=script.pk).archived
    page = client.get(reverse("incident_declare")).content.decode()
    assert ">Bad batch</option>" not in page and ">Outage</option>" in page


def test_incidents_list_shows_open_and_resolved_with_their_size(client, owner, staff):
    seen(20, text=LOGIN_DOWN)
    declare_login_outage(owner)
    resolved = declare_login_outage(owner, title="Late parcels", phrases="parcel")
    resolved.status, resolved.resolved_at = Incident.Status.RESOLVED, datetime.now(UTC)
    resolved.save()
    make_mention(text="irrelevant")
    assert Mention.objects.count() == 2
    client.force_login(staff)
    page = client.get(reverse("incidents")).content.decode()
    open_part, past_part = page.split('id="past-heading"')
    assert "Login outage" in open_part and "Late parcels" in past_part
    assert "Declare an incident" not in page  # the owner's


def test_reports_list_incidents_with_size_time_to_first_reply_and_recovery_rate(client, owner):
    answered, unanswered = seen(50, text=LOGIN_DOWN), seen(40, text=LOGIN_DOWN)
    incident = declare_login_outage(owner, started_minutes_ago=60)
    case = answered.case
    Case.objects.filter(pk=case.pk).update(
        responded=True, first_responded_at=incident.started_at + timedelta(minutes=25)
    )
    ReplyDraft.objects.filter(case=case).update(
        state=ReplyDraft.State.POSTED, posted_at=incident.started_at + timedelta(minutes=25)
    )
    revision = Revision.objects.create(mention=answered, changed=["rating"], old_rating=1)
    ReviewUpdate.objects.create(
        case=case, mention=answered, revision=revision, old_rating=1, new_rating=5
    )

    row = incident_row(incident)
    assert (row.mentions, row.cases, row.answered) == (2, 2, 1)
    assert row.first_reply_after == timedelta(minutes=25)
    assert (row.improved, row.recovered, row.recovery_rate) == (1, 1, 1.0)

    client.force_login(owner)
    page = client.get(reverse("reports"), {"section": "incidents"}).content.decode()
    section = page[page.index('id="incidents-heading"') :]
    assert "Login outage" in section and "after 25 min" in section
    assert "1 of 2" in section and "100% (1)" in section
    assert unanswered.case.responded is False


def test_the_case_page_says_which_incident_its_review_is_part_of(client, owner, staff):
    linked, other = seen(20, text=LOGIN_DOWN), seen(10, text="The app is slow today.")
    incident = declare_login_outage(owner)
    client.force_login(staff)
    page = client.get(reverse("case", args=[linked.case.pk])).content.decode()
    assert "Part of <a" in page and "Login outage</a> (investigating)." in page
    assert "Use the outage script; no refunds promised yet." in page
    assert "Take out of" not in page  # the owner's
    assert (
        "data-case-incidents"
        not in client.get(reverse("case", args=[other.case.pk])).content.decode()
    )

    client.force_login(owner)
    answer = client.post(
        reverse("incident_link", args=[incident.pk]), {"mention": other.pk, "case": other.case.pk}
    )
    assert answer["Location"] == reverse("case", args=[other.case.pk])
    page = client.get(answer["Location"]).content.decode()
    assert "Take out of Login outage" in page
    assert set(linked_mentions(incident)) == {linked, other}
