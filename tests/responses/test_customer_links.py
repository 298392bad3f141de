"""Customers: an author on a source is a customer record; people link the records that are the
same person (suggested, never applied on their own) and unlink them; who may do what."""

from __future__ import annotations

from datetime import timedelta

import pytest
import redis
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from monitors.models import Label, Source, Subject
from responses.customers import record_for_mention, sync_records
from responses.models import Customer, CustomerEvent, CustomerRecord
from tests.queued import run_queued_tasks

pytestmark = pytest.mark.django_db


@pytest.fixture
def google(db) -> Source:
    return Source.objects.create(name="Google", url="https://maps.example.com/acme")


def test_each_author_on_each_source_is_one_customer_whatever_the_case_of_the_name(
    make_mention, source, google
):
    make_mention(author="Dana Reyes")
    make_mention(author="dana reyes")  # the same author on the same source
    make_mention(author="Dana Reyes", source=google)  # maybe her, on another source
    make_mention(author="  ")  # anonymous
    make_mention(author="Eli", subject=Subject.COMPETITOR)  # a competitor's customer
    assert sync_records() == 2
    assert sync_records() == 0  # a second pass (or a second worker) makes nothing more
    assert sorted(CustomerRecord.objects.values_list("source__name", "author_key")) == [
        ("Google", "DANA REYES"),
        ("Trustpilot", "DANA REYES"),
    ]
    assert Customer.objects.count() == 2  # the same name is suggested, not linked


def test_a_record_is_made_on_the_spot_for_a_new_review_and_only_once(make_mention):
    mention = make_mention(author="Dana")
    first = record_for_mention(mention)
    assert record_for_mention(make_mention(author="DANA")) == first
    assert sync_records() == 0 and Customer.objects.count() == 1


def _customer(author: str, source: Source) -> Customer:
    return CustomerRecord.objects.get(author_key=author.upper(), source=source).customer


def test_the_same_name_on_another_source_is_suggested_and_linked_by_a_person(
    staff_client, staff, make_mention, source, google
):
    now = timezone.now()
    make_mention(author="Dana", first_seen_at=now - timedelta(days=2))
    make_mention(author="Dana", source=google, rating=5, label=Label.POSITIVE, first_seen_at=now)
    sync_records()
    dana, dana_on_google = _customer("Dana", source), _customer("Dana", google)

    page = staff_client.get(reverse("customer", args=[dana.pk])).content.decode()
    assert f'data-suggestion="{dana_on_google.pk}"' in page
    assert "same name on another source, reviews 2 days apart" in page
    customers_page = staff_client.get(reverse("customers")).content.decode()
    assert "data-match" in customers_page

    response = staff_client.post(
        reverse("customer_link", args=[dana.pk]), {"other": dana_on_google.pk}
    )
    assert response.status_code == 302
    assert list(dana.records.values_list("source__name", flat=True).order_by("source__name")) == [
        "Google",
        "Trustpilot",
    ]
    assert not Customer.objects.filter(pk=dana_on_google.pk).exists()
    history = staff_client.get(reverse("customer", args=[dana.pk])).content.decode()
    assert history.count("data-history-mention") == 2  # both reviews in one history
    event = CustomerEvent.objects.get(customer=dana, kind="linked")
    assert (event.actor, event.detail) == (staff, "Linked Dana on Google")


def test_unlinking_makes_the_record_a_customer_of_its_own(
    owner_client, make_mention, source, google
):
    make_mention(author="Dana")
    make_mention(author="Dana", source=google)
    sync_records()
    dana = _customer("Dana", source)
    owner_client.post(
        reverse("customer_link", args=[dana.pk]), {"other": _customer("Dana", google).pk}
    )
    on_google = dana.records.get(source=google)

    response = owner_client.post(
        reverse("customer_unlink", args=[dana.pk]), {"record": on_google.pk}
    )
    assert response.status_code == 302
    alone = _customer("Dana", google)
    assert alone != dana and list(dana.records.all()) == [dana.records.get(source=source)]
    assert CustomerEvent.objects.filter(customer=dana, kind="unlinked").exists()

    # Her only record cannot be unlinked: there would be nobody left.
    only = dana.records.get()
    response = owner_client.post(
        reverse("customer_unlink", args=[dana.pk]), {"record": only.pk}, follow=True
    )
    assert "only record" in response.content.decode()
    assert _customer("Dana", source) == dana


def test_the_same_email_is_suggested_too(staff_client, make_mention, source, google):
    make_mention(author="Dana R.")
    make_mention(author="dana.reyes", source=google)
    sync_records()
    dana, other = _customer("Dana R.", source), _customer("dana.reyes", google)
    for customer in (dana, other):
        response = staff_client.post(
            reverse("customer_email", args=[customer.pk]), {"email": "dana@example.com"}
        )
        assert response.status_code == 302
    page = staff_client.get(reverse("customer", args=[dana.pk])).content.decode()
    assert f'data-suggestion="{other.pk}"' in page and "same email" in page


def test_anonymous_visitors_are_sent_to_log_in_and_staff_may_use_the_customer_pages(
    client, staff, make_mention
):
    customer = record_for_mention(make_mention(author="Dana")).customer
    pages = [reverse("customers"), reverse("customer", args=[customer.pk])]
    posts = [
        reverse(name, args=[customer.pk])
        for name in ("customer_link", "customer_unlink", "customer_email", "customer_escalate")
    ]
    for url in pages + posts:
        response = client.post(url) if url in posts else client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    client.force_login(staff)
    for url in pages:
        assert client.get(url).status_code == 200, url
    filtered = client.get(reverse("customers"), {"health": "green", "q": "dan"})
    assert f'data-customer="{customer.pk}"' in filtered.content.decode()
    assert (
        client.get(reverse("customers"), {"health": "red"}).content.decode().count("data-customer=")
        == 0
    )


def test_escalating_a_customer_emails_the_person_named_and_the_owners(
    staff_client, owner, other_staff, make_mention, smtp_server, django_capture_on_commit_callbacks
):
    redis.Redis.from_url(settings.CELERY_BROKER_URL).delete("celery")  # no earlier test's tasks
    customer = record_for_mention(make_mention(author="Dana")).customer
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            reverse("customer_escalate", args=[customer.pk]), {"person": other_staff.pk}
        )
    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.escalated_to == other_staff
    run_queued_tasks()
    assert sorted(m["To"] for m in smtp_server.messages) == [
        "alice@example.com",
        "carol@example.com",
    ]
    assert "Escalated to carol@example.com: Dana" in smtp_server.subject(smtp_server.messages[0])


@pytest.mark.parametrize("value", ["abc", "²", "9" * 30, ""])
def test_a_hostile_customer_or_record_number_is_refused_with_a_message(
    staff_client, make_mention, value
):
    customer = record_for_mention(make_mention(author="Dana")).customer
    for name, field in (("customer_link", "other"), ("customer_unlink", "record")):
        response = staff_client.post(reverse(name, args=[customer.pk]), {field: value}, follow=True)
        assert response.status_code == 200 and "no longer" in response.content.decode()
