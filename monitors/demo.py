"""The live demo: sample documents the app serves itself under /demo/, changing as time passes.

The four demo sources (an alert feed, a review page, an App Store feed and a competitor feed)
point at these documents. What a document holds is a pure function of the demo's start (the
earliest demo source's `created_at`) and the current time: a few mentions at once, a new 1★
review after NEW_REVIEW_AFTER, and that review edited to 5★ after EDIT_AFTER. The texts are
real reviews from the shared corpus (see demo_data/README.md), with the bank's name changed.
"""

from __future__ import annotations

import hashlib
import json
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import format_datetime
from functools import cache
from html import escape
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Min

from monitors.models import Source, Subject

DATA_FILE = Path(__file__).resolve().parent / "demo_data" / "mentions.json"
# When the documents change, at RW_DEMO_SPEED 1. The demo sources are polled just after each
# change (monitors.tasks.play_demo), so the 1★ review is seen before it is edited to 5★.
NEW_REVIEW_AFTER = timedelta(minutes=2)
EDIT_AFTER = timedelta(minutes=7)
MOMENTS = {"start": timedelta(0), "new_review": NEW_REVIEW_AFTER, "edit": EDIT_AFTER}
# How long after a change the demo sources are polled: the documents have settled.
POLL_AFTER_CHANGE = timedelta(seconds=15)
ALERTS_FEED_ID = "tag:google.com,2005:reader/user/demo/state/com.google/alerts/1"
ALERTS_FEED_URL = "https://www.google.com/alerts/feeds/demo/1"


@dataclass(frozen=True)
class DemoDocument:
    key: str  # also the URL name "demo_<key>"
    path: str  # under /demo/
    source_name: str
    kind: str
    content_type: str
    subject: str = Subject.OURS
    competitor_name: str = ""


@dataclass(frozen=True)
class RenderedDocument:
    body: bytes
    content_type: str
    last_modified: datetime  # whole seconds: the moment the document last changed

    @property
    def etag(self) -> str:
        return '"' + hashlib.sha256(self.body).hexdigest()[:32] + '"'


@cache
def demo_data() -> dict[str, Any]:
    return json.loads(DATA_FILE.read_text(encoding="utf-8"))


def _documents() -> tuple[DemoDocument, ...]:
    business, competitor = demo_data()["business"], demo_data()["competitor"]
    return (
        DemoDocument(
            "alerts",
            "alerts.xml",
            f"Demo: Google Alert for {business}",
            Source.Kind.FEED,
            "application/atom+xml; charset=utf-8",
        ),
        DemoDocument(
            "reviews",
            "reviews.html",
            f"Demo: {business} Downtown reviews",
            Source.Kind.REVIEW_PAGE,
            "text/html; charset=utf-8",
        ),
        DemoDocument(
            "app_store",
            "app-store.json",
            f"Demo: {business} app on the App Store",
            Source.Kind.APP_STORE,
            "application/json; charset=utf-8",
        ),
        DemoDocument(
            "competitor",
            "competitor.rss",
            f"Demo: {competitor} forum thread",
            Source.Kind.FEED,
            "application/rss+xml; charset=utf-8",
            subject=Subject.COMPETITOR,
            competitor_name=competitor,
        ),
    )


DEMO_DOCUMENTS = _documents()
DOCUMENTS_BY_KEY = {document.key: document for document in DEMO_DOCUMENTS}
DEMO_SOURCE_NAMES = tuple(document.source_name for document in DEMO_DOCUMENTS)


def demo_sources():
    """The four document sources (not the demo Play app's: see monitors.demo_play)."""
    return Source.objects.filter(name__in=DEMO_SOURCE_NAMES)


def demo_started_at() -> datetime | None:
    """When the demo was loaded: the earliest demo source's creation, None if not loaded."""
    return demo_sources().aggregate(started=Min("created_at"))["started"]


# --- what is visible when -----------------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    """One mention as a document shows it at a given moment."""

    id: str
    author: str
    title: str
    text: str
    rating: int | None
    published_at: datetime
    updated_at: datetime
    url: str = ""
    review: str = ""  # for an alert about a demo review: that review's id


def _moment(name: str | None) -> timedelta:
    """A named moment of the demo data ("new_review", "edit") as time since the start, on the
    demo's clock (RW_DEMO_SPEED times faster than real time)."""
    return MOMENTS[name or "start"] / settings.RW_DEMO_SPEED


