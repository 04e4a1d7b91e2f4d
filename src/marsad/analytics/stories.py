"""One item per story: lists group the near-duplicates of a story under one headline.

A story is the near-duplicate cluster built at ingest (``articles.story_id``,
``store/stories.py``). A list shows a cluster once, at its newest article in that list,
with its other articles and the sources that carried a verbatim copy. Clusters shown on
the same page with the same headline on the same day are one item too, once badges are
removed and names spelt alike (``headline_key``: "بالفيديو..", "(تحديث)" — data in
``arabic/lexicons/headline_tags.txt``; ``entities.fuzzy.fold``): a rewritten body keeps
its headline. The story page joins such clusters over the whole day. Counts never
change: only what a list shows.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import Connection

from marsad.arabic.normalise import normalise
from marsad.entities.fuzzy import fold
from marsad.store import stories as stories_store

Row = dict[str, Any]
TAGS = Path(__file__).resolve().parents[1] / "arabic" / "lexicons" / "headline_tags.txt"


@cache
def _tags() -> re.Pattern[str]:
    lines = TAGS.read_text(encoding="utf-8").splitlines()
    return re.compile("|".join(f"(?:{x})" for x in lines if x.strip() and not x.startswith("#")))


@lru_cache(maxsize=100_000)
def headline_key(title: str) -> str:
    """The headline as compared between articles: badges removed, spelling and the
    transliteration of names folded (سيرجي/سيرغي، سورية/سوريا)."""
    return fold(normalise(_tags().sub(" ", title)))


def story_of(row: Row) -> int:
    """An article row's story (an article stored before stories is its own)."""
    return row.get("story_id") or row["id"]


def order_key(row: Row) -> tuple[str, int]:
    """Lists run newest day first, then most recently stored; undated last."""
    return (row.get("day") or "", row["id"])


