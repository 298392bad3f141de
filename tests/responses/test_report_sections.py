"""The Reports page shows one report (section) per request, named in the URL like the filters:
a navigation to the other sections keeps the filters and marks the current one, an unknown
section is named and the default shown, and each section reads only its own report's queries,
as many however many rows the period holds."""

from __future__ import annotations

import html
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from monitors.models import Mention, RatingSnapshot, Source, Subject
from responses.models import Incident, Remedy, Tag
from responses.reports import sections
from responses.reports.sections import SECTIONS
from tests.responses.test_reports_page import case_answered_after, report_page

pytestmark = pytest.mark.django_db

HEADINGS = {
    "volume": "volume-heading",
    "ratings": "ratings-heading",
    "answering": "times-heading",
    "recoveries": "recoveries-heading",
    "complaints": "complaints-heading",
    "competitors": "competitors-heading",
    "incidents": "incidents-heading",
}


def section_links(page: str) -> dict[str, tuple[str, bool]]:
    """The section navigation: each link's text -> (its query string, whether it is current)."""
    nav = page.split('aria-label="Report sections"')[1].split("</nav>")[0]
    links = re.findall(r'<a href="\?([^"]*)"( aria-current="page")?>([^<]*)</a>', nav)
    return {
        html.unescape(text): (html.unescape(query), bool(current)) for query, current, text in links
    }


@pytest.fixture
def sources() -> tuple[Source, Source]:
    reviews = Source.objects.create(name="Reviews", url="https://r.example/")
    rival = Source.objects.create(
        name="Rival", url="https://rival.example/", subject=Subject.COMPETITOR,
        competitor_name="Riverside",
    )  # fmt: skip
    return reviews, rival


def test_every_section_shows_its_own_report_and_no_other(owner_client, sources):
    for slug in SECTIONS:
        page = report_page(owner_client, slug)
        shown = [name for name, heading in HEADINGS.items() if f'id="{heading}"' in page]
        assert shown == [slug]


# The report functions each section calls (the rest of its figures are charts of these).
READS = {
    "volume": {"volume"},
    "ratings": {"ratings_chart", "public_ratings"},
    "answering": {"responsiveness"},
    "recoveries": {"recoveries"},
    "complaints": {"tags_over_time", "complaint_phrases", "remedies"},
    "competitors": {"side_by_side"},
    "incidents": {"incident_rows"},
}


@pytest.mark.parametrize("slug", list(SECTIONS))
def test_each_section_reads_only_its_own_report(owner_client, sources, monkeypatch, slug):
    called: set[str] = set()

    def recorded(name: str, report):
        def read(*args, **kwargs):
            called.add(name)
            return report(*args, **kwargs)

        return read

    for name in set().union(*READS.values()):
        monkeypatch.setattr(sections, name, recorded(name, getattr(sections, name)))
    report_page(owner_client, slug)
    assert called == READS[slug]


def test_without_a_section_the_page_shows_what_was_said(owner_client, sources):
    page = owner_client.get(reverse("reports")).content.decode()
    assert 'id="volume-heading"' in page and 'id="times-heading"' not in page
    assert section_links(page)["What was said"][1] is True
    assert "<title>What was said · Reports · ReviewWatch</title>" in page


def test_the_section_links_keep_the_filters_and_mark_the_current_section(owner_client, sources):
    reviews, rival = sources
    query = {"range": "7", "source": [reviews.pk, rival.pk], "subject": "ours"}
    page = report_page(owner_client, "recoveries", query)
    links = section_links(page)
    assert list(links) == [section.title for section in SECTIONS.values()]
    assert [title for title, (_, current) in links.items() if current] == ["Recoveries"]
    filters = f"range=7&source={reviews.pk}&source={rival.pk}&subject=ours"
    assert links["Incidents"][0] == f"section=incidents&{filters}"
    assert links["Recoveries"][0] == f"section=recoveries&{filters}"
    assert '<input type="hidden" name="section" value="recoveries">' in page
    assert 'href="/reports/?section=recoveries">Last 30 days</a>' in page


def test_a_bad_section_is_named_and_what_was_said_shown(owner_client, sources):
    page = report_page(owner_client, "<nonsense>", {"range": "7"})
    alert = page.split('role="alert"')[1].split("</div>")[0]
    assert "there is no report called “&lt;nonsense&gt;”; showing What was said." in alert
    assert 'id="volume-heading"' in page and "<nonsense>" not in page
    assert section_links(page)["What was said"] == ("section=volume&range=7", True)
    assert '<input type="hidden" name="section" value="volume">' in page


def test_a_bad_section_and_a_bad_period_are_both_named(owner_client, sources):
    page = report_page(owner_client, "nonsense", {"range": "custom", "since": "2026-13-45"})
    alert = page.split('role="alert"')[1].split("</div>")[0]
    assert "Enter a valid date." in alert and "“nonsense”" in alert


@pytest.mark.parametrize("slug", list(SECTIONS))
def test_owner_and_staff_read_every_section_and_a_stranger_is_sent_to_log_in(
    client, owner, staff, sources, slug
):
    case_answered_after(sources[0], 1, timedelta(minutes=20))
    for person in (owner, staff):
        client.force_login(person)
        page = report_page(client, slug)
        assert f'id="{HEADINGS[slug]}"' in page
        assert ("Per person" in page) is (slug == "answering" and person == owner)
    response = Client().get(reverse("reports"), {"section": slug})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def add_rows(reviews: Source, rival: Source, first: int, count: int) -> None:
    """`count` answered complaints on each source, each rated, tagged and with a remedy."""
    delivery, _ = Tag.objects.get_or_create(name="Delivery")
    for n in range(first, first + count):
        for source in (reviews, rival):
            case = case_answered_after(source, n, timedelta(minutes=n), days_ago=1 + n % 20)
            Mention.objects.filter(pk=case.mention_id).update(rating=1 + n % 5)
            case.tags.add(delivery)
            Remedy.objects.create(case=case, kind="refund")
        RatingSnapshot.objects.create(
            source=reviews,
            taken_at=timezone.now() - timedelta(days=n % 25, hours=n),
            rating=Decimal("4.1"),
            count=n,
        )


def queries_for(client: Client, slug: str) -> list[str]:
    """The SQL the section's page runs, over the last 90 days."""
    with CaptureQueriesContext(connection) as queries:
        report_page(client, slug, {"range": "90"})
    return [query["sql"] for query in queries.captured_queries]


@pytest.mark.parametrize("slug", list(SECTIONS))
def test_each_section_asks_as_many_queries_however_many_rows(owner_client, sources, slug):
    Incident.objects.create(title="Login outage", started_at=timezone.now() - timedelta(days=3))
    add_rows(*sources, first=1, count=2)
    few = len(queries_for(owner_client, slug))
    add_rows(*sources, first=3, count=12)
    assert len(queries_for(owner_client, slug)) == few


def test_staff_reading_how_fast_we_answer_skip_the_per_person_query(client, owner, staff, sources):
    add_rows(*sources, first=1, count=3)

    def per_person_queries() -> list[str]:
        """The query grouping cases by their assignee's email."""
        by_assignee = '"responses_case"."assignee_id" = "auth_user"."id"'
        return [sql for sql in queries_for(client, "answering") if by_assignee in sql]

    client.force_login(owner)
    assert len(per_person_queries()) == 1
    client.force_login(staff)
    assert per_person_queries() == []