def next_poll_after(started_at: datetime, now: datetime) -> datetime | None:
    """When to poll the demo sources next so each change is seen: just after the next change,
    or None once the last one is behind (from then on they are ordinary sources)."""
    settle = POLL_AFTER_CHANGE / settings.RW_DEMO_SPEED
    later = [started_at + _moment(name) + settle for name in MOMENTS if name != "start"]
    return min((moment for moment in later if moment > now), default=None)


def visible_items(key: str, started_at: datetime, now: datetime) -> list[Item]:
    """The document's items at `now`, newest first, with any edit already due applied."""
    elapsed = now - started_at
    items = []
    for entry in demo_data()["documents"][key]:
        appears = _moment(entry.get("appears"))
        if appears > elapsed:
            continue
        if "hours_before_start" in entry:
            published = started_at - timedelta(hours=entry["hours_before_start"])
        else:
            published = started_at + appears
        fields, updated = entry, published
        edit = entry.get("edit")
        if edit and _moment(edit["at"]) <= elapsed:
            fields, updated = {**entry, **edit}, started_at + _moment(edit["at"])
        items.append(
            Item(
                id=entry["id"],
                author=entry["author"],
                title=fields["title"],
                text=fields["text"],
                rating=fields.get("rating"),
                published_at=published.replace(microsecond=0),
                updated_at=updated.replace(microsecond=0),
                url=entry.get("url", ""),
                review=entry.get("review", ""),
            )
        )
    return sorted(items, key=lambda item: item.updated_at, reverse=True)


def last_change(key: str, started_at: datetime, now: datetime) -> datetime:
    """The latest moment, not after `now`, at which the document's content changed."""
    points = [timedelta(0)]
    for entry in demo_data()["documents"][key]:
        points.append(_moment(entry.get("appears")))
        if entry.get("edit"):
            points.append(_moment(entry["edit"]["at"]))
    elapsed = now - started_at
    return (started_at + max(p for p in points if p <= elapsed)).replace(microsecond=0)


def render_document(key: str, started_at: datetime, now: datetime, reviews_url: str) -> bytes:
    """The document `key` as it reads at `now`; `reviews_url` is the demo review page's URL."""
    items = visible_items(key, started_at, now)
    changed = last_change(key, started_at, now)
    renderers = {
        "alerts": _google_alerts_atom,
        "reviews": _review_page_html,
        "app_store": _app_store_json,
        "competitor": _forum_rss,
    }
    return renderers[key](items, changed, reviews_url)


def rendered(key: str, started_at: datetime, now: datetime, reviews_url: str) -> RenderedDocument:
    return RenderedDocument(
        body=render_document(key, started_at, now, reviews_url),
        content_type=DOCUMENTS_BY_KEY[key].content_type,
        last_modified=last_change(key, started_at, now),
    )


# --- the four layouts ---------------------------------------------------------------------------


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _xml(root: ET.Element) -> bytes:
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def _google_redirect(target: str) -> str:
    """Google Alerts wraps every link as https://www.google.com/url?...&url=TARGET."""
    query = urlencode(
        {"rct": "j", "sa": "t", "url": target, "ct": "ga", "cd": "demo", "usg": "demo"}
    )
    return f"https://www.google.com/url?{query}"


def _google_alerts_atom(items: list[Item], changed: datetime, reviews_url: str) -> bytes:
    """Google Alerts' Atom layout: HTML titles and snippets with the query in <b>."""
    business = demo_data()["business"]
    feed = ET.Element("feed", {"xmlns": "http://www.w3.org/2005/Atom"})
    ET.SubElement(
        feed, "id"
    ).text = "tag:google.com,2005:reader/user/demo/state/com.google/alerts/1"
    ET.SubElement(feed, "title").text = f"Google Alert - {business}"
    ET.SubElement(
        feed, "link", {"href": "https://www.google.com/alerts/feeds/demo/1", "rel": "self"}
    )
    ET.SubElement(feed, "updated").text = _iso(changed)
    for item in items:
        entry = ET.SubElement(feed, "entry")
        ET.SubElement(entry, "id").text = item.id
        ET.SubElement(entry, "title", {"type": "html"}).text = item.title
        target = f"{reviews_url}#{item.review}" if item.review else item.url
        ET.SubElement(entry, "link", {"href": _google_redirect(target)})
        ET.SubElement(entry, "published").text = _iso(item.published_at)
        ET.SubElement(entry, "updated").text = _iso(item.updated_at)
        ET.SubElement(entry, "content", {"type": "html"}).text = item.text
        author = ET.SubElement(entry, "author")
        ET.SubElement(author, "name").text = item.author
    return _xml(feed)


