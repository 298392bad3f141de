"""An owner deleting a mention (case page, mention list, admin): it never comes back.

Each test polls a real local feed, deletes through the page an owner would use, then polls the
same feed again: the entry is still served, and still not stored.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from monitors.models import Mention, Source, Tombstone
from monitors.polling import poll_source_now
from responses.cases import add_note
from responses.models import Case, Event, Note, ReplyDraft
from tests.responses.test_followups import post_reply
from tests.responses.test_replies import configure
from tests.rss import Item, rss_feed

pytestmark = pytest.mark.django_db


@pytest.fixture
def polled(httpserver) -> Source:
    """A feed with one angry review and one kind one, polled once."""
    httpserver.expect_request("/feed").respond_with_data(
        rss_feed(
            [
                Item("angry", "Broken lamp", "Terrible, it broke after a day. Awful service."),
                Item("kind", "Lovely lamp", "Great lamp, works well, thank you."),
            ]
        ),
        content_type="application/rss+xml",
    )
    source = Source.objects.create(name="Acme alerts", url=httpserver.url_for("/feed"))
    assert poll_source_now(source.pk).log.new_count == 2
    return source


def poll_again(source: Source) -> None:
    Source.objects.filter(pk=source.pk).update(content_hash="")  # read the same body again
    assert poll_source_now(source.pk).status == "ok"


def test_owner_deletes_a_mention_from_its_case_page_with_notes_and_reply_and_it_never_returns(
    polled, owner_client, owner
):
    configure()
    case = Case.objects.get(mention__external_id="angry")
    add_note(case, owner, "Called the customer.")
    post_reply(case, owner)
    page = owner_client.get(reverse("case", args=[case.pk])).content.decode()
    delete_url = reverse("mention_delete", args=[case.mention_id])
    assert delete_url in page
    confirm = owner_client.get(delete_url).content.decode()
    assert f"case {case.pk}" in confirm and "will not come back" in confirm
    answer = owner_client.post(delete_url, follow=True)
    assert "will not come back" in answer.content.decode()
    assert not Case.objects.exists() and not Note.objects.exists()
    assert not ReplyDraft.objects.exists() and not Event.objects.exists()
    assert Tombstone.objects.filter(source=polled, external_id="angry").exists()
    poll_again(polled)
    assert list(Mention.objects.values_list("external_id", flat=True)) == ["kind"]
    assert not Case.objects.exists()


def test_owner_deletes_a_mention_from_the_mention_list_and_it_never_returns(polled, owner_client):
    kind = Mention.objects.get(external_id="kind")
    page = owner_client.get(reverse("mentions")).content.decode()
    assert reverse("mention_delete", args=[kind.pk]) in page
    owner_client.post(reverse("mention_delete", args=[kind.pk]))
    poll_again(polled)
    assert not Mention.objects.filter(external_id="kind").exists()
    assert Mention.objects.filter(external_id="angry").exists()


def test_owner_deletes_a_mention_in_the_admin_and_it_never_returns(polled, owner_client):
    kind = Mention.objects.get(external_id="kind")
    answer = owner_client.post(
        reverse("admin:monitors_mention_delete", args=[kind.pk]), {"post": "yes"}
    )
    assert answer.status_code == 302
    assert Tombstone.objects.filter(source=polled, external_id="kind").exists()
    poll_again(polled)
    assert not Mention.objects.filter(external_id="kind").exists()


def test_admin_bulk_delete_remembers_every_deleted_mention(polled, owner_client):
    kind = Mention.objects.get(external_id="kind")
    owner_client.post(
        reverse("admin:monitors_mention_changelist"),
        {"action": "delete_selected", "_selected_action": [kind.pk], "post": "yes"},
    )
    poll_again(polled)
    assert not Mention.objects.filter(external_id="kind").exists()


def test_admin_refuses_to_delete_a_mention_that_has_a_case_and_keeps_it(polled, owner_client):
    angry = Mention.objects.get(external_id="angry")
    answer = owner_client.post(
        reverse("admin:monitors_mention_delete", args=[angry.pk]), {"post": "yes"}
    )
    assert answer.status_code == 200 and "Cannot delete" in answer.content.decode()
    assert Mention.objects.filter(pk=angry.pk).exists()
    assert not Tombstone.objects.exists()


def test_staff_member_and_stranger_cannot_delete_a_mention(polled, client, staff):
    angry = Mention.objects.get(external_id="angry")
    url = reverse("mention_delete", args=[angry.pk])
    assert client.get(url).status_code == 302  # to the login page
    assert client.post(url).status_code == 302
    client.force_login(staff)
    assert url not in client.get(reverse("case", args=[angry.case.pk])).content.decode()
    assert url not in client.get(reverse("mentions")).content.decode()
    assert client.get(url).status_code == 403
    assert client.post(url).status_code == 403
    assert Mention.objects.filter(pk=angry.pk).exists() and not Tombstone.objects.exists()
