""" "Classify all mentions again": one chunk per task, resumable, and never over a newer edit."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
import redis
from django.conf import settings
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from monitors.models import ClassificationRules, Mention, ReclassifyJob, Source
from monitors.reclassify import CHUNK, reclassify_chunk


def make_mentions(count: int, title: str = "Parking trouble") -> list[Mention]:
    source = Source.objects.create(name="Feed", url="https://example.com/feed")
    return Mention.objects.bulk_create(
        Mention(source=source, external_id=str(n), title=title, content_hash=f"h{n}")
        for n in range(count)
    )


def someone_waits_for_a_lock() -> bool:
    """Whether a session on this test database waits for a lock (a fresh snapshot each time)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0] > 0


def flag(phrase: str) -> None:
    rules = ClassificationRules.current()
    rules.always_flag = phrase
    rules.save()


@pytest.mark.worker
def test_classify_again_runs_one_chunk_per_task_on_the_worker(celery_worker_process, client, owner):
    make_mentions(CHUNK + 1)
    flag("parking")
    client.force_login(owner)
    client.post(reverse("reclassify_start"))

    def chunk_runs() -> list[str]:
        return [
            line
            for line in celery_worker_process.output().splitlines()
            if "reclassify_mentions[" in line and "succeeded" in line
        ]

    # The job row is finished inside the last chunk's task; the worker logs that task's
    # success a moment later, so wait for both, however slow the machine.
    deadline = time.monotonic() + 120
    while ReclassifyJob.objects.filter(finished_at__isnull=True).exists() or len(chunk_runs()) < 2:
        assert time.monotonic() < deadline, celery_worker_process.output()[-3000:]
        time.sleep(0.2)
    job = ReclassifyJob.objects.get()
    assert (job.done, job.total, job.changed) == (CHUNK + 1, CHUNK + 1, CHUNK + 1)
    assert len(chunk_runs()) == 2


def test_classify_again_resumes_a_stalled_job_where_it_stopped(owner_client):
    mentions = make_mentions(5)
    stalled = ReclassifyJob.objects.create(
        total=5,
        done=3,
        last_mention_id=mentions[2].pk,
        updated_at=timezone.now() - timedelta(hours=1),
    )
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    broker.delete("celery")

    response = owner_client.post(reverse("reclassify_start"), follow=True)
    queued = broker.llen("celery")
    broker.delete("celery")

    assert "where it stopped: 3 of 5 done" in response.content.decode()
    assert list(ReclassifyJob.objects.values_list("pk", flat=True)) == [stalled.pk]
    assert queued == 1
    flag("parking")
    assert reclassify_chunk(stalled.pk) is False
    stalled.refresh_from_db()
    assert (stalled.done, stalled.changed) == (5, 2)  # the first three were done before
    labels = list(Mention.objects.order_by("pk").values_list("label", flat=True))
    assert labels == ["neutral"] * 3 + ["negative"] * 2


@pytest.mark.django_db(transaction=True)
def test_classify_again_never_overwrites_a_review_edited_while_it_ran():
    """A poll saw an edit (and classified the new text) while the chunk was being classified."""
    (mention,) = make_mentions(1, title="Parking was a pain")
    flag("parking")
    job = ReclassifyJob.objects.create(total=1)
    edit_holds_the_row, chunk_waited = threading.Event(), threading.Event()

    def poll_saves_an_edit():
        try:
            with transaction.atomic():
                Mention.objects.filter(pk=mention.pk).update(
                    title="Lovely staff", content_hash="edited", label="positive"
                )
                edit_holds_the_row.set()
                # The chunk reads the old title meanwhile and then waits for this row: commit
                # only once it does, however slow the machine.
                deadline = time.monotonic() + 60
                while time.monotonic() < deadline:
                    if someone_waits_for_a_lock():
                        chunk_waited.set()
                        break
                    time.sleep(0.05)
        finally:
            connection.close()

    poll = threading.Thread(target=poll_saves_an_edit)
    poll.start()
    assert edit_holds_the_row.wait(30)
    reclassify_chunk(job.pk)
    poll.join(30)

    assert chunk_waited.is_set()  # the chunk did read the old text before the edit committed
    mention.refresh_from_db()
    assert (mention.title, mention.label) == ("Lovely staff", "positive")
