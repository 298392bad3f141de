"""Accounts: scripted users, invitations with a set-password link, roles, throttled log-ins."""

from __future__ import annotations

import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import CommandError, call_command
from django.urls import reverse

from reviewwatch.roles import is_owner
from tests.conftest import PASSWORD
from tests.queued import run_queued_tasks


@pytest.mark.django_db
def test_createuser_reads_password_from_stdin_and_sets_role(monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("a-long-enough-secret-9\n"))
    out = io.StringIO()
    call_command(
        "createuser", "Dana@Example.com", "--role", "owner", "--password-stdin", stdout=out
    )
    user = get_user_model().objects.get(username="dana@example.com")
    assert user.check_password("a-long-enough-secret-9")
    assert is_owner(user)
    assert "dana@example.com is now owner" in out.getvalue()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("email", "password", "message"),
    [
        ("not-an-email", "a-long-enough-secret-9", "not an email"),
        ("e@example.com", "123", "Password refused"),
    ],
)
def test_createuser_refuses_bad_input_with_a_clear_message(monkeypatch, email, password, message):
    monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
    with pytest.raises(CommandError, match=message):
        call_command("createuser", email, "--password-stdin")
    assert not get_user_model().objects.exists()


@pytest.mark.django_db
def test_ensure_owner_reads_environment_and_never_prompts(monkeypatch):
    monkeypatch.setenv("RW_OWNER_EMAIL", "boss@example.com")
    monkeypatch.setenv("RW_OWNER_PASSWORD", "another-long-secret-4")
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    out = io.StringIO()
    call_command("ensure_owner", stdout=out)
    assert "Created the owner account boss@example.com" in out.getvalue()
    assert "/accounts/login/" in out.getvalue()
    call_command("ensure_owner", stdout=out)
    assert get_user_model().objects.count() == 1


@pytest.mark.django_db
def test_ensure_owner_without_terminal_or_environment_prints_one_time_password(monkeypatch):
    monkeypatch.delenv("RW_OWNER_EMAIL", raising=False)
    monkeypatch.delenv("RW_OWNER_PASSWORD", raising=False)
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    out = io.StringIO()
    call_command("ensure_owner", stdout=out)
    password = re.search(r"one-time password is (\S+)", out.getvalue()).group(1)
    assert get_user_model().objects.get(username="owner@example.com").check_password(password)
    assert "changepassword" in out.getvalue()


def test_owner_invites_staff_who_sets_a_password_through_the_emailed_link(client, owner):
    client.force_login(owner)
    run_queued_tasks()
    response = client.post(reverse("invite"), {"email": "New@Example.com", "role": "staff"})
    assert response.status_code == 302
    assert run_queued_tasks() == ["reviewwatch.send_invitation"]
    invited = get_user_model().objects.get(username="new@example.com")
    assert not invited.has_usable_password() and not is_owner(invited)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["new@example.com"] and "invited" in message.subject
    html = message.alternatives[0][0]
    link = re.search(r"http://127\.0\.0\.1:8000(/accounts/reset/\S+/)", message.body).group(1)
    assert link in html
    client.logout()
    form_page = client.get(link, follow=True)
    assert b"Choose a password" in form_page.content
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "a-brand-new-secret-7", "new_password2": "a-brand-new-secret-7"},
    )
    assert done.status_code == 302
    invited.refresh_from_db()
    assert invited.check_password("a-brand-new-secret-7")


def test_invite_refuses_existing_email_and_keeps_form(client, owner, staff):
    client.force_login(owner)
    response = client.post(reverse("invite"), {"email": staff.email, "role": "staff"})
    assert response.status_code == 400
    assert b"already has an account" in response.content
    assert not mail.outbox


def test_owner_changes_role_and_deactivates_but_not_themselves(client, owner, staff):
    client.force_login(owner)
    client.post(reverse("change_role", args=[staff.pk]), {"role": "owner"})
    staff.refresh_from_db()
    assert is_owner(get_user_model().objects.get(pk=staff.pk))
    client.post(reverse("toggle_active", args=[owner.pk]))
    owner.refresh_from_db()
    assert owner.is_active
    client.post(reverse("toggle_active", args=[staff.pk]))
    staff.refresh_from_db()
    assert not staff.is_active


def test_staff_cannot_invite_or_change_roles(client, staff, other_staff):
    client.force_login(staff)
    assert (
        client.post(reverse("invite"), {"email": "x@example.com", "role": "owner"}).status_code
        == 403
    )
    assert (
        client.post(reverse("change_role", args=[other_staff.pk]), {"role": "owner"}).status_code
        == 403
    )
    assert not get_user_model().objects.filter(username="x@example.com").exists()


def test_login_by_email_in_any_case(client, owner):
    response = client.post(
        reverse("login"), {"username": "ALICE@example.com", "password": PASSWORD}
    )
    assert response.status_code == 302 and response["Location"] == reverse("home")


def test_sixth_login_attempt_is_locked_out_even_with_the_right_password(client, owner):
    for _ in range(5):
        client.post(reverse("login"), {"username": owner.email, "password": "wrong"})
    response = client.post(reverse("login"), {"username": owner.email, "password": PASSWORD})
    assert response.status_code == 429
    assert b"Too many failed log-ins" in response.content


def test_password_reset_email_links_to_the_site(client, owner):
    client.post(reverse("password_reset"), {"email": owner.email})
    assert len(mail.outbox) == 1
    assert "/accounts/reset/" in mail.outbox[0].body


def test_lockout_behind_the_proxy_counts_the_real_client_address(client, owner, settings):
    """Behind Caddy (TRUSTED_PROXY_COUNT=1) every request comes from the proxy's address; the
    client is the address Caddy appends to X-Forwarded-For."""
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "172.18.0.5"}
    # The attacker also forges an X-Forwarded-For entry of its own: the proxy appends the real one.
    attacker = {**proxy, "HTTP_X_FORWARDED_FOR": "198.51.100.20, 203.0.113.7"}
    for _ in range(5):
        client.post(reverse("login"), {"username": owner.email, "password": "x"}, **attacker)
    locked = client.post(
        reverse("login"), {"username": owner.email, "password": PASSWORD}, **attacker
    )
    assert locked.status_code == 429
    owner_elsewhere = {**proxy, "HTTP_X_FORWARDED_FOR": "198.51.100.20"}
    response = client.post(
        reverse("login"), {"username": owner.email, "password": PASSWORD}, **owner_elsewhere
    )
    assert response.status_code == 302
