"""Read plain RSS 2.0, RSS 1.0 and Atom 1.0 feeds with the standard library's C XML parser.

feedparser copes with every broken feed on the web, and that costs: it was most of the time
a poll took. Most feeds are well-formed UTF-8 RSS 2.0, 1.0 or Atom 1.0 with a handful of elements
(Google Alerts always are). For those, this reader returns what feedparser would give our
parser (the same strings, links and dates, with feedparser's own fix-ups of them) several
times faster. Anything else returns None and goes to feedparser: a DOCTYPE, another
encoding, xml:base, markup or XHTML inside an element, an element this reader does not know
inside an entry, a repeated one. tests/monitors/test_plain_xml_feeds.py compares both
readers on every feed of the shared corpus (feedparser reading them without blank lines before
the XML declaration, which it would otherwise report and read with its lenient parser).
"""

from __future__ import annotations

import contextlib
import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping

from feedparser.datetimes import _parse_date as feedparser_date
from feedparser.urls import _urljoin as feedparser_urljoin
from feedparser.urls import make_safe_absolute_uri

from monitors.parsers.feed_entry import FeedEntry, from_struct_time
from monitors.parsers.limits import clip
from monitors.sanitize import html_to_text

ATOM = "http://www.w3.org/2005/atom"  # namespaces are compared lower-cased
DC = "http://purl.org/dc/elements/1.1/"
CONTENT = "http://purl.org/rss/1.0/modules/content/"
RSS1 = "http://purl.org/rss/1.0/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
FEEDBURNER_ORIGINAL_LINK = ("http://rssnamespace.org/feedburner/ext/1.0", "origlink")
# Entry elements that change none of the values we read (feedparser files them elsewhere).
IGNORED_RSS = {
    ("", "category"),
    ("", "comments"),
    ("", "enclosure"),
    ("http://wellformedweb.org/commentapi/", "commentrss"),
    ("http://purl.org/rss/1.0/modules/slash/", "comments"),
    FEEDBURNER_ORIGINAL_LINK,
}
IGNORED_ATOM = {
    (ATOM, "category"),
    (ATOM, "contributor"),
    (ATOM, "rights"),
    FEEDBURNER_ORIGINAL_LINK,
}
XML_MEDIA_TYPES = {
    "application/atom+xml",
    "application/rss+xml",
    "application/rdf+xml",
    "application/xml",
}
XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"
# Where a base may be given: the feed, channel and entries set the base of the ids and links
# inside them; on the text elements a base changes nothing we read.
BASE_ELEMENTS = {"feed", "rss", "rdf", "channel", "entry", "item"}
TEXT_ELEMENTS = {"title", "summary", "content", "description", "encoded"}
HTML_TYPES = {"text/html", "application/xhtml+xml"}
BODY_TYPES = {"text/plain", "text/html"}
_DECLARED_ENCODING = re.compile(rb"""^<\?xml[^>]*encoding\s*=\s*["']([^"']+)["']""")
_LINK_ENTITY = re.compile(r"&([A-Za-z0-9_]+);")
# feedparser maps C1 control characters to the Windows-1252 characters they usually were.
_CP1252 = {
    code: bytes([code]).decode("cp1252")
    for code in range(0x80, 0xA0)
    if code not in (0x81, 0x8D, 0x8F, 0x90, 0x9D)
}


class NotPlain(Exception):
    """The document needs feedparser."""


def read_plain_xml_feed(body: bytes, headers: Mapping[str, str]) -> list[FeedEntry] | None:
    """The entries of a plain RSS 2.0 or Atom 1.0 feed, or None if feedparser must read it."""
    if not _plain_utf8_xml(body, headers):
        return None
    try:
        # Blank lines before the XML declaration are the one flaw forgiven here.
        root = ET.fromstring(body.removeprefix(b"\xef\xbb\xbf").lstrip())
        if b"base" in body:
            _refuse_misplaced_bases(root)
        if root.tag == "rss" and root.get("version") == "2.0":
            return _rss_entries(root)
        if _name(root) == (RDF.lower(), "rdf"):
            return _rdf_entries(root)
        if _name(root) == (ATOM, "feed"):
            return _atom_entries(root)
    except (ET.ParseError, NotPlain, ValueError):
        pass
    return None


def _plain_utf8_xml(body: bytes, headers: Mapping[str, str]) -> bool:
    """UTF-8 by every sign feedparser weighs, and nothing it treats specially."""
    content_type = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
    media_type, _, params = content_type.lower().partition(";")
    charset = re.search(r"charset\s*=\s*[\"']?([\w.:-]+)", params)
    if charset:
        if charset.group(1) not in ("utf-8", "utf8"):
            return False
    elif media_type.strip() not in XML_MEDIA_TYPES:
        return False  # e.g. text/xml without a charset means US-ASCII to feedparser
    start = body.removeprefix(b"\xef\xbb\xbf").lstrip()
    declared = _DECLARED_ENCODING.match(start)
    if declared and declared.group(1).lower() not in (b"utf-8", b"utf8"):
        return False
    return b"<!DOCTYPE" not in body and b"<!ENTITY" not in body


