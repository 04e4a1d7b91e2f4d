"""Atom feeds for every page that lists articles."""

from __future__ import annotations

from datetime import UTC, datetime
from xml.etree import ElementTree as ET

from marsad.pages import ArticleItem
from marsad.web.links import http_link

NS = "http://www.w3.org/2005/Atom"


def _stamp(value: datetime) -> str:
    """RFC 3339 with a zone, as Atom requires (stored times are UTC)."""
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()


def atom_feed(
    title: str, self_url: str, page_url: str, items: list[ArticleItem], base_url: str
) -> bytes:
    ET.register_namespace("", NS)
    feed = ET.Element(f"{{{NS}}}feed", {"xml:lang": "ar"})
    ET.SubElement(feed, f"{{{NS}}}title").text = title
    ET.SubElement(feed, f"{{{NS}}}id").text = page_url
    ET.SubElement(feed, f"{{{NS}}}link", rel="self", href=self_url)
    ET.SubElement(feed, f"{{{NS}}}link", rel="alternate", type="text/html", href=page_url)
    newest = max(
        (i.published.replace(tzinfo=i.published.tzinfo or UTC) for i in items if i.published),
        default=datetime.now(UTC),
    )
    ET.SubElement(feed, f"{{{NS}}}updated").text = _stamp(newest)
    for item in items:
        entry = ET.SubElement(feed, f"{{{NS}}}entry")
        ET.SubElement(entry, f"{{{NS}}}title").text = item.title
        ours = f"{base_url}article/{item.id}"
        ET.SubElement(entry, f"{{{NS}}}id").text = ours
        ET.SubElement(entry, f"{{{NS}}}link", rel="alternate", href=http_link(item.url) or ours)
        ET.SubElement(entry, f"{{{NS}}}updated").text = _stamp(item.published or newest)
        author = ET.SubElement(entry, f"{{{NS}}}author")
        ET.SubElement(author, f"{{{NS}}}name").text = item.source
        ET.SubElement(entry, f"{{{NS}}}summary").text = item.snippet
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)
