"""Notification channels through Apprise: one URL per channel (slack://…, workflows://…,
discord://…, tgram://…, ntfy://…, gotify://…, matrix://…, mailto://…, json://…).

The URL is encrypted at rest (monitors/credentials.py) and shown only as Apprise's privacy
form, cut short. Self-hosted kinds (generic JSON/XML/form, Gotify, Matrix, Mattermost,
Rocket.Chat, Apprise API, email's SMTP host) are checked against the source fetcher's address
rule when saved and before each send: no internal address unless RW_ALLOW_PRIVATE_SOURCES.
Each event is told on a channel once (ChannelMessage, claimed with a conditional UPDATE).
"""

from __future__ import annotations

from datetime import datetime, timedelta

import apprise
from django.db.models import F, Q
from django.utils import timezone

from monitors.credentials import decrypt, encrypt
from monitors.netguard import UnsafeURL, check_addresses, resolve_host
from responses.models import Channel, ChannelMessage
from responses.notify.messages import message_for
from responses.notify.webhooks import address_policy

SELF_HOSTED = frozenset(
    {"json", "xml", "form", "gotify", "matrix", "mmost", "rocket", "apprise", "mailto"}
)
HINT_CHARS = 60
SEND_LEASE = timedelta(minutes=2)
# A message not sent this long after it was made lost its task: the beat queues it again.
SWEEP_AFTER = timedelta(hours=1)


class ChannelError(Exception):
    """The channel URL is not usable, or the service refused the message."""


def service_of(url: str):
    """Apprise's plugin for the URL; ChannelError when Apprise does not understand it."""
    plugin = apprise.Apprise.instantiate(url.strip())
    if plugin is None:
        raise ChannelError(
            "Apprise does not understand this URL: see the Apprise wiki for your service's "
            "format, e.g. slack://TokenA/TokenB/TokenC or ntfy://my-topic."
        )
    return plugin


def check_reachable(plugin) -> None:
    """The self-hosted kinds' host must pass the same address rule as sources."""
    if not _protocols(plugin) & SELF_HOSTED:
        return
    host = getattr(plugin, "smtp_host", None) or plugin.host
    policy = address_policy()
    if policy is True or not host:
        return
    try:
        addresses = resolve_host(host, plugin.port or 443)
    except (OSError, UnicodeError):
        raise ChannelError(f"The host name {host} could not be found.") from None
    try:
        check_addresses(host, addresses, policy)
    except UnsafeURL as error:
        raise ChannelError(str(error)) from None


def _protocols(plugin) -> set[str]:
    names: set[str] = set()
    for value in (plugin.protocol, plugin.secure_protocol):
        names.update([value] if isinstance(value, str) else value or [])
    return names


def hint_of(plugin) -> str:
    """Apprise's own privacy form (tokens and passwords starred), without options, cut short."""
    shown = plugin.url(privacy=True).split("?", 1)[0]
    return shown if len(shown) <= HINT_CHARS else shown[: HINT_CHARS - 1] + "…"


def prepared(url: str) -> tuple[str, str]:
    """(encrypted URL, hint) for a URL a person typed; ChannelError if it cannot be used."""
    plugin = service_of(url)
    check_reachable(plugin)
    return encrypt({"url": url.strip()}), hint_of(plugin)


def url_of(channel: Channel) -> str:
    return decrypt(channel.url_encrypted)["url"]


def notify(channel: Channel, title: str, body: str) -> None:
    """Send one message now; ChannelError with Apprise's reason when it was not delivered."""
    plugin = service_of(url_of(channel))
    check_reachable(plugin)
    sender = apprise.Apprise()
    sender.add(plugin)
    with apprise.LogCapture(level=apprise.logging.WARNING) as log:
        delivered = sender.notify(title=title, body=body)
    if not delivered:
        reasons = [line.strip() for line in log.getvalue().splitlines() if line.strip()]
        raise ChannelError((reasons[-1] if reasons else "The service refused the message.")[:300])


def unsent_messages(now: datetime, max_attempts: int, limit: int = 500) -> list[int]:
    """Messages whose task was lost (none sent, none sending, tries left, from the last day)."""
    return list(
        ChannelMessage.objects.filter(
            sent_at__isnull=True,
            attempts__lt=max_attempts,
            created_at__lt=now - SWEEP_AFTER,
            created_at__gt=now - timedelta(days=1),
        )
        .filter(Q(sending_until__isnull=True) | Q(sending_until__lt=now))
        .values_list("pk", flat=True)[:limit]
    )


def send_test(channel: Channel) -> None:
    notify(
        channel,
        "ReviewWatch test message",
        f"This is a test from ReviewWatch: the channel “{channel.name}” works.",
    )
    Channel.objects.filter(pk=channel.pk).update(last_sent_at=timezone.now(), last_error="")


def send_message(message_id: int, now: datetime | None = None) -> bool:
    """Tell one event on one channel unless it was told already; True when sent now.
    A refusal is recorded on the channel and raised, for the task to retry."""
    now = now or timezone.now()
    free = Q(sending_until__isnull=True) | Q(sending_until__lt=now)
    claimed = ChannelMessage.objects.filter(free, pk=message_id, sent_at__isnull=True).update(
        sending_until=now + SEND_LEASE, attempts=F("attempts") + 1
    )
    if not claimed:
        return False
    message = ChannelMessage.objects.select_related("channel", "event").get(pk=message_id)
    title, body = message_for(message.event)
    try:
        notify(message.channel, title, body)
    except ChannelError as error:
        ChannelMessage.objects.filter(pk=message_id).update(
            sending_until=None, last_error=str(error)[:300]
        )
        Channel.objects.filter(pk=message.channel_id).update(last_error=str(error)[:300])
        raise
    ChannelMessage.objects.filter(pk=message_id).update(sent_at=now, sending_until=None)
    Channel.objects.filter(pk=message.channel_id).update(last_sent_at=now, last_error="")
    return True
