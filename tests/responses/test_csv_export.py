"""CSV export of mentions and cases: the columns a spreadsheet shows, under the same filters as
the Mentions list and the inbox, dates in the reader's zone, formulas made harmless, for the
team only, and streamed with flat memory however many rows there are."""

from __future__ import annotations

import codecs
import csv
import io
import re
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from monitors.models import Label, Mention, Subject
from responses.cases import open_case
from responses.models import Case, DigestPreference, Tag
from tests.responses.test_cases_opening import make_mention, make_source

pytestmark = pytest.mark.django_db
UTC = ZoneInfo("UTC")
SEEN = datetime(2026, 3, 31, 23, 30, tzinfo=UTC)  # 1 April 08:30 in Tokyo


def exported(client, name: str, **query) -> list[list[str]]:
    """The rows of the CSV file (the header first), read as a spreadsheet would."""
    response = client.get(reverse(name), query)
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert body.startswith(codecs.BOM_UTF8)
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))


def read_in(user, zone: str) -> None:
    DigestPreference.objects.update_or_create(user=user, defaults={"time_zone": zone})


def column(rows: list[list[str]], name: str) -> list[str]:
    where = rows[0].index(name)
    return [row[where] for row in rows[1:]]


def test_mentions_export_has_each_column_with_the_values_checked_by_hand(owner_client, owner):
    read_in(owner, "UTC")
    ours, rival = make_source("Google Alerts"), make_source("Rival forum", Subject.COMPETITOR)
    rival.competitor_name = "Rival Pizza"
    rival.save()
    complaint = make_mention(
        ours,
        author="Zoë",
        title="Cold crème brûlée",
        text="The crème brûlée was cold.\nAnd late.",
        rating=Decimal("1.50"),
        reason="rating 1.5/5",
        url="https://reviews.example/r/1",
        first_seen_at=SEEN,
        published_at=SEEN - timedelta(days=1),
    )
    case, _ = open_case(complaint)
    praise = make_mention(
        rival, author="Ann", text="Great crust", rating=None, label=Label.POSITIVE, reason=""
    )
    Mention.objects.filter(pk=praise.pk).update(first_seen_at=SEEN + timedelta(hours=1))

    rows = exported(owner_client, "mentions_csv")

    assert rows == [
        [
            "id",
            "first seen",
            "published",
            "source",
            "subject",
            "author",
            "title",
            "text",
            "rating",
            "label",
            "reason",
            "url",
            "case id",
        ],
        [
            str(praise.pk),
            "2026-04-01T00:30:00+00:00",
            "",
            "Rival forum",
            "Rival Pizza",
            "Ann",
            "",
            "Great crust",
            "",
            "Positive",
            "",
            "",
            "",
        ],
        [
            str(complaint.pk),
            "2026-03-31T23:30:00+00:00",
            "2026-03-30T23:30:00+00:00",
            "Google Alerts",
            "Our business",
            "Zoë",
            "Cold crème brûlée",
            "The crème brûlée was cold.\nAnd late.",
            "1.5",
            "Negative",
            "rating 1.5/5",
            "https://reviews.example/r/1",
            str(case.pk),
        ],
    ]


def test_cases_export_has_each_column_with_the_values_checked_by_hand(owner_client, owner, staff):
    read_in(owner, "UTC")
    late, refund = (
        Tag.objects.create(name="Late", position=2),
        Tag.objects.create(name="Refund", position=1),
    )
    mention = make_mention(
        make_source("Trustpilot"),
        author="Dana",
        text="\n  Parcel broken, nobody answers.  \nSecond line.",
        rating=Decimal("2"),
    )
    case, _ = open_case(mention)
    Case.objects.filter(pk=case.pk).update(
        opened_at=SEEN,
        due_at=SEEN + timedelta(hours=4),
        first_responded_at=SEEN + timedelta(hours=1),
        responded=True,
        resolved_at=SEEN + timedelta(days=2),
        status=Case.Status.RESOLVED,
        outcome="Customer satisfied",
        priority=Case.Priority.URGENT,
        assignee=staff,
    )
    case.tags.set([late, refund])

    rows = exported(owner_client, "cases_csv", status="all")

    assert rows == [
        [
            "id",
            "opened",
            "status",
            "priority",
            "assignee",
            "due",
            "first public reply",
            "resolved",
            "outcome",
            "source",
            "rating",
            "author",
            "first line of the review",
            "tags",
        ],
        [
            str(case.pk),
            "2026-03-31T23:30:00+00:00",
            "Resolved",
            "Urgent",
            "bob@example.com",
            "2026-04-01T03:30:00+00:00",
            "2026-04-01T00:30:00+00:00",
            "2026-04-02T23:30:00+00:00",
            "Customer satisfied",
            "Trustpilot",
            "2",
            "Dana",
            "Parcel broken, nobody answers.",
            "Refund; Late",
        ],
    ]