def _forum_rss(items: list[Item], changed: datetime, reviews_url: str) -> bytes:
    """A forum thread's RSS 2.0 feed about the competitor, authors in dc:creator."""
    competitor = demo_data()["competitor"]
    rss = ET.Element("rss", {"version": "2.0", "xmlns:dc": "http://purl.org/dc/elements/1.1/"})
    channel = ET.SubElement(rss, "channel")
    ET.SubElement(channel, "title").text = f"{competitor} app - forum.example.org"
    ET.SubElement(channel, "link").text = "https://forum.example.org/t/riverside-app/912"
    ET.SubElement(channel, "description").text = f"Posts in the thread about {competitor}"
    ET.SubElement(channel, "lastBuildDate").text = format_datetime(changed, usegmt=True)
    for item in items:
        node = ET.SubElement(channel, "item")
        ET.SubElement(node, "title").text = item.title
        ET.SubElement(node, "link").text = item.url
        ET.SubElement(node, "guid", {"isPermaLink": "true"}).text = item.id
        ET.SubElement(node, "pubDate").text = format_datetime(item.published_at, usegmt=True)
        ET.SubElement(node, "dc:creator").text = item.author
        ET.SubElement(node, "description").text = item.text
    return _xml(rss)


def _app_store_json(items: list[Item], changed: datetime, reviews_url: str) -> bytes:
    """Apple's customer-reviews JSON: every value wrapped as {"label": ...}, app entry first."""
    business = demo_data()["business"]
    app_entry = {
        "im:name": {"label": f"{business} Mobile"},
        "id": {"label": "https://apps.apple.com/us/app/id1000000000", "attributes": {"im:id": "1"}},
        "title": {"label": f"{business} Mobile - {business}"},
    }
    reviews = [
        {
            "author": {"uri": {"label": ""}, "name": {"label": item.author}, "label": ""},
            "updated": {"label": item.updated_at.isoformat()},
            "im:rating": {"label": str(item.rating)},
            "im:version": {"label": "8.0.9"},
            "id": {"label": item.id},
            "title": {"label": item.title},
            "content": {"label": item.text, "attributes": {"type": "text"}},
            "im:voteSum": {"label": "0"},
            "im:voteCount": {"label": "0"},
        }
        for item in items
    ]
    feed = {
        "feed": {
            "author": {"name": {"label": "iTunes Store"}},
            "updated": {"label": changed.isoformat()},
            "title": {"label": "iTunes Store: Customer Reviews"},
            "id": {"label": "demo/customerreviews/id=1000000000/json"},
            "entry": [app_entry, *reviews],
        }
    }
    return json.dumps(feed, ensure_ascii=False, indent=1).encode("utf-8") + b"\n"


def _review_page_html(items: list[Item], changed: datetime, reviews_url: str) -> bytes:
    """A review site's page for one branch: schema.org JSON-LD reviews and AggregateRating."""
    business = demo_data()["business"]
    rated = [item.rating for item in items if item.rating is not None]
    markup = {
        "@context": "https://schema.org",
        "@type": "BankOrCreditUnion",
        "name": f"{business} Downtown",
        "aggregateRating": {
            "@type": "AggregateRating",
            "ratingValue": f"{sum(rated) / len(rated):.1f}",
            "reviewCount": len(rated),
            "bestRating": 5,
            "worstRating": 1,
        },
        "review": [
            {
                "@type": "Review",
                "url": f"#{item.id}",
                "author": {"@type": "Person", "name": item.author},
                "name": item.title,
                "reviewBody": item.text,
                "datePublished": _iso(item.published_at),
                "dateModified": _iso(item.updated_at),
                "reviewRating": {"@type": "Rating", "ratingValue": item.rating, "bestRating": 5},
            }
            for item in items
        ],
    }
    jsonld = json.dumps(markup, ensure_ascii=False, indent=1).replace("</", "<\\/")
    cards = "\n".join(
        f'<article id="{escape(item.id)}"><h2>{escape(item.title)}</h2>'
        f"<p>{item.rating}/5 by {escape(item.author)}, {item.updated_at:%Y-%m-%d %H:%M} UTC</p>"
        f"<p>{escape(item.text)}</p></article>"
        for item in items
    )
    page = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>{escape(business)} Downtown - reviews (ReviewWatch demo)</title>
<script type="application/ld+json">
{jsonld}
</script></head>
<body><h1>{escape(business)} Downtown</h1>
<p>{markup["aggregateRating"]["ratingValue"]} out of 5 from {len(rated)} reviews</p>
{cards}
</body></html>
"""
    return page.encode("utf-8")
