"""Build small RSS 2.0 documents for tests that serve feeds over real HTTP."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from xml.sax.saxutils import escape

# An hour before the test run: news, not the history a new source imports. Fixed for the run,
# so the same items always make the same document.
AN_HOUR_AGO = format_datetime(datetime.now(UTC) - timedelta(hours=1), usegmt=True)


@dataclass
class Item:
    guid: str
    title: str
    text: str
    link: str = ""
    author: str = ""
    pub_date: str = AN_HOUR_AGO


def rss_feed(items: list[Item], title: str = "Mentions of Acme Lamps") -> bytes:
    entries = "".join(
        "<item>"
        f'<guid isPermaLink="false">{escape(i.guid)}</guid>'
        f"<title>{escape(i.title)}</title>"
        f"<link>{escape(i.link or 'https://reviews.example.com/' + i.guid)}</link>"
        f"<description>{escape(i.text)}</description>"
        + (f"<author>{escape(i.author)}</author>" if i.author else "")
        + f"<pubDate>{i.pub_date}</pubDate>"
        "</item>"
        for i in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{escape(title)}</title><link>https://reviews.example.com/</link>"
        f"<description>test feed</description>{entries}</channel></rss>"
    ).encode()