def _refuse_misplaced_bases(root: ET.Element) -> None:
    """A base anywhere but BASE_ELEMENTS and TEXT_ELEMENTS goes to feedparser."""
    for element in root.iter():
        given = XML_BASE in element.attrib or "base" in element.attrib
        if given and _name(element)[1] not in BASE_ELEMENTS | TEXT_ELEMENTS:
            raise NotPlain("xml:base")


def _base(element: ET.Element, outer: str) -> str:
    """The base URI inside `element`, worked out as feedparser does (xml:base, or a bare
    base attribute, made absolute against the outer one)."""
    given = element.get(XML_BASE) or element.get("base") or outer
    if outer:
        return make_safe_absolute_uri(outer, given) or outer
    return feedparser_urljoin(outer, given)


def _name(element: ET.Element) -> tuple[str, str]:
    """(namespace, local name) lower-cased, as feedparser matches them."""
    namespace, _, local = (
        element.tag[1:].rpartition("}") if element.tag[0] == "{" else ("", "", element.tag)
    )
    return namespace.lower(), local.lower()


def _attributes(element: ET.Element) -> dict[str, str]:
    """Attribute names lower-cased, and rel and type values too, as feedparser does."""
    found = {}
    for key, value in element.attrib.items():
        key = key.lower()
        found[key] = value.lower() if key in ("rel", "type") else value
    return found


def _children(entry: ET.Element, known: set[tuple[str, str]], ignored: set) -> dict:
    """Each known child once; an unknown or repeated one means feedparser must read it."""
    children: dict[tuple[str, str], ET.Element] = {}
    for child in entry:
        name = _name(child)
        if name in ignored:
            continue
        if name not in known or name in children:
            raise NotPlain(name)
        children[name] = child
    return children


def _raw_text(element: ET.Element) -> str:
    if len(element):
        raise NotPlain("markup inside an element")
    return (element.text or "").strip()


def _fixed(text: str) -> str:
    """feedparser's fix-ups of text: UTF-8 read as Latin-1, then C1 controls as Windows-1252."""
    with contextlib.suppress(UnicodeEncodeError, UnicodeDecodeError):
        text = text.encode("iso-8859-1").decode("utf-8")
    return text.translate(_CP1252)


def _text(element: ET.Element | None) -> str:
    return "" if element is None else _fixed(_raw_text(element))


def _uri(text: str, base: str) -> str:
    """feedparser's resolve_uri."""
    return feedparser_urljoin(base, text)


def _date(element: ET.Element | None):
    return from_struct_time(feedparser_date(_text(element))) if element is not None else None


def _author_name(text: str) -> str:
    """dc:creator as feedparser reads it; one holding an email address goes to feedparser."""
    if "@" in text:
        raise NotPlain("an author with an email address")
    return html_to_text(clip(text))


def _body_type(element: ET.Element, default: str) -> str:
    attributes = _attributes(element)
    if attributes.keys() & {"src", "mode"}:
        raise NotPlain("out-of-line or encoded content")
    kind = attributes.get("type", default)
    kind = {"text": "text/plain", "plain": "text/plain", "html": "text/html"}.get(kind, kind)
    if kind not in BODY_TYPES:
        raise NotPlain(f"content of type {kind}")
    return kind


# --- RSS 2.0 ------------------------------------------------------------------------------

RSS_KNOWN = {
    ("", "title"),
    ("", "link"),
    ("", "description"),
    ("", "guid"),
    ("", "pubdate"),
    (CONTENT, "encoded"),
    (DC, "creator"),
    (DC, "date"),
}
# RSS 1.0 names the same elements in its namespace; the entry's id is its rdf:about.
RSS1_KNOWN = {(RSS1 if ns == "" else ns, name) for ns, name in RSS_KNOWN if name != "guid"}


def _rss_entries(root: ET.Element) -> list[FeedEntry]:
    channels = list(root)
    if len(channels) != 1 or _name(channels[0]) != ("", "channel"):
        raise NotPlain("not one channel")
    channel = channels[0]
    feed_author, base = _channel_author(channel), _base(channel, _base(root, ""))
    return [
        _rss_entry(item, feed_author, "", _base(item, base))
        for item in channel
        if _name(item) == ("", "item")
    ]


def _channel_author(channel: ET.Element) -> str:
    for child in channel:
        name = _name(child)
        if name[1] in ("managingeditor", "author"):
            raise NotPlain("a channel author with an address")
        if name == (DC, "creator"):
            return _author_name(_text(child))
    return ""


def _rdf_entries(root: ET.Element) -> list[FeedEntry]:
    channels = [child for child in root if _name(child) == (RSS1, "channel")]
    if len(channels) != 1:
        raise NotPlain("not one channel")
    feed_author, base = _channel_author(channels[0]), _base(root, "")
    return [
        _rss_entry(item, feed_author, RSS1, _base(item, base))
        for item in root
        if _name(item) == (RSS1, "item")
    ]