def test_mentions_export_is_narrowed_by_the_mentions_list_filters(owner_client):
    ours, rival = make_source("Google Alerts"), make_source("Rival forum", Subject.COMPETITOR)
    soup = make_mention(ours, text="The soup was cold.", rating=Decimal("1"))
    happy = make_mention(ours, text="Lovely dinner.", rating=Decimal("5"), label=Label.POSITIVE)
    rivals = make_mention(rival, text="Their soup is cold too.", rating=Decimal("2"))
    old = make_mention(ours, text="Waited an hour.", first_seen_at=timezone.now() - timedelta(30))

    def exported_ids(**query) -> set[int]:
        return {int(n) for n in column(exported(owner_client, "mentions_csv", **query), "id")}

    assert exported_ids() == {soup.pk, happy.pk, rivals.pk, old.pk}
    assert exported_ids(q="soup") == {soup.pk, rivals.pk}
    assert exported_ids(source=rival.pk) == {rivals.pk}
    assert exported_ids(subject=Subject.OURS, rating="2") == {soup.pk, old.pk}
    assert exported_ids(label=Label.POSITIVE) == {happy.pk}
    since = (timezone.now() - timedelta(days=2)).date().isoformat()
    assert exported_ids(since=since, q="soup", subject=Subject.OURS) == {soup.pk}


def test_cases_export_is_narrowed_by_the_inbox_filters_and_still_lists_every_tag(
    owner_client, owner, staff
):
    late, rude = Tag.objects.create(name="Late"), Tag.objects.create(name="Rude")
    source = make_source("Trustpilot")
    mine, _ = open_case(make_mention(source, text="Cold soup again."))
    theirs, _ = open_case(make_mention(source, text="Rude waiter."))
    closed, _ = open_case(make_mention(source, text="Cold fries."))
    Case.objects.filter(pk=mine.pk).update(assignee=owner)
    Case.objects.filter(pk=theirs.pk).update(assignee=staff)
    Case.objects.filter(pk=closed.pk).update(status=Case.Status.RESOLVED)
    mine.tags.set([late, rude])

    def exported_ids(**query) -> set[int]:
        return {int(n) for n in column(exported(owner_client, "cases_csv", **query), "id")}

    assert exported_ids() == {mine.pk, theirs.pk}  # the inbox shows open cases unless asked
    assert exported_ids(status="all") == {mine.pk, theirs.pk, closed.pk}
    assert exported_ids(status=Case.Status.RESOLVED) == {closed.pk}
    assert exported_ids(assignee="mine") == {mine.pk}
    assert exported_ids(status="all", q="cold") == {mine.pk, closed.pk}
    rows = exported(owner_client, "cases_csv", tag=rude.pk)
    assert column(rows, "id") == [str(mine.pk)]
    assert column(rows, "tags") == ["Late; Rude"]


def test_dates_are_iso_8601_in_the_readers_zone_with_its_offset(owner_client, owner):
    read_in(owner, "Asia/Tokyo")
    mention = make_mention(make_source(), first_seen_at=SEEN, published_at=SEEN)
    case, _ = open_case(mention)
    Case.objects.filter(pk=case.pk).update(opened_at=SEEN, due_at=SEEN + timedelta(hours=2))

    mentions = exported(owner_client, "mentions_csv", since="2026-04-01", until="2026-04-01")
    cases = exported(owner_client, "cases_csv", since="2026-04-01")

    assert column(mentions, "first seen") == ["2026-04-01T08:30:00+09:00"]
    assert column(mentions, "published") == ["2026-04-01T08:30:00+09:00"]
    assert column(cases, "opened") == ["2026-04-01T08:30:00+09:00"]
    assert column(cases, "due") == ["2026-04-01T10:30:00+09:00"]
    assert exported(owner_client, "mentions_csv", until="2026-03-31") == [mentions[0]]


