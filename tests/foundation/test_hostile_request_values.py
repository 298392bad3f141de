"""Hostile request values through the real views, as owner and as staff: each is a 400, a form
error, a 403 (owner-only) or the page without the bad filter, never a 500 and never a hang.

A 500 raises in the test client; the test names the row that raised it.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from monitors.models import Source
from responses.models import (
    Case,
    Event,
    Note,
    ReplyDecision,
    ReplyDraft,
    ReplyTemplate,
    ReplyVersion,
)
from responses.replies import save_draft, submit
from tests.responses.test_replies import HUMBLE, configure, make_case

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}
HUGE = "9" * 30
SUPERSCRIPT = "²"  # passes str.isdigit(), not int()
NUL = "Thank you\x00 and sorry."
MEGA_WORD = "a" * 60_000  # the tone check took 24 s on this before its patterns were linear
LONG_URL = "https://reviews.example/" + "a" * 2100
SOURCE = {"name": "Reviews", "kind": "feed", "subject": "ours", "poll_interval_minutes": 15}

# (entry point, URL arguments, method, values)
HOSTILE = [
    ("home", "", "get", {"after": "0_100000000000000000000_1"}),
    ("home", "", "get", {"after": f"{SUPERSCRIPT}_1_1"}),
    ("home", "", "get", {"after": f"1_1_{HUGE}"}),
    ("home", "", "get", {"after": "-1_-5_-1"}),
    ("home", "", "get", {"since": "0001-01-01", "until": "9999-12-31"}),
    ("home", "", "get", {"assignee": SUPERSCRIPT, "rating": SUPERSCRIPT, "source": SUPERSCRIPT}),
    ("home", "", "get", {"tag": HUGE, "source": HUGE, "since": "99999-01-01", "q": NUL}),
    ("mentions", "", "get", {"before": SUPERSCRIPT}),
    ("mentions", "", "get", {"before": HUGE}),
    ("cases_bulk", "", "post", {"action": "assign", "assignee": "me", "cases": f"1:{SUPERSCRIPT}"}),
    ("cases_bulk", "", "post", {"action": "assign", "assignee": SUPERSCRIPT, "cases": "1:1"}),
    ("cases_bulk", "", "post", {"action": "resolve", "cases": f"{HUGE}:{HUGE}"}),
    ("case_assign", "case", "post", {"assignee": SUPERSCRIPT, "version": 1}),
    ("case_assign", "case", "post", {"assignee": HUGE, "version": 1}),
    ("case_status", "case", "post", {"status": "resolved", "version": HUGE}),
    ("case_status", "case", "post", {"status": "resolved", "version": SUPERSCRIPT}),
    ("case_merge", "case", "post", {"into": SUPERSCRIPT, "version": 1}),
    ("case_merge", "case", "post", {"into": HUGE, "version": 1}),
    ("case_note", "case", "post", {"body": NUL}),
    ("reply_start", "case", "post", {"template": "abc"}),
    ("reply_start", "case", "post", {"template": SUPERSCRIPT}),
    ("reply_start", "case", "post", {"template": HUGE}),
    ("reply_tone", "case", "post", {"text": MEGA_WORD}),
    ("reply_tone", "case", "post", {"text": NUL}),
    ("reply_save", "case", "post", {"text": NUL, "action": "save"}),
    ("reply_save", "case", "post", {"text": MEGA_WORD, "action": "submit"}),
    ("reply_approve", "case", "post", {"reply_version": "abc"}),
    ("reply_approve", "case", "post", {"reply_version": HUGE}),
    ("reply_return", "case", "post", {"reply_version": 1, "comment": NUL}),
    ("reply_posted", "case", "post", {"version": 1, "posted_url": LONG_URL}),
    ("reply_posted", "case", "post", {"version": SUPERSCRIPT}),
    ("remedy_add", "case", "post", {"kind": "refund", "amount": "1e999999999", "note": NUL}),
    ("followup_add", "case", "post", {"days": SUPERSCRIPT, "note": NUL}),
    ("case_status", "case", "post", {"version": SUPERSCRIPT, "status": "resolved"}),
    ("reply_templates", "", "post", {"max_length": SUPERSCRIPT, "business_name": NUL}),
    ("reply_template_add", "", "post", {"name": "Long", "body": MEGA_WORD}),
    ("triage_settings", "", "post", {"urgent_hours": "1e999999999", "tag_names": NUL}),
    ("source_add", "", "post", {**SOURCE, "url": LONG_URL}),
    ("source_add", "", "post", {**SOURCE, "name": NUL, "url": "https://x.example/"}),
    (
        "source_add",
        "",
        "post",
        {**SOURCE, "url": "https://x.example/", "poll_interval_minutes": HUGE},
    ),
    ("source_add", "", "post", {**SOURCE, "kind": "app_store", "url": f"id{SUPERSCRIPT}"}),
    ("source_add", "", "post", {**SOURCE, "kind": "app_store", "url": "id\u0663\u0663"}),
    (
        "source_add",
        "",
        "post",
        {**SOURCE, "kind": "app_store", "url": f"https://apps.apple.com/app?id={SUPERSCRIPT}"},
    ),
    ("rules_try", "", "post", {"text": NUL, "rating": "1e999999999"}),
    ("invite", "", "post", {"email": "a\x00@example.com", "role": "staff"}),
    ("change_role", "staff", "post", {"role": SUPERSCRIPT}),
    ("classification_rules", "", "post", {"always_flag": NUL, "never_flag": MEGA_WORD}),
    ("blocked_author_add", "", "post", {"name": NUL}),
    ("digest_preferences", "", "post", {"send_time": "25:99", "weekday": SUPERSCRIPT}),
    ("digest_preferences", "", "post", {"frequency": "daily", "time_zone": "Mars/Phobos"}),
    ("alert_settings", "", "post", {"spike_count": SUPERSCRIPT, "spike_multiple": "1e999999999"}),
]


@pytest.fixture
def pending_case(staff) -> Case:
    configure()
    case = make_case(author="Dana")
    submit(save_draft(case, staff, HUMBLE).draft, staff)
    return case


def stored() -> list[int]:
    """Rows a hostile request must not add: case events, sources, templates, notes, versions and
    reply decisions (the fixture has one version and its submission)."""
    models = (Event, Source, ReplyTemplate, Note, ReplyVersion, ReplyDecision)
    return [model.objects.count() for model in models]


@pytest.mark.parametrize("role", ["owner", "staff"])
def test_hostile_request_values_never_raise_a_500_or_store_anything(
    client, owner, staff, pending_case, role
):
    """One test walks the whole table (each row's set-up would cost more than its request)."""
    client.force_login(owner if role == "owner" else staff)
    before = stored()
    for name, args, method, values in HOSTILE:
        url = reverse(name, args={"case": [pending_case.pk], "staff": [staff.pk], "": []}[args])
        row = f"{method.upper()} {name} {values!r:.120}"

        try:
            response = getattr(client, method)(url, values, **HTMX)
        except Exception as error:  # the test client re-raises what would have been a 500
            raise AssertionError(f"500 on {row}") from error

        assert response.status_code in (200, 204, 302, 400, 403), (row, response.status_code)
        assert stored() == before, row


def test_a_reply_longer_than_any_platform_shows_is_refused_and_the_text_kept(staff_client):
    configure()
    case = make_case(author="Dana")
    text = "Thank you, and sorry. " * 600  # 13 200 characters
    url = reverse("reply_save", args=[case.pk])
    response = staff_client.post(url, {"text": text, "action": "save"}, **HTMX)
    html = response.content.decode()
    assert "The reply has 13200 characters; no review site shows more than 10000" in html
    assert text in html  # still in the editor, nothing lost
    assert not ReplyDraft.objects.exists()


def test_a_nul_in_a_reply_is_a_form_error_not_a_database_error(staff_client, pending_case):
    url = reverse("reply_save", args=[pending_case.pk])
    response = staff_client.post(url, {"text": NUL, "action": "save"}, **HTMX)
    assert "Null characters are not allowed." in response.content.decode()


def test_a_posted_link_longer_than_the_column_is_a_form_error(owner_client, owner):
    configure()
    case = make_case(author="Dana")
    submit(save_draft(case, owner, HUMBLE).draft, owner)
    url = reverse("reply_posted", args=[case.pk])
    response = owner_client.post(url, {"version": case.version, "posted_url": LONG_URL}, **HTMX)
    assert "The link is too long (more than 2000 characters)." in response.content.decode()
    assert ReplyDraft.objects.get().state == ReplyDraft.State.APPROVED


def test_starting_from_template_abc_asks_to_choose_a_template(staff_client, pending_case):
    url = reverse("reply_start", args=[pending_case.pk])
    response = staff_client.post(url, {"template": "abc"}, **HTMX)
    assert "That template is no longer offered" in response.content.decode()


def test_a_malformed_inbox_cursor_shows_the_first_page(owner_client, pending_case):
    response = owner_client.get(reverse("home"), {"after": "0_100000000000000000000_1"})
    assert response.status_code == 200
    assert f'id="case-row-{pending_case.pk}"' in response.content.decode()
