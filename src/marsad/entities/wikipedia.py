"""``marsad kb import-wikipedia arwiki-…-abstract.xml.gz``: descriptions from Wikipedia.

The abstract dump is one ``<feed>`` of ``<doc>`` elements::

    <feed>
    <doc>
    <title>ويكيبيديا: سيرغي لافروف</title>
    <url>https://ar.wikipedia.org/wiki/سيرغي_لافروف</url>
    <abstract>سيرغي فيكتوروفيتش لافروف دبلوماسي روسي…</abstract>
    <links>…</links>
    </doc>
    …
    </feed>

It is parsed incrementally (``iterparse``; every finished ``doc`` is cleared, so memory stays
constant). A doc describes the entity whose name or alias is its title (a parenthetical
qualifier such as "(سياسي)" may be dropped when the rest names exactly one entity).
Descriptions are attributed "ويكيبيديا" with the article URL; a description an operator
wrote is never replaced. Entities are not created from abstracts (they carry no type).
"""

from __future__ import annotations

import gzip
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO
from xml.etree.ElementTree import ParseError

from defusedxml.ElementTree import iterparse

from marsad.arabic.normalise import normalise
from marsad.errors import InputError
from marsad.store import edits as sql
from marsad.store.database import Store

SOURCE = "ويكيبيديا"
TITLE_PREFIX = re.compile(r"^\s*(ويكيبيديا|Wikipedia)\s*:\s*")
QUALIFIER = re.compile(r"\s*\([^)]*\)\s*$")
MIN_ABSTRACT = 20


@dataclass
class WikipediaReport:
    read: int = 0
    described: int = 0
    unmatched: int = 0


def _open(path: Path) -> BinaryIO:
    return gzip.open(path, "rb") if str(path).endswith(".gz") else path.open("rb")


def _clean(abstract: str) -> str | None:
    text = " ".join(abstract.split())
    if len(text) < MIN_ABSTRACT or text.startswith(("|", "{", "[[")):
        return None
    return text


def import_wikipedia(store: Store, path: Path) -> WikipediaReport:
    """Attach abstracts to the entities they are about; returns counts."""
    if not path.exists():
        raise InputError(f"{path}: no such file")
    by_name: dict[str, set[int]] = defaultdict(set)
    for norm, entity_id, _ in store.alias_table():
        by_name[norm].add(entity_id)
    locked = {e for e, fields in sql.edited_fields(store).items() if "description" in fields}
    report = WikipediaReport()
    try:
        with _open(path) as fh:
            root = None
            for event, elem in iterparse(fh, events=("start", "end")):
                if root is None and event == "start":
                    root = elem
                if event != "end" or elem.tag != "doc":
                    continue
                report.read += 1
                title = TITLE_PREFIX.sub("", elem.findtext("title") or "").strip()
                url = (elem.findtext("url") or "").strip() or None
                abstract = _clean(elem.findtext("abstract") or "")
                if root is not None:
                    root.clear()  # constant memory: drop every finished doc
                if not title or abstract is None:
                    continue
                owners = by_name.get(normalise(title), set())
                if not owners:
                    owners = by_name.get(normalise(QUALIFIER.sub("", title)), set())
                if len(owners) != 1:
                    report.unmatched += 1
                    continue
                entity_id = next(iter(owners))
                if entity_id in locked:
                    continue
                store.update_entity(
                    entity_id,
                    description=abstract,
                    description_source=SOURCE,
                    description_url=url,
                )
                report.described += 1
    except (ParseError, OSError, EOFError) as exc:
        raise InputError(f"{path}: not a readable abstract dump ({exc})") from exc
    return report
