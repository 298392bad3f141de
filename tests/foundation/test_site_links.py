"""With SITE_URL unset, every link ReviewWatch prints or mails points where `make run` listens."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# Each kind of email, sent through the same code the app uses; prints what was sent as JSON.
SEND_EVERY_EMAIL = """
import json, django
django.setup()
from django.core import mail
from django.test import Client
from django.test.utils import setup_test_environment
from django.utils import timezone
setup_test_environment()

from monitors.models import Label, Mention, Source, Subject
from responses.alerts import record_spike_if_any, send_alert
from responses.cases import open_case
from responses.digests import preference_for, send_now
from responses.models import AlertSettings
from tests.conftest import make_user

owner, staff = make_user("alice@example.com", "owner"), make_user("bob@example.com", "staff")
preference_for(owner).__class__.objects.filter(user=owner).update(frequency="instant")
AlertSettings.objects.update_or_create(pk=1, defaults={"spike_count": 0})
source = Source.objects.create(name="Trustpilot", url="https://www.trustpilot.com/review/x")
mention = Mention.objects.create(
    source=source, external_id="r1", url="https://www.trustpilot.com/reviews/1", author="Dana",
    title="Late", text="Late again.", rating=1, content_hash="h1", label=Label.NEGATIVE,
    subject=Subject.OURS,
)
case, _ = open_case(mention)
client = Client()
client.force_login(owner)
client.post("/users/invite", {"email": "new@example.com", "role": "staff"})
client.post(f"/cases/{case.pk}/notes", {"body": "@bob can you look at this?"})
send_now(owner.pk, ignore_schedule=True)
send_alert(record_spike_if_any(timezone.now()).pk)
print(json.dumps([
    {
        "subject": m.subject,
        "text": m.body + "".join(body for body, _ in m.alternatives) + json.dumps(m.extra_headers),
    }
    for m in mail.outbox
]))
"""


@pytest.mark.worker
def test_make_run_on_port_8311_prints_and_mails_links_to_port_8311(worker_env):
    env = {**worker_env, "PORT": "8311", "CELERY_TASK_ALWAYS_EAGER": "1"}
    env.update({"RW_OWNER_EMAIL": "first@example.com", "RW_OWNER_PASSWORD": "long-secret-77"})
    env.pop("SITE_URL", None)
    env.pop("HOST", None)

    def run(*args: str) -> str:
        done = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr[-3000:]
        return done.stdout

    printed = run(sys.executable, "manage.py", "ensure_owner")
    assert "Log in at http://127.0.0.1:8311/accounts/login/" in printed

    sent = json.loads(run(sys.executable, "-c", SEND_EVERY_EMAIL).strip().splitlines()[-1])
    subjects = " | ".join(message["subject"] for message in sent)
    for kind in ("invited", "mentioned you", "negative", "spike"):
        assert kind in subjects.lower(), subjects
    for message in sent:
        links = re.findall(r"https?://[^\s\"'<>\\]+", message["text"])
        ours = [link for link in links if "trustpilot" not in link]
        assert ours, message["subject"]
        assert all(link.startswith("http://127.0.0.1:8311/") for link in ours), (
            message["subject"],
            ours,
        )
    digest = next(message for message in sent if "negative" in message["subject"])
    assert "http://127.0.0.1:8311/digests/unsubscribe/" in digest["text"]
