"""Emails for notes and invitations go through a task: a mail server that is down costs no page."""

from __future__ import annotations

import re
import time
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from responses.cases import open_case
from responses.models import Note
from responses.tasks import send_note_mention
from reviewwatch.tasks import send_invitation
from tests.conftest import CeleryWorker
from tests.queued import run_queued_tasks
from tests.responses.conftest import free_port
from tests.responses.test_send_once import run_twice_at_once


@pytest.fixture
def mail_server_down(smtp_server, settings):
    """Point Django at a port nobody listens on; `smtp_server` is the one that comes back."""
    settings.EMAIL_PORT = free_port()
    yield smtp_server
    settings.EMAIL_PORT = smtp_server.port


@pytest.mark.django_db(transaction=True)
def test_a_note_mentioning_a_colleague_is_saved_when_the_mail_server_is_down(
    mail_server_down, settings, staff_client, owner, make_mention
):
    case = open_case(make_mention(rating=1))[0]
    run_queued_tasks()

    response = staff_client.post(reverse("case_note", args=[case.pk]), {"body": "@alice call her"})

    assert response.status_code == 302
    assert Note.objects.get().body == "@alice call her"
    settings.EMAIL_PORT = mail_server_down.port
    assert run_queued_tasks() == ["responses.tasks.send_note_mention"]
    (message,) = mail_server_down.messages
    assert message["To"] == "alice@example.com" and "call her" in mail_server_down.text(message)


@pytest.mark.worker
def test_an_invitation_the_mail_server_refused_can_be_sent_again_by_the_owner(
    mail_server_down, settings, owner_client, worker_env, tmp_path, client
):
    run_queued_tasks()
    response = owner_client.post(
        reverse("invite"), {"email": "dana@example.com", "role": "staff"}, follow=True
    )
    assert response.status_code == 200
    assert "Invitation to dana@example.com is on its way" in response.content.decode()
    dana = get_user_model().objects.get(email="dana@example.com")
    with pytest.raises(ConnectionRefusedError):
        run_queued_tasks()  # the queued send meets the dead mail server

    users_page = owner_client.get(reverse("users")).content.decode()
    assert "Re-send invitation" in users_page
    resent = owner_client.post(reverse("resend_invitation", args=[dana.pk]), follow=True)
    assert "Invitation to dana@example.com is on its way" in resent.content.decode()

    mail = {"EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(mail_server_down.port)}
    env = {**worker_env, **mail, "EMAIL_USE_TLS": "0", "SECRET_KEY": settings.SECRET_KEY}
    worker = CeleryWorker(env, tmp_path / "worker.log")
    try:
        worker.wait_ready()
        deadline = time.monotonic() + 90
        while not mail_server_down.messages:
            assert time.monotonic() < deadline, worker.output()[-3000:]
            time.sleep(0.2)
    finally:
        worker.stop()
    (message,) = mail_server_down.messages
    assert message["To"] == "dana@example.com"
    link = re.search(r"https?://\S+/accounts/reset/\S+", mail_server_down.text(message))[0]
    page = client.get(urlsplit(link).path, follow=True)
    assert 'name="new_password1"' in page.content.decode()


def test_only_an_owner_can_send_an_invitation_again(staff_client, client, owner, staff):
    url = reverse("resend_invitation", args=[staff.pk])
    assert staff_client.post(url).status_code == 403
    client.logout()
    assert client.post(url).status_code == 302
    assert "login" in client.post(url)["Location"]


@pytest.mark.django_db(transaction=True)
def test_a_note_email_task_delivered_twice_sends_one_email(
    slow_smtp_server, staff, owner, make_mention
):
    case = open_case(make_mention(rating=1))[0]
    note = Note.objects.create(case=case, author=staff, body="@alice call her")

    run_twice_at_once(lambda: send_note_mention(note.pk, owner.pk), slow_smtp_server)
    send_note_mention(note.pk, owner.pk)  # and a third copy, later

    assert [m["To"] for m in slow_smtp_server.messages] == ["alice@example.com"]


@pytest.mark.django_db(transaction=True)
def test_an_invitation_task_delivered_twice_sends_one_email_and_a_resend_sends_another(
    slow_smtp_server, owner
):
    dana = get_user_model().objects.create_user(
        username="dana@example.com", email="dana@example.com"
    )
    dana.set_unusable_password()
    dana.save()

    run_twice_at_once(lambda: send_invitation(dana.pk, owner.pk, "first-press"), slow_smtp_server)
    assert len(slow_smtp_server.messages) == 1
    send_invitation(dana.pk, owner.pk, "second-press")
    assert len(slow_smtp_server.messages) == 2
