"""Staff and owners correct a mention's label ("Not negative" / "Negative"): it applies at once,
opens a case for a missed complaint, shows in the case's audit trail, survives "Classify all
again", and gives way to the model when the customer changes the words."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from monitors.ingest import content_hash, owner_rules, revise
from monitors.models import Label, Mention
from monitors.parsers.base import ReviewRecord
from monitors.reclassify import reclassify_chunk, start_reclassify
from responses.cases import open_case
from responses.models import Case, Event
from tests.responses.test_inbox_browser import log_in

HTMX = {"HTTP_HX_REQUEST": "true"}
PRAISE = "The staff were lovely and the cake was perfect."


def mark(client, mention: Mention, negative: str, **extra):
    return client.post(reverse("mention_label", args=[mention.pk]), {"negative": negative}, **extra)


@pytest.fixture
def flagged_case(make_mention) -> Case:
    mention = make_mention(rating=None, text="Parking was tricky but the cake was perfect.")
    case, _ = open_case(mention, actor=None, clock_from=timezone.now())
    return case


@pytest.mark.parametrize("role", ["owner", "staff"])
def test_not_negative_on_the_case_page_relabels_at_once_and_is_in_the_audit_trail(
    request, client, flagged_case, role
):
    person = request.getfixturevalue(role)
    client.force_login(person)
    answer = mark(client, flagged_case.mention, "0", **HTMX)

    assert answer.status_code == 200
    assert 'data-mention-label="neutral"' in answer.content.decode()
    mention = Mention.objects.get()
    assert (mention.label, mention.corrected_negative, mention.corrected_by) == (
        Label.NEUTRAL,
        False,
        person,
    )
    assert mention.reason == f"corrected by {person.email}: not negative (was negative)"
    event = Event.objects.get(kind=Event.Kind.LABEL)
    assert (event.actor, event.old_value, event.new_value) == (person, "negative", "neutral")
    page = client.get(reverse("case", args=[flagged_case.pk])).content.decode()
    assert "corrected the label: negative → neutral" in page
    assert f"Corrected by {person.email}" in page


def test_negative_on_a_missed_complaint_opens_its_case(staff_client, make_mention):
    missed = make_mention(rating=None, label=Label.NEUTRAL, text="Portions have shrunk again.")
    answer = mark(staff_client, missed, "1")

    case = Case.objects.get(mention=missed)
    assert answer.status_code == 302 and answer.url == reverse("case", args=[case.pk])
    missed.refresh_from_db()
    assert missed.label == Label.NEGATIVE and missed.negative_announced_at is not None
    assert list(case.events.values_list("kind", flat=True)) == ["opened", "label"]


def test_the_mentions_list_offers_the_control_for_each_mention(staff_client, make_mention):
    make_mention(rating=None, label=Label.NEUTRAL)
    make_mention(rating=None, label=Label.NEGATIVE)
    page = staff_client.get(reverse("mentions")).content.decode()
    assert page.count(">Negative</button>") == 1 and page.count(">Not negative</button>") == 1


def test_a_stranger_cannot_correct_a_label(client, flagged_case):
    answer = mark(client, flagged_case.mention, "0")
    assert answer.status_code == 302 and "/accounts/login/" in answer.url
    assert Mention.objects.get().label == Label.NEGATIVE
    assert not Event.objects.filter(kind=Event.Kind.LABEL).exists()


@pytest.mark.parametrize("value", ["", "maybe", "2"])
def test_a_wrong_value_is_refused_and_changes_nothing(staff_client, flagged_case, value):
    answer = mark(staff_client, flagged_case.mention, value)
    assert answer.status_code == 400
    assert "negative=1" in answer.content.decode()
    assert Mention.objects.get().corrected_negative is None


def test_an_unknown_mention_is_404(staff_client):
    answer = staff_client.post(reverse("mention_label", args=[999999]), {"negative": "0"})
    assert answer.status_code == 404


def test_classify_all_again_keeps_a_correction(staff_client, make_mention):
    praise = make_mention(rating=None, label=Label.POSITIVE, text=PRAISE)
    mark(staff_client, praise, "1")
    job, _ = start_reclassify()
    while reclassify_chunk(job.pk):
        pass
    praise.refresh_from_db()
    assert praise.label == Label.NEGATIVE and praise.reason.startswith("corrected by")


def test_new_words_from_the_customer_end_the_correction(staff_client, make_mention):
    praise = make_mention(rating=None, label=Label.POSITIVE, text=PRAISE)
    mark(staff_client, praise, "1")
    praise.refresh_from_db()
    edited = ReviewRecord(external_id=praise.external_id, title=praise.title, text=PRAISE + " !!")
    digest = content_hash(edited.title, edited.text, None)
    assert revise(praise, edited, digest, timezone.now(), owner_rules())

    praise.refresh_from_db()
    assert praise.corrected_negative is None and praise.corrected_by is None
    assert praise.label == Label.POSITIVE and "reads positive" in praise.reason


def test_an_unchanged_reread_keeps_the_correction(staff_client, make_mention):
    praise = make_mention(rating=None, label=Label.POSITIVE, text=PRAISE)
    mark(staff_client, praise, "1")
    praise.refresh_from_db()
    same = ReviewRecord(external_id=praise.external_id, title=praise.title, text=praise.text)
    revise(praise, same, "markup-moved", timezone.now(), owner_rules())
    praise.refresh_from_db()
    assert praise.label == Label.NEGATIVE and praise.corrected_negative is True


@pytest.mark.browser
def test_staff_press_not_negative_on_the_case_page_and_see_it_applied(
    live_server, page: Page, flagged_case, staff
):
    log_in(page, live_server.url, staff.email)
    page.goto(f"{live_server.url}/cases/{flagged_case.pk}/")
    page.get_by_role("button", name="Not negative").click()

    label = page.locator(f"#mention-label-{flagged_case.mention.pk}")
    expect(label).to_contain_text("Flagged neutral: corrected by")
    expect(label.get_by_role("button", name="Negative")).to_be_visible()
    assert Mention.objects.get().corrected_by == staff