def test_the_file_is_utf8_csv_named_with_the_readers_date(owner_client, owner):
    read_in(owner, "Pacific/Kiritimati")  # UTC+14: often a day ahead of the server
    response = owner_client.get(reverse("cases_csv"))
    today = timezone.localtime(timezone.now(), ZoneInfo("Pacific/Kiritimati")).date()
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="reviewwatch-cases-{today.isoformat()}.csv"'
    )


@pytest.mark.parametrize(
    ("written", "exported_as"),
    [
        (
            '=HYPERLINK("https://evil.example","Click")',
            '\'=HYPERLINK("https://evil.example","Click")',
        ),
        ("+1 555 0100 call me", "'+1 555 0100 call me"),
        ("-2+3 stars", "'-2+3 stars"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("Not bad - the soup = fine", "Not bad - the soup = fine"),
    ],
)
def test_a_cell_a_spreadsheet_would_run_as_a_formula_is_exported_as_text(
    owner_client, written, exported_as
):
    mention = make_mention(make_source(), author=written, title=written, text=written)
    open_case(mention)

    mentions = exported(owner_client, "mentions_csv")
    cases = exported(owner_client, "cases_csv")

    assert [column(mentions, name) for name in ("author", "title", "text")] == [[exported_as]] * 3
    assert column(cases, "author") == [exported_as]


@pytest.mark.parametrize("name", ["mentions_csv", "cases_csv"])
def test_owner_and_staff_export_and_a_stranger_is_sent_to_log_in(client, owner, staff, name):
    open_case(make_mention(make_source()))
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    for person in (owner, staff):
        client.force_login(person)
        assert len(exported(client, name, status="all")) == 2


def test_mentions_list_and_inbox_link_to_the_export_of_what_they_show(staff_client):
    mentions_page = staff_client.get(reverse("mentions"), {"q": "soup", "rating": "2"})
    inbox_page = staff_client.get(reverse("home"), {"status": "all", "q": "soup"})
    expected_mentions = f'href="{reverse("mentions_csv")}?q=soup&amp;rating=2"'
    expected_cases = f'href="{reverse("cases_csv")}?status=all&amp;q=soup"'
    assert expected_mentions in mentions_page.content.decode()
    assert expected_cases in inbox_page.content.decode()
    assert ">Export CSV</a>" in inbox_page.content.decode()


def memory_kib(field: str) -> int:
    status = Path("/proc/self/status").read_text()
    return int(re.search(rf"^{field}:\s+(\d+) kB", status, re.MULTILINE).group(1))


def copy_mention(template: Mention, times: int) -> None:
    """`times` copies of one mention in one INSERT … SELECT, each with its own external id."""
    columns = [f.column for f in Mention._meta.concrete_fields if f.column not in ("id",)]
    copied = ["%s || n::text" if column == "external_id" else f'"{column}"' for column in columns]
    names = ", ".join(f'"{column}"' for column in columns)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO monitors_mention ({names}) SELECT {', '.join(copied)} "
            "FROM monitors_mention, generate_series(1, %s) AS n WHERE id = %s",
            ["copy-", times, template.pk],
        )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a server-side cursor")
def test_exporting_100k_mentions_streams_with_flat_memory(owner_client):
    text = "The delivery was late again and the soup arrived cold, nobody answered. " * 2
    reason = "negative text: " + "'late', 'cold', 'nobody answered' " * 11
    copy_mention(make_mention(make_source(), text=text, reason=reason), 100_000)

    response = owner_client.get(reverse("mentions_csv"))
    Path("/proc/self/clear_refs").write_text("5")  # the peak (VmHWM) restarts from now
    before = memory_kib("VmRSS")
    size, lines = 0, 0
    for piece in response.streaming_content:
        size += len(piece)
        lines += piece.count(b"\r\n")
    growth_mib = (memory_kib("VmHWM") - before) / 1024

    assert lines == 100_002  # the header, the template and its copies
    assert size > 50 * 1024 * 1024  # more than the bound: a file held whole would fail it
    assert growth_mib < 40, f"peak memory grew by {growth_mib:.0f} MiB"
