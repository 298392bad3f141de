"""`manage.py send_digests [--now] [--user EMAIL]`."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from responses.digests import preference_for


def test_now_sends_a_daily_digest_before_its_time_and_user_limits_it(
    smtp_server, owner, staff, make_mention, capsys
):
    for person in (owner, staff):
        preference_for(person)  # daily at 08:00: not due now
    make_mention()
    call_command("send_digests")
    assert smtp_server.messages == []
    call_command("send_digests", "--now", "--user", "BOB@example.com")
    assert [m["To"] for m in smtp_server.messages] == ["bob@example.com"]
    assert "Sent 1 digest(s); 0 failed." in capsys.readouterr().out


def test_unknown_user_is_an_error(db):
    with pytest.raises(CommandError, match="No user with email nobody@example.com"):
        call_command("send_digests", "--user", "nobody@example.com")


def test_smtp_failure_is_reported_and_the_exit_status_says_so(smtp_server, owner, make_mention):
    preference_for(owner)
    make_mention()
    smtp_server.fail_next = ["reject"]
    with pytest.raises(CommandError, match="1 digest"):
        call_command("send_digests", "--now")
