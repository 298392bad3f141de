"""The owner's classification rules page: phrases, "Try it", classify again, blocked authors."""

from __future__ import annotations

import json
import re

import pytest
import redis
from django.conf import settings as django_settings
from django.urls import reverse

from monitors.models import BlockedAuthor, ClassificationRules, Mention, ReclassifyJob, Source
from monitors.reclassify import reclassify_chunk


@pytest.fixture
def blocked(db) -> BlockedAuthor:
    return BlockedAuthor.objects.create(name="troll42")


@pytest.fixture
def job(db) -> ReclassifyJob:
    return ReclassifyJob.objects.create(total=0)


def pages(blocked: BlockedAuthor, job: ReclassifyJob) -> list[tuple[str, str]]:
    return [
        ("get", reverse("classification_rules")),
        ("post", reverse("classification_rules")),
        ("post", reverse("rules_try")),
        ("post", reverse("reclassify_start")),
        ("get", reverse("reclassify_progress", args=[job.pk])),
        ("post", reverse("blocked_author_add")),
        ("post", reverse("blocked_author_remove", args=[blocked.pk])),
    ]


def test_anonymous_visitor_is_sent_to_login(client, blocked, job):
    for method, url in pages(blocked, job):
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login"))


def test_staff_is_refused_every_rules_page(staff_client, blocked, job):
    for method, url in pages(blocked, job):
        assert getattr(staff_client, method)(url).status_code == 403, url
    assert BlockedAuthor.objects.filter(pk=blocked.pk).exists()
    assert ReclassifyJob.objects.count() == 1


def test_owner_sees_the_rules_page(owner_client, blocked):
    body = owner_client.get(reverse("classification_rules")).content.decode()
    assert "Always flag" in body and "Never flag" in body
    assert "troll42" in body and "Classify all mentions again" in body


def test_rules_are_saved_one_phrase_per_line_without_blanks(owner_client):
    data = {
        "always_flag": "  rude waiter \n\n\nmoldy bread\nRude waiter\n",
        "never_flag": "sick beat",
    }
    response = owner_client.post(reverse("classification_rules"), data)
    rules = ClassificationRules.current()
    assert response.status_code == 302
    assert rules.always_flag == "rude waiter\nmoldy bread"
    assert rules.never_flag == "sick beat"


def test_a_phrase_over_100_characters_is_refused_and_the_input_kept(owner_client):
    long_line = "x" * 101
    data = {"always_flag": f"rude waiter\n{long_line}", "never_flag": ""}
    response = owner_client.post(reverse("classification_rules"), data)
    body = response.content.decode()
    error = re.search(r'id="id_always_flag_error" role="alert">(.*?)</div>', body, re.S)
    assert response.status_code == 400
    assert error and "Line 2 has 101 characters" in error.group(1)
    assert long_line in body and "rude waiter" in body
    assert ClassificationRules.current().always_flag == ""


def test_try_it_reflects_an_always_flag_rule(owner_client):
    text = "The parking was a bit of a maze but the meal was lovely."
    before = owner_client.post(reverse("rules_try"), {"text": text}, headers={"HX-Request": "true"})
    assert "owner rule" not in before.content.decode()
    owner_client.post(reverse("classification_rules"), {"always_flag": "parking", "never_flag": ""})
    after = owner_client.post(reverse("rules_try"), {"text": text}, headers={"HX-Request": "true"})
    body = after.content.decode()
    assert body.lstrip().startswith('<section id="try-it"')
    assert "Negative" in body and "owner rule: always flag &#x27;parking&#x27;" in body


def test_try_it_without_htmx_renders_the_whole_page_with_the_verdict(owner_client):
    response = owner_client.post(reverse("rules_try"), {"text": "Wonderful!", "rating": "5"})
    body = response.content.decode()
    assert "<h1>Classification rules</h1>" in body
    assert "Positive" in body


def test_try_it_with_a_bad_rating_says_so_next_to_the_field(owner_client):
    response = owner_client.post(
        reverse("rules_try"), {"text": "Fine.", "rating": "9"}, headers={"HX-Request": "true"}
    )
    body = response.content.decode()
    assert "<html" not in body
    assert re.search(r'id="id_rating_error" role="alert"><p>Enter a number of stars from 0', body)
    assert "Fine." in body


def test_classify_again_reaches_100_percent_and_stops_polling(owner_client):
    source = Source.objects.create(name="Feed", url="https://example.com/feed")
    for number in range(3):
        Mention.objects.create(
            source=source,
            external_id=str(number),
            title=f"Parking trouble {number}",
            content_hash="x",
            label="neutral",
        )
    owner_client.post(reverse("classification_rules"), {"always_flag": "parking", "never_flag": ""})
    broker = redis.Redis.from_url(django_settings.CELERY_BROKER_URL)
    broker.delete("celery")
    owner_client.post(reverse("reclassify_start"))
    queued = [json.loads(raw)["headers"]["task"] for raw in broker.lrange("celery", 0, -1)]
    broker.delete("celery")
    job = ReclassifyJob.objects.get()
    assert queued == ["monitors.tasks.reclassify_mentions"]

    progress_url = reverse("reclassify_progress", args=[job.pk])
    running = owner_client.get(progress_url).content.decode()
    assert 'hx-trigger="every 1s"' in running and "0 of 3 mentions (0%)" in running

    while reclassify_chunk(job.pk):
        pass
    finished = owner_client.get(progress_url).content.decode()
    assert "hx-trigger" not in finished
    assert "3 of 3 mentions classified again (100%), 3 changed" in finished
    assert set(Mention.objects.values_list("label", flat=True)) == {"negative"}


def test_pressing_classify_again_twice_runs_one_job(owner_client):
    broker = redis.Redis.from_url(django_settings.CELERY_BROKER_URL)
    broker.delete("celery")
    owner_client.post(reverse("reclassify_start"))
    response = owner_client.post(reverse("reclassify_start"), follow=True)
    queued = broker.llen("celery")
    broker.delete("celery")
    assert ReclassifyJob.objects.count() == 1 and queued == 1
    assert "already being classified again" in response.content.decode()


def test_blocking_an_author_stores_the_name_casefolded(owner_client):
    response = owner_client.post(
        reverse("blocked_author_add"), {"name": "  Grumpy GUS ", "note": "x"}
    )
    assert response.status_code == 302
    assert list(BlockedAuthor.objects.values_list("name", flat=True)) == ["grumpy gus"]


def test_blocking_the_same_author_twice_is_explained(owner_client, blocked):
    response = owner_client.post(reverse("blocked_author_add"), {"name": "TROLL42"})
    body = response.content.decode()
    assert response.status_code == 400
    assert re.search(r'id="id_name_error" role="alert"><p>troll42 is already blocked', body)
    assert 'value="TROLL42"' in body
    assert BlockedAuthor.objects.count() == 1


def test_unblocking_removes_the_author(owner_client, blocked):
    response = owner_client.post(reverse("blocked_author_remove", args=[blocked.pk]), follow=True)
    assert "Unblocked troll42" in response.content.decode()
    assert not BlockedAuthor.objects.exists()
