"""The Reports page: a period and filters kept in the URL, each report (a section of the page,
also in the URL) as a chart with its numbers, for owner and staff; per-person figures for the
owner only; each report's table as CSV under the page's filters."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from monitors.models import Mention, RatingSnapshot, Source, Subject
from responses.models import Case, DigestPreference, Tag

pytestmark = pytest.mark.django_db


def case_answered_after(source: Source, n: int, wait: timedelta | None, days_ago: float = 2):
    seen = timezone.now() - timedelta(days=days_ago)
    mention = Mention.objects.create(
        source=source,
        external_id=str(n),
        content_hash="x",
        first_seen_at=seen,
        label="negative",
        reason="'cold', 'rude' in sentence 1: 'Cold soup, rude waiter.'",
        subject=source.subject,
    )
    return Case.objects.create(
        mention=mention,
        opened_at=seen,
        clock_from=seen,
        due_at=seen + timedelta(hours=1),
        responded=wait is not None,
        first_responded_at=seen + wait if wait is not None else None,
    )


def report_page(client: Client, section: str, query: dict | None = None) -> str:
    """One section of the Reports page under the filters in `query`."""
    response = client.get(reverse("reports"), {"section": section, **(query or {})})
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def reviews():
    source = Source.objects.create(name="Reviews", url="https://r.example/")
    case_answered_after(source, 1, timedelta(minutes=20))
    case_answered_after(source, 2, timedelta(minutes=50))
    case_answered_after(source, 3, None)
    case_answered_after(source, 4, timedelta(minutes=5), days_ago=20)
    return source


def test_reports_show_response_times_charts_and_phrases_to_staff_and_owner(
    client, owner, staff, reviews
):
    charts = {"volume": 1, "ratings": 2, "answering": 1, "complaints": 2}  # ratings: public too
    for person in (owner, staff):
        client.force_login(person)
        answering = report_page(client, "answering")
        assert 'data-report="opened">4<' in answering and 'data-report="answered">3<' in answering
        assert 'data-report="median">20 min<' in answering
        assert ("Per person" in answering) is (person == owner)
        for section, count in charts.items():
            assert report_page(client, section).count('role="img"') == count, section
        assert "?q=cold&amp;label=negative" in report_page(client, "complaints")


def test_the_period_in_the_url_narrows_every_figure(owner_client, reviews):
    assert 'data-report="opened">3<' in report_page(owner_client, "answering", {"range": "7"})
    assert 'data-report="mentions">3<' in report_page(owner_client, "volume", {"range": "7"})
    custom = {"range": "custom", "since": "2000-01-01", "until": "2000-01-31"}
    page = report_page(owner_client, "answering", custom)
    assert 'data-report="opened">0<' in page and "1 Jan 2000 – 31 Jan 2000" in page


def test_a_bad_period_is_named_and_the_last_30_days_shown(owner_client, reviews):
    text = report_page(owner_client, "answering", {"range": "custom", "since": "2026-13-45"})
    assert "Enter a valid date." in text
    assert 'data-report="opened">4<' in text


def test_competitors_stand_beside_us(owner_client, reviews):
    rival = Source.objects.create(
        name="Rival", url="https://rival.example/", subject=Subject.COMPETITOR,
        competitor_name="Riverside Credit Union",
    )  # fmt: skip
    case_answered_after(rival, 9, None)
    assert "Riverside Credit Union" in report_page(owner_client, "competitors")


def test_a_stranger_is_sent_to_log_in():
    response = Client().get(reverse("reports"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


MARCH_1_TO_4 = {"range": "custom", "since": "2026-03-01", "until": "2026-03-04"}


def march(day: int, hour: int = 10) -> datetime:
    return datetime(2026, 3, day, hour, tzinfo=UTC)


def csv_rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff"), "a BOM, so a spreadsheet reads the accents"
    return list(csv.reader(io.StringIO(body.removeprefix("\ufeff"))))


def report_csv(client, report: str, query: dict) -> list[list[str]]:
    response = client.get(reverse("report_csv", args=[report]), query)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert f"reviewwatch-report-{report}-" in response["Content-Disposition"]
    return csv_rows(response)


def case_opened_at(source: Source, n: int, opened: datetime, *tags: Tag) -> Case:
    mention = Mention.objects.create(
        source=source, external_id=f"t{n}", content_hash="x", first_seen_at=opened,
        label="negative", subject=source.subject,
    )  # fmt: skip
    case = Case.objects.create(
        mention=mention, opened_at=opened, clock_from=opened, due_at=opened + timedelta(hours=1)
    )
    case.tags.set(tags)
    return case


@pytest.fixture
def snapshots(reviews):
    """Reviews' page said 4.2 on 2 March and 4.5 on 4 March: nothing before, 3 March carried."""
    RatingSnapshot.objects.create(
        source=reviews, taken_at=march(2), rating=Decimal("4.2"), count=80
    )
    RatingSnapshot.objects.create(
        source=reviews, taken_at=march(4), rating=Decimal("4.5"), count=91
    )
    return reviews


def test_the_public_average_is_charted_with_carried_values_marked_and_no_snapshot_said(
    owner_client, snapshots
):
    page = report_page(owner_client, "ratings", MARCH_1_TO_4)
    assert 'id="chart-public-ratings"' in page
    assert '<th scope="row">01 Mar</th><td>no snapshot</td>' in page
    assert '<th scope="row">02 Mar</th><td>4.2</td>' in page
    assert '<th scope="row">03 Mar</th><td>4.2 (carried)</td>' in page
    assert '<th scope="row">04 Mar</th><td>4.5</td>' in page


