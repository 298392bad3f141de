"""Each timeline entry and each classifier reason reads as a sentence: no "changed review
edited", no "merged case 7 merged in", no quotes doubled around a quoted value."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from monitors.classify import OwnerRules, classify
from responses.cases import merge_case, open_case, record_mention_edit
from responses.models import Event
from tests.conftest import PASSWORD
from tests.responses.test_cases_opening import make_mention

pytestmark = pytest.mark.django_db


def opened_case():
    case, _ = open_case(make_mention(), actor=None, clock_from=timezone.now())
    return case


def timeline_text(client, case) -> str:
    page = client.get(reverse("case", args=[case.pk])).content.decode()
    timeline = page.split('aria-label="Timeline"', 1)[1].split("</ol>", 1)[0]
    return " ".join(re.sub(r"<[^>]+>", " ", timeline).split())


@pytest.mark.browser
def test_the_timeline_of_a_merged_and_edited_case_reads_as_sentences(
    live_server, page: Page, staff
):
    kept, duplicate = opened_case(), opened_case()
    merge_case(duplicate.pk, duplicate.version, kept, staff)
    mention = kept.mention
    record_mention_edit(mention, {"rating": Decimal("1")}, {"rating": Decimal("5")})
    record_mention_edit(mention, {"text": "old"}, {"text": "new"})

    page.goto(f"{live_server.url}/accounts/login/?next={reverse('case', args=[kept.pk])}")
    page.get_by_label("Email").fill(staff.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    timeline = page.get_by_role("list", name="Timeline")
    expect(timeline).to_contain_text(f"{staff.email} merged case {duplicate.pk} into this case")
    expect(timeline).to_contain_text("ReviewWatch saw the author edit the review: 1★ → 5★")
    expect(timeline).to_contain_text("ReviewWatch saw the author edit the review (text changed)")
    expect(timeline).not_to_contain_text("merged in")
    expect(timeline).not_to_contain_text("changed review edited")


def test_the_duplicate_says_which_case_it_was_merged_into(staff_client, staff):
    kept, duplicate = opened_case(), opened_case()
    merge_case(duplicate.pk, duplicate.version, kept, staff)
    text = timeline_text(staff_client, duplicate)
    assert f"merged this case into case {kept.pk}" in text


def test_quoted_outcomes_and_reopen_reasons_are_quoted_once(owner_client, owner):
    case = opened_case()
    Event.objects.create(case=case, actor=owner, kind="outcome", new_value='"Refunded in full."')
    Event.objects.create(case=case, actor=owner, kind="outcome", old_value="Refunded in full.")
    Event.objects.create(case=case, kind="reopened", new_value="“Still charged twice.”")
    text = timeline_text(owner_client, case)
    assert "recorded the outcome: Refunded in full." in text
    assert "cleared the outcome Refunded in full." in text
    assert "reopened the case: Still charged twice." in text
    assert '"' not in text and "“" not in text
    assert "changed outcome" not in text and "changed reopened" not in text


def test_a_stranger_sees_no_timeline(client):
    case = opened_case()
    response = client.get(reverse("case", args=[case.pk]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    "text",
    [
        '"The parcel arrived broken and support never answered."',
        "“The parcel arrived broken and support never answered.”",
    ],
)
def test_a_quoted_review_is_quoted_once_in_the_reason(text):
    reason = classify(text).reason
    assert "''" not in reason and '"' not in reason and "“" not in reason
    assert reason.endswith("'The parcel arrived broken and support never answered.'")


def test_an_owner_phrase_typed_with_quotes_is_quoted_once_in_the_reason():
    rules = OwnerRules(always_flag=('"lawsuit"',))
    assert classify('A "lawsuit" was filed.', rules=rules).reason == (
        "owner rule: always flag 'lawsuit'"
    )
