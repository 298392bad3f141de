"""Who may open what, walked over every route and every admin screen.

Every page that needs a login is owner-only unless it is listed in STAFF_PAGES, so a new view
that forgets `owner_required` fails here until someone decides staff may use it. The Django admin
is the owner's tool: staff, demoted owners and anyone with a stale `is_staff` flag stay out.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import get_resolver, reverse

from monitors.credentials import encrypt
from monitors.models import (
    BlockedAuthor,
    Connection,
    Label,
    Mention,
    Platform,
    ReclassifyJob,
    Source,
    Subject,
)
from responses.api.tokens import create_token
from responses.cases import open_case
from responses.customers import record_for_mention
from responses.models import (
    AdvocateAsk,
    Channel,
    FollowUp,
    Incident,
    IncidentReply,
    IncidentScript,
    NotifyEvent,
    Remedy,
    ReplyTemplate,
    WebhookDelivery,
)
from responses.notify.webhooks import create_endpoint
from reviewwatch.roles import STAFF
from tests.conftest import make_user
from tests.foundation.test_access import PUBLIC, walk

pytestmark = pytest.mark.django_db

# What staff may open or post to; every other page behind the login is the owner's.
STAFF_PAGES = {
    "logout",
    "password_change",
    "password_change_done",
    "home",
    "mentions",
    "reports",
    "settings",
    "digest_preferences",
    "sources",
    "source_detail",
    "cases_bulk",
    "case_open",
    "mention_label",
    "case",
    "case_assign",
    "case_status",
    "case_priority",
    "case_tags",
    "case_note",
    "case_timeline",
    "mentions_csv",
    "cases_csv",
    "report_csv",
    "case_merge",
    "reply_workspace",
    "reply_tone",
    "reply_start",
    "reply_save",
    "reply_posted",
    "reply_platform_post",
    "reply_platform_status",
    "remedy_add",
    "remedy_delivered",
    "followup_add",
    "followup_done",
    "customers",
    "customer",
    "customer_link",
    "customer_unlink",
    "customer_email",
    "customer_escalate",
    "advocates",
    "advocate_thank",
    "advocate_ask",
    "advocate_answer",
    "incidents",
    "incident",
    "incident_mentions",
    "incident_reply",
    "channels",
    "channel_test",
    "channel_delete",
    "api_reference",
    "api_tokens",
    "api_token_revoke",
}
# Where a platform sends the owner back after signing in: without the state it was sent with,
# it sends them on to the connections page.
CALLBACKS = {"connection_signed_in"}
ROUTES = sorted(
    {(name, route) for name, route in walk(get_resolver().url_patterns) if name not in PUBLIC},
    key=lambda item: item[1],
)
OWNER_ONLY = [(name, route) for name, route in ROUTES if name not in STAFF_PAGES]
FOR_STAFF = [(name, route) for name, route in ROUTES if name in STAFF_PAGES]


@pytest.fixture
def things(owner, staff) -> dict[str, int | str]:
    """One row of everything a route can point at, by the name of the URL argument."""
    source = Source.objects.create(name="Trustpilot", url="https://www.trustpilot.com/review/x")
    mention = Mention.objects.create(
        source=source,
        external_id="r1",
        url="https://www.trustpilot.com/reviews/1",
        author="Dana",
        title="Late",
        text="The order arrived late.",
        rating=Decimal("1"),
        content_hash="h1",
        label=Label.NEGATIVE,
        subject=Subject.OURS,
    )
    case, _ = open_case(mention)
    customer = record_for_mention(mention).customer
    incident = Incident.objects.create(title="Login outage", started_at=case.opened_at)
    return {
        "source": source.pk,
        "job": ReclassifyJob.objects.create().pk,
        "blocked": BlockedAuthor.objects.create(name="troll").pk,
        "user_id": staff.pk,
        "mention_id": mention.pk,
        "case_id": case.pk,
        "template_id": ReplyTemplate.objects.create(name="Sorry", body="Sorry, {name}.").pk,
        "remedy_id": Remedy.objects.create(case=case, kind=Remedy.Kind.REFUND).pk,
        "followup_id": FollowUp.objects.create(case=case, due_at=case.due_at).pk,
        "platform": Platform.GOOGLE_PLAY,
        "connection": Connection.objects.create(platform=Platform.GOOGLE_PLAY, name="Play").pk,
        "report": "volume",
        "customer_id": customer.pk,
        "ask_id": AdvocateAsk.objects.create(customer=customer, kind="reference").pk,
        "incident_id": incident.pk,
        "reply_id": IncidentReply.objects.create(incident=incident, text="Sorry.").pk,
        "script_id": IncidentScript.objects.first().pk,
        **webhook_and_channel(staff),
        "token_id": create_token(staff, "Spreadsheet")[0].pk,
    }


def webhook_and_channel(staff) -> dict[str, int]:
    """An endpoint with one delivery, and a channel of the staff member's own."""
    endpoint, _ = create_endpoint("https://hooks.example.com/x", ["case.opened"])
    event = NotifyEvent.objects.create(type="case.opened", key="case.opened:x", payload={})
    refused = encrypt({"url": "json://127.0.0.1:9/x"})  # nothing listens on port 9
    channel = Channel.objects.create(user=staff, name="Phone", url_encrypted=refused, url_hint="")
    return {
        "endpoint_id": endpoint.pk,
        "delivery_id": WebhookDelivery.objects.create(endpoint=endpoint, event=event).pk,
        "channel_id": channel.pk,
    }


