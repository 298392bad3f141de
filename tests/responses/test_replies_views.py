"""The replies panel over HTTP: who may do what, errors that keep what was typed, htmx answers."""

from __future__ import annotations

import pytest
from django.urls import reverse

from responses.models import Case, ReplyDraft, ReplyTemplate
from responses.replies import save_draft, submit
from tests.responses.test_replies import HUMBLE, configure, make_case

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}
CASE_ACTIONS = [
    "reply_tone",
    "reply_start",
    "reply_save",
    "reply_approve",
    "reply_return",
    "reply_posted",
    "remedy_add",
    "followup_add",
    "block_author",
]
OWNER_ONLY = ["reply_approve", "reply_return", "block_author"]


@pytest.fixture(autouse=True)
def acme_settings():
    return configure()


@pytest.fixture
def case() -> Case:
    return make_case(author="Dana")


@pytest.mark.parametrize("name", CASE_ACTIONS)
def test_anonymous_posts_go_to_login_and_change_nothing(client, case, name):
    response = client.post(reverse(name, args=[case.pk]), {"text": HUMBLE})
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert not ReplyDraft.objects.exists()


@pytest.mark.parametrize("name", OWNER_ONLY)
def test_staff_are_refused_owner_actions(staff_client, staff, case, name):
    submit(save_draft(case, staff, HUMBLE).draft, staff)
    response = staff_client.post(reverse(name, args=[case.pk]), {"comment": "no"})
    assert response.status_code == 403
    assert ReplyDraft.objects.get().state == ReplyDraft.State.PENDING


def test_tone_endpoint_returns_findings_with_why_and_humbler_wording(staff_client, case):
    text = HUMBLE.replace("we're sorry", "actually it is not our fault")
    response = staff_client.post(reverse("reply_tone", args=[case.pk]), {"text": text}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-finding="defensive_phrase"' in html
    assert "Why it matters:" in html and "Humbler:" in html
    assert "fix the problems below" in html


def test_staff_save_and_send_from_the_panel(staff_client, case):
    url = reverse("reply_save", args=[case.pk])
    response = staff_client.post(url, {"text": HUMBLE, "action": "submit"}, **HTMX)
    assert response.status_code == 200
    assert "Sent to the owner for approval." in response.content.decode()
    assert ReplyDraft.objects.get().state == ReplyDraft.State.PENDING


def test_unknown_placeholder_in_a_draft_is_an_error_and_the_text_is_kept(staff_client, case):
    text = "Thank you {customer_name}, we are sorry."
    url = reverse("reply_save", args=[case.pk])
    for extra in (HTMX, {}):
        response = staff_client.post(url, {"text": text, "action": "save"}, **extra)
        html = response.content.decode()
        assert "Unknown placeholder {customer_name}" in html
        assert "Thank you {customer_name}, we are sorry.</textarea>" in html
    assert response.status_code == 400  # without htmx: the panel on its own page
    assert not ReplyDraft.objects.exists()


def test_a_defensive_reply_is_saved_but_not_sent_and_the_text_stays(staff_client, case):
    text = HUMBLE.replace("we're sorry", "it is not our fault")
    url = reverse("reply_save", args=[case.pk])
    response = staff_client.post(url, {"text": text, "action": "submit"}, **HTMX)
    html = response.content.decode()
    assert "tone check found a problem" in html and f"{text}</textarea>" in html
    assert ReplyDraft.objects.get().state == ReplyDraft.State.DRAFT


def test_start_from_template_fills_the_editor(staff_client, case):
    template = ReplyTemplate.objects.get(name="Billing mistake")
    url = reverse("reply_start", args=[case.pk])
    response = staff_client.post(url, {"template": template.pk}, **HTMX)
    assert "Hi Dana, thank you for raising this" in response.content.decode()


def test_owner_approves_and_returns_from_the_panel(owner_client, staff, case):
    draft = save_draft(case, staff, HUMBLE).draft
    submit(draft, staff)
    url = reverse("reply_return", args=[case.pk])
    response = owner_client.post(url, {"comment": "", "reply_version": 1}, **HTMX)
    assert "Say what should change" in response.content.decode()
    owner_client.post(url, {"comment": "Add the date.", "reply_version": 1}, **HTMX)
    draft.refresh_from_db()
    assert draft.state == ReplyDraft.State.RETURNED
    submit(draft, staff)
    approve_url = reverse("reply_approve", args=[case.pk])
    response = owner_client.post(approve_url, {"reply_version": 1}, **HTMX)
    html = response.content.decode()
    assert "Approved by alice@example.com" in html and "Copy reply" in html


def test_mark_posted_reloads_the_page_and_a_stale_version_says_so(owner_client, owner, case):
    submit(save_draft(case, owner, HUMBLE).draft, owner)
    url = reverse("reply_posted", args=[case.pk])
    stale = owner_client.post(url, {"version": case.version - 1}, **HTMX)
    assert "Someone changed this case" in stale.content.decode()
    bad = owner_client.post(url, {"version": case.version, "posted_url": "ftp://x"}, **HTMX)
    assert "must start with https://" in bad.content.decode()
    response = owner_client.post(url, {"version": case.version}, **HTMX)
    assert response.status_code == 204 and response["HX-Refresh"] == "true"
    case.refresh_from_db()
    assert case.status == Case.Status.AWAITING and case.first_responded_at


def test_the_case_page_and_the_reply_page_show_the_panel(client, staff, owner, case):
    for person, can_block in ((staff, False), (owner, True)):
        client.force_login(person)
        for name in ("case", "reply_workspace"):
            html = client.get(reverse(name, args=[case.pk])).content.decode()
            assert 'id="case-replies"' in html and "Start from a template" in html, name
            if name == "case":  # the side panel, beside the reply
                assert ("Block Dana" in html) is can_block


def test_owner_blocks_the_author_from_the_panel(owner_client, case):
    response = owner_client.post(reverse("block_author", args=[case.pk]), **HTMX)
    assert "Dana is blocked" in response.content.decode()
    case.mention.refresh_from_db()
    assert case.mention.author_blocked
