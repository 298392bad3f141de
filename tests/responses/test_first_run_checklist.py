"""A new owner's inbox lists what makes ReviewWatch theirs, each step linking to its page, and
the list goes away once every step is done. Replies promise no remedy nobody chose."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from django.test import Client

from monitors.models import Source
from responses.cases import open_case
from responses.models import ReplySettings
from responses.reply_placeholders import NO_REMEDY_CHOSEN, placeholder_values
from tests.responses.test_cases_opening import make_mention

pytestmark = pytest.mark.django_db
STEPS = ["signature", "remedies", "source", "colleague", "digest"]


def checklist(client) -> dict[str, tuple[bool, str]]:
    """Each step on the inbox: (done, link)."""
    page = BeautifulSoup(client.get("/").content, "html.parser")
    found = {}
    for item in page.select("[data-first-run] [data-step]"):
        link = item.find("a")
        found[item["data-step"]] = ("done" in item.get("class", []), link["href"] if link else "")
    return found


def test_a_new_owner_sees_every_step_linking_to_its_page(owner_client):
    steps = checklist(owner_client)
    assert list(steps) == STEPS
    assert {key: link for key, (_, link) in steps.items()} == {
        "signature": "/settings/replies/",
        "remedies": "/settings/replies/",
        "source": "/sources/add",
        "colleague": "/users/",
        "digest": "/settings/",
    }
    assert not any(done for done, _ in steps.values())


def test_the_checklist_goes_away_when_every_step_is_done(owner_client, staff):
    assert checklist(owner_client)["colleague"][0], "a colleague is already here"
    reply = ReplySettings.current()
    reply.business_name, reply.contact = "Northgate Bank", "care@northgate.example"
    reply.save()
    assert checklist(owner_client)["signature"][0]
    reply.remedy_default = "a fee refund or a call from the branch manager"
    reply.save()
    Source.objects.create(name="Our reviews", url="https://reviews.example/northgate")
    demo = Source.objects.create(name="Demo", url="http://127.0.0.1:8000/demo/a", is_demo=True)
    assert demo.is_demo and checklist(owner_client)["source"][0]
    answer = owner_client.post(
        "/settings/digests",
        {"frequency": "daily", "scope": "negative", "send_time": "07:30", "weekday": 0}
        | {"time_zone": "Europe/Paris", "approval_emails": "on", "breach_alerts": "on"},
    )
    assert answer.status_code == 302
    assert checklist(owner_client) == {}


def test_demo_sources_do_not_count_as_the_first_source(owner_client):
    Source.objects.create(name="Demo", url="http://127.0.0.1:8000/demo/a", is_demo=True)
    assert checklist(owner_client)["source"] == (False, "/sources/add")


def test_staff_see_no_checklist_and_strangers_are_sent_to_log_in(staff_client):
    assert checklist(staff_client) == {}
    assert Client().get("/").status_code == 302


def test_until_the_owner_names_their_remedies_replies_offer_only_to_put_things_right():
    case, _ = open_case(make_mention())
    reply = ReplySettings.current()
    assert placeholder_values(case, reply)["remedy"] == NO_REMEDY_CHOSEN
    assert "refund" not in NO_REMEDY_CHOSEN and "replacement" not in NO_REMEDY_CHOSEN
    reply.remedy_default = "a free coffee"
    assert placeholder_values(case, reply)["remedy"] == "a free coffee"
