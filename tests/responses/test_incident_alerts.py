"""One alert, not fifty: a spike proposes an incident over what its complaints say; while the
incident is open its mentions raise no spike alert, only one incident alert when it is declared
and one at each change of status."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine

from monitors.models import Mention
from monitors.signals import negative_mentions
from responses.incidents import linked_mentions, post_update
from responses.models import AlertSettings, Incident, OwnerAlert
from tests.responses.test_alerts import announce  # noqa: F401
from tests.responses.test_incidents import declare_login_outage, seed_scripts

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
LOGIN_REASON = "'login' in 'Login fails again.'"


@pytest.fixture(autouse=True)
def low_threshold(transactional_db):
    seed_scripts()
    AlertSettings.objects.create(pk=1, spike_count=10, spike_multiple=1000)


def complaints(make_mention, announce, count: int, **fields) -> None:  # noqa: F811
    for _ in range(count):
        announce(negative_mentions, sender=Mention, mentions=[make_mention(**fields)])


def test_a_spike_proposes_an_incident_over_the_phrase_its_complaints_share(
    smtp_server,
    owner,
    make_mention,
    announce,  # noqa: F811
):
    with time_machine.travel(NOW, tick=False):
        complaints(make_mention, announce, 9, text="Login fails again.", reason=LOGIN_REASON)
        complaints(make_mention, announce, 3, text="Parcel late.", reason="rating 1/5")
    [message] = smtp_server.messages
    text = smtp_server.text(message)
    assert "9 of them mention 'login' — declare an incident?" in text
    link = next(line for line in text.splitlines() if "/incidents/declare?" in line)
    query = parse_qs(urlsplit(link).query)
    assert query["phrase"] == ["login"]
    assert datetime.fromisoformat(query["started"][0]) == NOW
    assert "declare an incident?" in smtp_server.html(message)


def test_while_an_incident_is_open_its_complaints_raise_one_incident_alert_not_a_spike(
    smtp_server,
    owner,
    make_mention,
    announce,  # noqa: F811
):
    with time_machine.travel(NOW, tick=False):
        complaints(make_mention, announce, 2, text="Login fails again.", reason=LOGIN_REASON)
        incident = declare_login_outage(owner, started_minutes_ago=30)  # alerts on commit
        complaints(make_mention, announce, 30, text="Login fails again.", reason=LOGIN_REASON)
    assert linked_mentions(incident).count() == 32
    [declared] = smtp_server.messages
    assert smtp_server.subject(declared) == "Incident declared: Login outage"
    text = smtp_server.text(declared)
    assert "Mentions linked so far: 2." in text and f"/incidents/{incident.pk}/" in text
    assert not OwnerAlert.objects.filter(kind=OwnerAlert.Kind.SPIKE).exists()

    with time_machine.travel(NOW + timedelta(minutes=5), tick=False):
        complaints(make_mention, announce, 11, text="My parcel is late.", reason="rating 1/5")
    spike = smtp_server.messages[-1]
    assert smtp_server.subject(spike) == "Spike: 11 negative mentions in the last hour"

    post_update(incident, owner, Incident.Status.IDENTIFIED, "A certificate expired.", NOW)
    post_update(incident, owner, Incident.Status.IDENTIFIED, "Renewing it now.", NOW)
    subjects = [smtp_server.subject(m) for m in smtp_server.messages]
    assert subjects.count("Incident identified: Login outage") == 1  # once per change of status
    assert "A certificate expired." in smtp_server.text(smtp_server.messages[-1])
    assert len(smtp_server.messages) == 3