def url_of(name: str, route: str, things: dict[str, int | str]) -> str:
    """The route with each argument pointing at a real row (`pk` depends on the page)."""
    kwargs = {}
    for arg in re.findall(r"<(?:\w+:)?(\w+)>", route):
        if arg != "pk":
            kwargs[arg] = things[arg]
        elif route.startswith("rules/reclassify"):
            kwargs[arg] = things["job"]
        elif route.startswith("rules/blocked"):
            kwargs[arg] = things["blocked"]
        elif route.startswith("sources/connections"):
            kwargs[arg] = things["connection"]
        else:
            kwargs[arg] = things["source"]
    return reverse(name, kwargs=kwargs)


def admin_urls() -> list[str]:
    """The admin's index, each app's page, and each model's list and add screens."""
    urls = {reverse("admin:index")}
    for model in admin.site._registry:
        app, name = model._meta.app_label, model._meta.model_name
        urls |= {
            reverse("admin:app_list", args=[app]),
            reverse(f"admin:{app}_{name}_changelist"),
            reverse(f"admin:{app}_{name}_add"),
        }
    return sorted(urls)


def refused_by_admin(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(reverse("admin:login"))


@pytest.mark.parametrize(("name", "route"), OWNER_ONLY, ids=[r for _, r in OWNER_ONLY])
def test_staff_member_is_refused_every_owner_only_page(client, staff, things, name, route):
    client.force_login(staff)
    url = url_of(name, route, things)
    assert client.post(url).status_code == 403, f"staff could post to {url}"
    assert client.get(url).status_code in (403, 405), f"staff could open {url}"


@pytest.mark.parametrize(("name", "route"), OWNER_ONLY, ids=[r for _, r in OWNER_ONLY])
def test_owner_opens_every_owner_only_page(client, owner, things, name, route):
    client.force_login(owner)
    url = url_of(name, route, things)
    response = client.get(url)
    if response.status_code == 405:  # an action: the owner's post is handled, not refused
        response = client.post(url)
        assert response.status_code in (200, 302, 400), f"{url} answered {response.status_code}"
    elif name in CALLBACKS:
        assert response.status_code == 302, f"{url} answered {response.status_code}"
    else:
        assert response.status_code == 200, f"{url} answered {response.status_code}"


@pytest.mark.parametrize(("name", "route"), FOR_STAFF, ids=[r for _, r in FOR_STAFF])
def test_pages_listed_for_staff_let_staff_in(client, staff, things, name, route):
    client.force_login(staff)
    url = url_of(name, route, things)
    response = client.get(url)
    if response.status_code == 405:
        response = client.post(url)
    assert response.status_code in (200, 302, 400), f"{url} answered {response.status_code}"


def test_staff_member_cannot_open_any_admin_screen(client, staff):
    client.force_login(staff)
    refused = [url for url in admin_urls() if refused_by_admin(client.get(url))]
    assert refused == admin_urls()


def test_owner_opens_every_admin_screen_a_superuser_can(client, owner):
    """Screens some models switch off (adding access-log rows, say) are off for everyone."""
    root = get_user_model().objects.create_superuser("root@example.com", "root@example.com", "x")
    client.force_login(root)
    expected = {url: client.get(url).status_code for url in admin_urls()}
    client.force_login(owner)
    answers = {url: client.get(url).status_code for url in admin_urls()}
    assert answers == expected
    assert list(expected.values()).count(200) > 50


def test_demoted_owner_loses_the_admin_and_promoted_staff_gets_it(client, owner, staff):
    dave = make_user("dave@example.com", "owner")
    client.force_login(owner)
    client.post(reverse("change_role", args=[dave.pk]), {"role": "staff"})
    client.post(reverse("change_role", args=[staff.pk]), {"role": "owner"})

    client.force_login(get_user_model().objects.get(pk=dave.pk))
    assert refused_by_admin(client.get(reverse("admin:responses_replysettings_changelist")))
    assert client.get(reverse("triage_settings")).status_code == 403

    client.force_login(get_user_model().objects.get(pk=staff.pk))
    assert client.get(reverse("admin:responses_replysettings_changelist")).status_code == 200


def test_demoted_superuser_is_staff_everywhere(client, owner):
    root = get_user_model().objects.create_superuser("root@example.com", "root@example.com", "x")
    client.force_login(owner)
    client.post(reverse("change_role", args=[root.pk]), {"role": "staff"})
    client.force_login(get_user_model().objects.get(pk=root.pk))
    assert refused_by_admin(client.get(reverse("admin:index")))
    assert client.get(reverse("users")).status_code == 403


def test_invited_owner_gets_the_admin_and_invited_staff_does_not(owner_client):
    owner_client.post(reverse("invite"), {"email": "erin@example.com", "role": "owner"})
    owner_client.post(reverse("invite"), {"email": "finn@example.com", "role": "staff"})
    people = get_user_model().objects
    assert people.get(email="erin@example.com").is_staff
    assert not people.get(email="finn@example.com").is_staff


def test_staff_with_a_stale_admin_flag_still_cannot_change_reply_approval(client, staff):
    """An account demoted before this release may still carry is_staff; the role decides."""
    get_user_model().objects.filter(pk=staff.pk).update(is_staff=True)
    client.force_login(staff)
    response = client.post(
        reverse("admin:responses_replysettings_add"), {"approval_required": "off"}
    )
    assert refused_by_admin(response)
    assert not Group.objects.get(name=STAFF).permissions.exists()
    assert not get_user_model().objects.get(pk=staff.pk).has_perm("responses.change_replysettings")


def test_migrate_puts_admin_flags_of_existing_accounts_in_step_with_roles(owner, staff):
    from django.core.management import call_command

    people = get_user_model().objects
    people.filter(pk=owner.pk).update(is_staff=False)
    people.filter(pk=staff.pk).update(is_staff=True)
    call_command("migrate", verbosity=0)
    assert people.get(pk=owner.pk).is_staff and not people.get(pk=staff.pk).is_staff
