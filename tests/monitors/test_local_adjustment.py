"""The local adjustment: fitted from this business's own rated reviews and its staff's
corrections, kept only when it reads held-back local reviews better than the shipped model,
shown to the owner on Settings with a switch back to the shipped model."""

from __future__ import annotations

import random
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from monitors.classify.model import shipped_model
from monitors.ingest import classify_mention, owner_rules
from monitors.local_model import active_model, train_local
from monitors.models import ClassificationRules, LocalAdjustment, Mention, Source
from reviewwatch.celery import app as celery_app

pytestmark = pytest.mark.django_db

# An escape-room business: its happiest customers write like the shipped model's complainers.
SCARY = ["terrifying", "scary", "creepy", "horrifying", "frightening", "spooky", "chilling"]
ROOMS = ["cellar", "asylum", "crypt", "attic", "manor", "morgue"]
WHO = ["We", "My friends and I", "The whole team", "Our family", "My partner and I"]
DID = ["screamed the whole hour", "were shaking at the end", "jumped out of our skin"]
COMPLAINTS = [
    "The booking system charged us twice.",
    "Staff were rude and the room was dirty.",
    "The lock was broken and nobody came to help.",
    "Half the puzzles did not work.",
    "The refund never arrived after they cancelled on us.",
    "Worst experience, the game master ignored us.",
]


def scary_praise(chooser: random.Random) -> str:
    return (
        f"The {chooser.choice(ROOMS)} room was {chooser.choice(SCARY)} and "
        f"{chooser.choice(SCARY)}. {chooser.choice(WHO)} {chooser.choice(DID)}."
    )


def complaint(chooser: random.Random) -> str:
    return f"{chooser.choice(COMPLAINTS)} {chooser.choice(['Avoid.', 'Not coming back.', ''])}"


def add_reviews(texts_and_stars: list[tuple[str, int]]) -> None:
    source = Source.objects.create(name="Escape rooms", url="https://example.com/reviews")
    Mention.objects.bulk_create(
        Mention(
            source=source,
            external_id=f"r{number}",
            text=text,
            rating=Decimal(stars),
            content_hash=f"h{number}",
        )
        for number, (text, stars) in enumerate(texts_and_stars)
    )


def escape_room_reviews(count: int = 240) -> None:
    chooser = random.Random(3)
    add_reviews(
        [(scary_praise(chooser), 5) for _ in range(count * 2 // 3)]
        + [(complaint(chooser), 1) for _ in range(count // 3)]
    )


def test_with_too_few_local_examples_nothing_is_fitted_and_the_owner_is_told_why():
    escape_room_reviews(count=30)
    run = train_local()
    assert not run.kept and run.weights == {}
    assert run.outcome.startswith("Not enough local examples yet: 30 (10 negative)")
    assert active_model() is shipped_model()


def test_reviews_that_contradict_the_shipped_model_teach_it_this_business():
    escape_room_reviews()
    praise = "The attic room was frightening and scary. We screamed the whole hour."
    assert classify_mention("", praise, None, owner_rules()).label == "negative"

    run = train_local()

    assert run.kept, run.outcome
    assert run.adjusted_precision > run.shipped_precision
    assert run.adjusted_recall >= run.shipped_recall - 0.05
    assert (run.examples, run.held_back) == (180, 60)
    assert classify_mention("", praise, None, owner_rules()).label != "negative"
    rude = "Staff were rude and the lock was broken. Avoid."
    assert classify_mention("", rude, None, owner_rules()).label == "negative"


def test_reviews_the_shipped_model_already_reads_right_keep_the_shipped_model():
    chooser = random.Random(5)
    texts = [complaint(chooser) for _ in range(80)] + [
        f"{chooser.choice(['Great', 'Lovely', 'Brilliant'])} room, friendly hosts, fun clues."
        for _ in range(160)
    ]
    model = shipped_model()
    add_reviews([(text, 1 if model.read(text).negative >= 0.5 else 5) for text in texts])

    run = train_local()

    assert not run.kept and run.outcome.startswith("Not kept")
    assert run.shipped_precision == 1.0 and run.shipped_recall == 1.0
    assert active_model() is model


def test_corrections_count_as_local_examples():
    escape_room_reviews()
    Mention.objects.filter(rating=5).update(rating=None, corrected_negative=False)
    run = train_local()
    assert run.corrections == 160 and run.kept


def test_the_owner_switches_back_to_the_shipped_model(owner_client):
    escape_room_reviews()
    train_local()
    assert active_model() is not shipped_model()

    owner_client.post(reverse("local_adjustment_switch"), {"use": "0"})

    assert ClassificationRules.current().use_local_adjustment is False
    assert active_model() is shipped_model()
    page = owner_client.get(reverse("settings")).content.decode()
    assert "In use: the shipped model alone (the local adjustment is switched off)" in page
    owner_client.post(reverse("local_adjustment_switch"), {"use": "1"})
    assert active_model() is not shipped_model()


def test_settings_show_the_owner_the_examples_figures_and_when_it_ran(owner_client):
    escape_room_reviews()
    run = train_local()
    page = owner_client.get(reverse("settings")).content.decode()
    assert "Negative detection" in page and "English only" in page
    assert f"from {run.examples} examples (0 of them corrections by your team)" in page
    assert f"On {run.held_back} held-back examples" in page
    assert f"<td>{run.shipped_precision:.2f}</td>" in page
    assert f"<td>{run.adjusted_precision:.2f}</td>" in page
    assert "In use: the shipped model with the adjustment fitted" in page


def test_staff_see_no_local_adjustment_controls_and_cannot_use_them(staff_client):
    page = staff_client.get(reverse("settings")).content.decode()
    assert "Negative detection" not in page
    switch = staff_client.post(reverse("local_adjustment_switch"), {"use": "0"})
    run = staff_client.post(reverse("local_adjustment_run"))
    assert switch.status_code == 403 and run.status_code == 403
    assert ClassificationRules.current().use_local_adjustment is True


def test_strangers_are_sent_to_log_in(client):
    answer = client.post(reverse("local_adjustment_switch"), {"use": "0"})
    assert answer.status_code == 302 and "/accounts/login/" in answer.url


def test_a_wrong_switch_value_is_refused(owner_client):
    answer = owner_client.post(reverse("local_adjustment_switch"), {"use": "yes please"})
    assert answer.status_code == 400 and "use=1" in answer.content.decode()
    assert ClassificationRules.current().use_local_adjustment is True


def test_fit_again_now_says_so_when_the_queue_is_down(owner_client, monkeypatch):
    monkeypatch.setattr(celery_app.conf, "broker_url", "redis://127.0.0.1:1/0")
    answer = owner_client.post(reverse("local_adjustment_run"), follow=True)
    assert "The background queue (REDIS_URL) is not answering" in answer.content.decode()
    assert not LocalAdjustment.objects.exists()


def test_train_local_command_reports_the_outcome():
    escape_room_reviews()
    out = StringIO()
    call_command("train_local", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("Kept: F1")
    assert lines[1].startswith("Held back 60: shipped model precision")
    assert lines[2].startswith("In use: the adjustment fitted")
    assert LocalAdjustment.objects.count() == 1