class Stories:
    """Union of near-duplicate clusters that share a headline on a day."""

    def __init__(self) -> None:
        self._parent: dict[int, int] = {}

    def find(self, story: int) -> int:
        parent = self._parent.setdefault(story, story)
        if parent != story:
            parent = self._parent[story] = self.find(parent)
        return parent

    def join(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self._parent[max(ra, rb)] = min(ra, rb)

    def join_headlines(self, rows: Iterable[Row]) -> None:
        """Join the stories of articles with the same headline on the same day."""
        first: dict[tuple[str, str], int] = {}
        for r in rows:
            if not r.get("day"):
                continue
            key = (r["day"], headline_key(r["title"]))
            if not key[1]:
                continue
            story = story_of(r)
            if key in first:
                self.join(first[key], story)
            else:
                first[key] = story


@dataclass
class Group:
    """A story as one list item: its lead row and every other article of it."""

    lead: Row
    others: list[Row] = field(default_factory=list)
    copies: list[Row] = field(default_factory=list)  # verbatim copies in other sources


def collapse(rows: list[Row], members: list[Row], listed: set[int]) -> list[Group]:
    """The rows as one group per story, in list order.

    ``members`` are every article of the rows' near-duplicate clusters; ``listed`` the ids
    among them that the list itself holds (the entity's articles, the source's…). A row
    is shown when it is the newest listed article of its cluster — so a cluster appears
    once across all the pages of a list, on the page of its newest article — and rows so
    shown that have the same headline on the same day are one item, at the first of them.
    """
    clusters: dict[int, dict[int, Row]] = {}
    for m in [*rows, *members]:
        clusters.setdefault(story_of(m), {}).setdefault(m["id"], m)
    listed = listed | {r["id"] for r in rows}
    leads = []
    for r in rows:
        cluster = clusters[story_of(r)]
        if max((m for m in cluster.values() if m["id"] in listed), key=order_key) is r:
            leads.append(r)  # else a newer article of its cluster leads it
    union = Stories()
    union.join_headlines(leads)
    items: dict[int, Group] = {}
    for r in leads:
        group = items.setdefault(union.find(story_of(r)), Group(r))
        group.others += [m for m in clusters[story_of(r)].values() if m is not group.lead]
    for group in items.values():
        group.others.sort(key=published_order)
    return list(items.values())


def published_order(row: Row) -> tuple[int, str, int]:
    """Who published first: publication time (UTC), then day; undated last; then stored
    order."""
    when = row.get("published")
    if isinstance(when, str) and when:
        when = datetime.fromisoformat(when)
    if isinstance(when, datetime):
        moment = (when if when.tzinfo else when.replace(tzinfo=UTC)).astimezone(UTC)
        return (0, moment.isoformat(), row["id"])
    return (1, row["day"], row["id"]) if row.get("day") else (2, "", row["id"])


def headline_changes(first: str, other: str) -> list[tuple[str, str]]:
    """``other`` against ``first`` word by word: [(change, words)] with change one of
    ``same``, ``added`` (in other only) and ``removed`` (in first only)."""
    a, b = first.split(), other.split()
    out: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(("same", " ".join(a[i1:i2])))
            continue
        if op in ("delete", "replace"):
            out.append(("removed", " ".join(a[i1:i2])))
        if op in ("insert", "replace"):
            out.append(("added", " ".join(b[j1:j2])))
    return out


def group_articles(
    conn: Connection,
    rows: list[Row],
    *,
    entity_id: int | None = None,
    source_id: int | None = None,
    whole_list: bool = False,
) -> list[Group]:
    """One page of a list as one group per story (see ``collapse``).

    The list is the entity's news (``entity_id``), the source's (``source_id``), every
    article (``whole_list``: the home page), or else only ``rows`` (search results: a
    story may then come back on a later page).
    """
    if not rows:
        return []
    members = stories_store.story_members(conn, {story_of(r) for r in rows})
    ids = {m["id"] for m in members}
    if entity_id is not None:
        listed = stories_store.listed_by_entity(conn, entity_id, ids)
    elif source_id is not None:
        listed = {m["id"] for m in members if m["source_id"] == source_id}
    elif whole_list:
        listed = ids
    else:
        listed = {r["id"] for r in rows}
    groups = collapse(rows, members, listed)
    add_copies(conn, groups)
    return groups


def add_copies(conn: Connection, groups: list[Group]) -> None:
    """Give each group the verbatim copies other sources carried of its articles."""
    articles = [a for g in groups for a in (g.lead, *g.others)]
    copies: dict[int, list[Row]] = {}
    for c in stories_store.verbatim_copies(conn, {a["id"] for a in articles}):
        copies.setdefault(c["article_id"], []).append(c)
    for g in groups:
        g.copies = [c for a in (g.lead, *g.others) for c in copies.get(a["id"], [])]


QUOTE_COPY_DAYS = 7  # copies of a quote are looked for this many days around it


@dataclass
class QuoteGroup:
    """A quote shown once: its newest copy and the others (other articles, sources)."""

    lead: Row
    others: list[Row] = field(default_factory=list)


def _quote_key(row: Row) -> tuple[int, str]:
    return (row["entity_id"], _quote_words(row["text"]))


@lru_cache(maxsize=20_000)
def _quote_words(text: str) -> str:
    return normalise(text)


def group_quotes(conn: Connection, rows: list[Row]) -> list[QuoteGroup]:
    """Quotes (newest first) as one item per quote, whoever carried it: a quote is shown at
    its newest copy (same speaker, same words once spelling is folded) within
    ``QUOTE_COPY_DAYS`` days; the copies go with it."""
    days = sorted(date.fromisoformat(r["day"]) for r in rows if r.get("day"))
    found = []
    if days:
        pad = timedelta(days=QUOTE_COPY_DAYS)
        first, last = (days[0] - pad).isoformat(), (days[-1] + pad).isoformat()
        found = stories_store.quote_copies(
            conn, {r["entity_id"] for r in rows}, {r["text"] for r in rows}, first, last
        )
    same: dict[tuple[int, str], dict[int, Row]] = {}
    keys = [_quote_key(r) for r in rows]
    for key, q in [*zip(keys, rows, strict=True), *((_quote_key(q), q) for q in found)]:
        same.setdefault(key, {}).setdefault(q["article_id"], q)
    groups = []
    for key, r in zip(keys, rows, strict=True):
        copies = same[key]
        if max(copies.values(), key=_quote_order)["article_id"] != r["article_id"]:
            continue  # shown at a newer copy
        others = [q for a, q in copies.items() if a != r["article_id"]]
        groups.append(QuoteGroup(r, sorted(others, key=_quote_order)))
    return groups


def _quote_order(row: Row) -> tuple[str, int]:
    return (row.get("day") or "", row["article_id"])
