"""Who may see each triage page, and the in-page actions as a browser (with htmx) sends them."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from responses.cases import open_case
from responses.models import Case, Event, Tag, TriageSettings
from tests.responses.test_cases_opening import make_mention

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def case() -> Case:
    return open_case(make_mention())[0]


def pages(case: Case) -> list[str]:
    return [
        reverse("home"),
        reverse("mentions"),
        reverse("case", args=[case.pk]),
    ]


def actions(case: Case) -> list[str]:
    names = ["case_assign", "case_status", "case_priority", "case_tags", "case_note", "case_merge"]
    return [reverse(name, args=[case.pk]) for name in names] + [
        reverse("cases_bulk"),
        reverse("case_open", args=[case.mention.pk]),
    ]


def test_anonymous_is_sent_to_login_from_every_triage_url(client, case):
    for url in [*pages(case), *actions(case), reverse("triage_settings")]:
        response = client.post(url) if url in actions(case) else client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login")), url


@pytest.mark.parametrize("person", ["owner", "staff"])
def test_owner_and_staff_see_every_triage_page(client, case, person, request):
    client.force_login(request.getfixturevalue(person))
    for url in pages(case):
        assert client.get(url).status_code == 200, url


def test_only_the_owner_sees_triage_settings(client, owner, staff):
    client.force_login(staff)
    assert client.get(reverse("triage_settings")).status_code == 403
    assert client.post(reverse("triage_settings"), {"urgent_hours": "9"}).status_code == 403
    client.force_login(owner)
    assert client.get(reverse("triage_settings")).status_code == 200


def test_owner_changes_targets_and_tag_list_without_deleting_a_tag(owner_client, case):
    billing = Tag.objects.get(name="Billing")
    case.tags.add(billing)
    response = owner_client.post(
        reverse("triage_settings"),
        {"urgent_hours": "2", "standard_hours": "12", "tag_names": "Delivery\nCold food\n"},
    )
    assert response.status_code == 302
    assert TriageSettings.current().urgent_hours == Decimal("2")
    offered = list(Tag.objects.filter(archived=False).values_list("name", flat=True))
    assert offered == ["Delivery", "Cold food"]
    billing.refresh_from_db()
    assert billing.archived and list(case.tags.all()) == [billing]
    case.refresh_from_db()
    assert (case.due_at - case.mention.first_seen_at).total_seconds() == 2 * 3600


def test_staff_assigns_to_self_with_htmx_and_gets_the_new_panel(staff_client, staff, case):
    response = staff_client.post(
        reverse("case_assign", args=[case.pk]), {"assignee": "me", "version": 1}, **HTMX
    )
    body = response.content.decode()
    assert response.status_code == 200 and 'id="case-panel"' in body
    assert "<html" not in body and "bob@example.com" in body
    case.refresh_from_db()
    assert case.assignee == staff and case.version == 2


def test_inbox_row_action_answers_with_the_row(staff_client, case):
    response = staff_client.post(
        reverse("case_status", args=[case.pk]),
        {"status": "resolved", "version": 1, "render": "row"},
        **HTMX,
    )
    body = response.content.decode()
    assert body.lstrip().startswith("<tr") and f'id="case-row-{case.pk}"' in body
    assert "Resolved" in body


def test_stale_version_gets_a_clear_message_and_the_current_state(staff_client, other_staff, case):
    staff_client.post(reverse("case_assign", args=[case.pk]), {"assignee": "me", "version": 1})
    response = staff_client.post(
        reverse("case_status", args=[case.pk]), {"status": "replying", "version": 1}, **HTMX
    )
    body = response.content.decode()
    assert "Someone changed this case while you were looking" in body
    assert 'name="version" value="2"' in body
    case.refresh_from_db()
    assert case.status == Case.Status.NEW


def test_dismissing_without_a_reason_is_refused(staff_client, case):
    response = staff_client.post(
        reverse("case_status", args=[case.pk]), {"status": "dismissed", "version": 1}, **HTMX
    )
    assert "Say why the case is dismissed." in response.content.decode()
    case.refresh_from_db()
    assert case.status == Case.Status.NEW


def test_note_appears_on_the_timeline(staff_client, case):
    response = staff_client.post(
        reverse("case_note", args=[case.pk]), {"body": "Called her, <b>refund</b> agreed"}, **HTMX
    )
    body = response.content.decode()
    assert "Called her, &lt;b&gt;refund&lt;/b&gt; agreed" in body
    assert case.events.filter(kind=Event.Kind.NOTE).exists()


def test_bulk_dismiss_skips_cases_changed_meanwhile(staff_client, staff, case):
    second = open_case(make_mention())[0]
    staff_client.post(reverse("case_priority", args=[second.pk]), {"priority": 1, "version": 1})
    response = staff_client.post(
        reverse("cases_bulk"),
        {
            "action": "dismiss",
            "dismiss_reason": "spam",
            "cases": [f"{case.pk}:1", f"{second.pk}:1"],
            "filters": "status=open",
        },
        **HTMX,
    )
    body = response.content.decode()
    assert "1 case updated. 1 changed meanwhile" in body and 'id="inbox-results"' in body
    case.refresh_from_db(), second.refresh_from_db()
    assert case.status == Case.Status.DISMISSED and second.status == Case.Status.NEW


def test_bulk_assign_without_htmx_redirects_to_the_same_filters(staff_client, other_staff, case):
    response = staff_client.post(
        reverse("cases_bulk"),
        {
            "action": "assign",
            "assignee": str(other_staff.pk),
            "cases": [f"{case.pk}:1"],
            "filters": "q=rude",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/?q=rude"
    case.refresh_from_db()
    assert case.assignee == other_staff


def test_mentions_page_offers_to_open_a_case_and_opens_it(staff_client, staff):
    mention = make_mention(label="neutral")
    body = staff_client.get(reverse("mentions")).content.decode()
    assert reverse("case_open", args=[mention.pk]) in body
    response = staff_client.post(reverse("case_open", args=[mention.pk]))
    case = Case.objects.get(mention=mention)
    assert response["Location"] == reverse("case", args=[case.pk])
    assert case.opened_by == staff


def test_case_page_links_the_original_without_opener_or_referrer(staff_client, case):
    case.mention.url = "https://reviews.example/r/1"
    case.mention.save()
    body = staff_client.get(reverse("case", args=[case.pk])).content.decode()
    assert 'href="https://reviews.example/r/1" rel="noopener noreferrer"' in body
    assert case.mention.text in body


def test_case_page_shows_rating_edits_and_the_authors_other_mentions(staff_client, case):
    from monitors.models import Revision

    Revision.objects.create(
        mention=case.mention, changed=["rating"], old_rating=Decimal("2"), new_rating=Decimal("4")
    )
    other = make_mention(author="dana", text="Second complaint from Dana on another site")
    body = staff_client.get(reverse("case", args=[case.pk])).content.decode()
    assert "2★ → 4★" in body
    assert other.text in body
