"""What responses does when monitors announces something (see monitors/signals.py).

cases: a negative mention (one ordered reaction) and an edited mention on its case's timeline.
replies: a review edited after our reply, and a relapse. alerts: a paused source.
platform_replies: the business's reply seen on a platform.
notify: events for webhooks and notification channels.
"""

from responses.receivers import alerts, cases, notify, platform_replies, replies  # noqa: F401