def test_root_cause_tags_are_stacked_per_day_with_their_table(owner_client, reviews):
    delivery, _ = Tag.objects.get_or_create(name="Delivery")
    staff, _ = Tag.objects.get_or_create(name="Staff")
    case_opened_at(reviews, 1, march(1), delivery)
    case_opened_at(reviews, 2, march(1), delivery, staff)
    case_opened_at(reviews, 3, march(3, 23))
    page = report_page(owner_client, "complaints", MARCH_1_TO_4)
    assert 'id="chart-tags"' in page
    table = page.split('id="chart-tags"')[1]
    assert '<th scope="col">Delivery</th><th scope="col">No tag</th>' in table
    assert '<th scope="row">01 Mar</th><td>2</td><td>0</td><td>1</td><td>3</td>' in table
    assert '<th scope="row">03 Mar</th><td>0</td><td>1</td><td>0</td><td>1</td>' in table
    rows = report_csv(owner_client, "tags", MARCH_1_TO_4)
    assert rows[0] == ["day starting (UTC)", "tag", "cases opened"]
    assert rows[1:] == [
        ["2026-03-01", "Delivery", "2"],
        ["2026-03-01", "Staff", "1"],
        ["2026-03-03", "no tag", "1"],
    ]


def test_the_volume_csv_takes_the_pages_filters(owner_client, reviews):
    other = Source.objects.create(name="Other", url="https://o.example/")
    case_answered_after(other, 7, None, days_ago=1)
    today = timezone.localdate()
    rows = report_csv(owner_client, "volume", {"range": "7"})
    assert rows[0] == ["day starting (UTC)", "source", "mentions", "negative"]
    two_days_ago = (today - timedelta(days=2)).isoformat()
    assert [two_days_ago, "Reviews", "3", "3"] in rows
    assert len(rows) == 3  # the mention of 20 days ago is outside the last 7 days
    only_other = report_csv(owner_client, "volume", {"range": "7", "source": other.pk})
    assert [row[1] for row in only_other[1:]] == ["Other"]


def test_the_public_ratings_csv_says_no_snapshot_and_carried_in_the_readers_zone(
    owner, owner_client, snapshots
):
    DigestPreference.objects.update_or_create(user=owner, defaults={"time_zone": "Asia/Tokyo"})
    rows = report_csv(owner_client, "public-ratings", MARCH_1_TO_4)
    assert rows[0] == [
        "day starting (Asia/Tokyo)", "source", "public rating", "reviews on the page",
        "snapshot taken", "carried",
    ]  # fmt: skip
    assert rows[1] == ["2026-03-01", "Reviews", "no snapshot", "", "", "no"]
    assert rows[2] == ["2026-03-02", "Reviews", "4.2", "80", "2026-03-02T19:00:00+09:00", "no"]
    assert rows[3] == ["2026-03-03", "Reviews", "4.2", "80", "2026-03-02T19:00:00+09:00", "yes"]


def test_each_report_table_downloads_with_a_header_and_the_pages_filters(owner_client, reviews):
    tables = {
        "volume": ["volume"],
        "ratings": ["ratings", "public-ratings"],
        "answering": ["priorities", "people"],
        "recoveries": ["recovery-speed", "recoveries"],
        "complaints": ["phrases", "tags", "remedies"],
        "competitors": ["competitors"],
    }
    for section, reports in tables.items():
        page = report_page(owner_client, section, {"range": "7"})
        for report in reports:  # the filters without the section: each table is its own file
            assert f'href="/reports/{report}.csv?range=7"' in page, report
            assert report_csv(owner_client, report, {"range": "7"})[0], report
    assert report_csv(owner_client, "phrases", {})[1] == ["cold", "4", "0"]
    assert report_csv(owner_client, "priorities", {})[0] == [
        "priority", "cases", "target judged", "within target",
    ]  # fmt: skip
    team = report_csv(owner_client, "people", {})[1]
    assert team[:4] == ["whole team", "4", "3", "20.0"]


def test_a_report_csv_escapes_what_a_spreadsheet_would_run(owner_client):
    trap = Source.objects.create(name='=HYPERLINK("http://x")', url="https://t.example/")
    case_answered_after(trap, 1, None)
    rows = report_csv(owner_client, "volume", {})
    assert rows[1][1] == '\'=HYPERLINK("http://x")'


def test_staff_read_report_csvs_but_not_the_per_person_one(staff_client, reviews):
    assert report_csv(staff_client, "volume", {})[-1][1:] == ["Reviews", "3", "3"]
    assert staff_client.get(reverse("report_csv", args=["people"])).status_code == 403
    assert staff_client.get(reverse("report_csv", args=["nothing"])).status_code == 404


def test_a_stranger_asking_for_a_report_csv_is_sent_to_log_in(reviews):
    response = Client().get(reverse("report_csv", args=["volume"]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_past_eight_root_causes_the_rarest_are_added_up_as_other_tags(owner_client, reviews):
    tags = [Tag.objects.get_or_create(name=f"Cause {n}")[0] for n in range(9)]
    for n, tag in enumerate(tags):
        for copy in range(9 - n):  # Cause 0 on nine cases … Cause 8 on one
            case_opened_at(reviews, 100 * n + copy, march(2), tag)
    page = report_page(owner_client, "complaints", MARCH_1_TO_4)
    table = page.split('id="chart-tags"')[1].split("</table>")[0]
    assert '<th scope="col">Cause 6</th><th scope="col">Other tags</th>' in table
    assert "Cause 7" not in table and "Cause 8" not in table
    assert '<th scope="row">02 Mar</th>' in table and "<td>3</td><td>45</td>" in table