def _rss_entry(item: ET.Element, feed_author: str, ns: str, base: str) -> FeedEntry:
    """An RSS 2.0 item (`ns` ""), or an RSS 1.0 one (`ns` its namespace)."""
    found = _children(item, RSS1_KNOWN if ns else RSS_KNOWN, IGNORED_RSS)
    if (ns, "pubdate") in found and (DC, "date") in found:
        raise NotPlain("two dates")
    guid = found.get(("", "guid"))
    guid_is_link = guid is not None and _attributes(guid).get("ispermalink", "true") == "true"
    entry_id = "" if guid is None else _raw_text(guid)
    entry_id = _fixed(_uri(entry_id, base) if guid_is_link and entry_id else entry_id)
    if ns:
        entry_id = item.get(f"{{{RDF}}}about", "")
    if (link_element := found.get((ns, "link"))) is not None:
        if _attributes(link_element):
            raise NotPlain("a link with attributes")
        link = _raw_text(link_element)
        link = _fixed(_uri(link, base) if link else link).replace("&amp;", "&")
        link = _LINK_ENTITY.sub(r"&\g<1>", link)
    else:
        link = entry_id if guid_is_link else ""
    content, summary = found.get((CONTENT, "encoded")), found.get((ns, "description"))
    body, body_type = "", ""
    if content is not None and (value := _text(content)):
        body, body_type = value, _body_type(content, "text/html")
    elif summary is not None:
        body, body_type = _text(summary), _body_type(summary, "text/html")
    creator = found.get((DC, "creator"))
    return FeedEntry(
        entry_id=entry_id,
        link=link,
        author=(_author_name(_text(creator)) if creator is not None else "") or feed_author,
        title=_text(found.get((ns, "title"))),
        body=body,
        body_is_plain_text=body_type == "text/plain",
        published_at=_date(found.get((ns, "pubdate"))) or _date(found.get((DC, "date"))),
    )


# --- Atom 1.0 -----------------------------------------------------------------------------

ATOM_KNOWN = {
    (ATOM, name)
    for name in ("id", "title", "link", "published", "updated", "content", "summary", "author")
}


def _atom_author(author: ET.Element | None) -> str:
    """An author's name as feedparser keeps it (only trimmed); no name goes to feedparser."""
    if author is None:
        return ""
    name = next((child for child in author if _name(child) == (ATOM, "name")), None)
    if name is None:
        raise NotPlain("an author without a name")
    return html_to_text(clip(_raw_text(name)))


def _atom_entries(root: ET.Element) -> list[FeedEntry]:
    authors = [child for child in root if _name(child) == (ATOM, "author")]
    if len(authors) > 1:
        raise NotPlain("several feed authors")
    feed_author, base = _atom_author(authors[0] if authors else None), _base(root, "")
    return [
        _atom_entry(entry, feed_author, _base(entry, base))
        for entry in root
        if _name(entry) == (ATOM, "entry")
    ]


def _atom_links(entry: ET.Element) -> tuple[list[ET.Element], set]:
    """An entry's links apart (several are usual), and the rest of its children."""
    links = [child for child in entry if _name(child) == (ATOM, "link")]
    return links, IGNORED_ATOM | {(ATOM, "link")}


def _atom_entry(entry: ET.Element, feed_author: str, base: str) -> FeedEntry:
    links, ignored = _atom_links(entry)
    found = _children(entry, ATOM_KNOWN, ignored)
    id_element = found.get((ATOM, "id"))
    entry_id = "" if id_element is None else _raw_text(id_element)
    entry_id = _fixed(_uri(entry_id, base) if entry_id else entry_id)
    link = entry_id  # feedparser treats an Atom id as a permalink until a link says otherwise
    for element in links:
        attributes = _attributes(element)
        if "href" not in attributes or len(element) or (element.text or "").strip():
            raise NotPlain("a link without href")
        rel = attributes.get("rel", "alternate")
        kind = attributes.get("type", "application/atom+xml" if rel == "self" else "text/html")
        if rel == "alternate" and kind in HTML_TYPES:
            link = _uri(attributes["href"], base)
    content, summary = found.get((ATOM, "content")), found.get((ATOM, "summary"))
    body, body_type = "", ""  # no body: not plain text, as feedparser reports it
    if content is not None and (value := _text(content)):
        body, body_type = value, _body_type(content, "text/plain")
    elif summary is not None:
        body, body_type = _text(summary), _body_type(summary, "text/plain")
    title = found.get((ATOM, "title"))
    if title is not None:
        _body_type(title, "text/plain")  # XHTML titles go to feedparser
    return FeedEntry(
        entry_id=entry_id,
        link=link,
        author=_atom_author(found.get((ATOM, "author"))) or feed_author,
        title=_text(title),
        body=body,
        body_is_plain_text=body_type == "text/plain",
        published_at=_date(found.get((ATOM, "published"))) or _date(found.get((ATOM, "updated"))),
    )
