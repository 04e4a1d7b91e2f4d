"""A deterministic generator of realistic Arabic news: the demo corpus and the benchmark corpus.

Articles are written from our own templates (``data/templates.json``) about recurring
entities (``data/entities.jsonl``) with spelling variants, clitics, roles, surname-only
second mentions, datelines, source footers, agency copy republished by several sources
(exact and near duplicates), and topics that burst on some days. Every article records
the entity keys it really mentions, so resolution can be scored against the truth.
The same seed, size and end date always give the same corpus.
"""

from __future__ import annotations

import json
import math
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache
from importlib import resources
from typing import Any
from zoneinfo import ZoneInfo

_SLOT = re.compile(r"(?P<clitic>[وبلف]?)\{(?P<key>\w+)(?:\|(?P<form>\w+))?\}")
TZ = ZoneInfo("Asia/Damascus")


@dataclass(frozen=True)
class GeneratedArticle:
    """One generated article as a source would publish it (dateline and footer included)."""

    title: str
    text: str
    source: str  # source slug
    url: str
    published: datetime
    truth: tuple[str, ...]  # entity keys really mentioned

    def to_json(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "text": self.text,
            "source": self.source,
            "url": self.url,
            "published": self.published.isoformat(),
            "entities": list(self.truth),
        }


def _load_jsonl(name: str) -> list[dict[str, Any]]:
    text = resources.files("marsad.generate").joinpath("data", name).read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


@cache
def entities() -> dict[str, dict[str, Any]]:
    """The generator's entities by key (also the sample knowledge base)."""
    return {e["key"]: e for e in _load_jsonl("entities.jsonl")}


@cache
def sources() -> dict[str, dict[str, Any]]:
    return {s["slug"]: s for s in _load_jsonl("sources.jsonl")}


@cache
def _topics() -> dict[str, dict[str, Any]]:
    path = resources.files("marsad.generate").joinpath("data", "templates.json")
    return json.loads(path.read_text(encoding="utf-8"))


def kb_records() -> list[dict[str, Any]]:
    """The sample knowledge base in the JSONL format of ``marsad kb load``."""
    return [
        {
            "id": f"sample:{e['key']}",
            "type": e["type"],
            "name": e["name"],
            "aliases": e["aliases"],
            "description": e["description"],
            "description_source": "مرصد (وصف تجريبي)",
        }
        for e in entities().values()
    ]


def _attach(clitic: str, word: str) -> str:
    if clitic == "ل" and word.startswith("ال"):
        return "لل" + word[2:]
    return clitic + word


class _Writer:
    """Realises one article's slots: full name first, then short forms and roles."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.seen: set[str] = set()

    def surface(self, key: str, form: str | None) -> str:
        ent = entities()[key]
        names = [ent["name"], *[a for a in ent["aliases"] if " " in a]]
        short = [a for a in ent["aliases"] if " " not in a] or [ent["name"]]
        if form == "role":
            return ent.get("role") or ent["name"]
        if ent["type"] != "PERSON":
            choice = (
                self.rng.choice([ent["name"], ent["name"], *ent["aliases"]])
                if ent["aliases"]
                else ent["name"]
            )
        elif form == "full" or key not in self.seen:
            choice = self.rng.choice([ent["name"], ent["name"], *names])
        else:
            choice = self.rng.choice(short)
        self.seen.add(key)
        return choice

    def fill(self, template: str, truth: list[str]) -> str:
        def repl(m: re.Match[str]) -> str:
            key, form = m["key"], m["form"]
            if form != "role" and key not in truth:
                truth.append(key)
            return _attach(m["clitic"], self.surface(key, form))

        return _SLOT.sub(repl, template)


def _intensity(topic_index: int, day: int, days: int, seed: int) -> float:
    """Topic volume on a day: a base level plus two bursts at seeded places."""
    rng = random.Random(seed * 1000 + topic_index)
    level = 1.0
    for _ in range(2):
        centre, width = rng.uniform(0, days), rng.uniform(1.5, 4)
        level += 3.0 * math.exp(-(((day - centre) / width) ** 2))
    return level


def generate(
    n: int = 600, *, seed: int = 7, end: date | None = None, days: int = 42
) -> Iterator[GeneratedArticle]:
    """Yield ``n`` articles published over ``days`` days ending on ``end`` (default: today)."""
    end = end or datetime.now(TZ).date()
    rng = random.Random(seed)
    topics = list(_topics().items())
    srcs = list(sources().values())
    day_weights = [
        [spec["weight"] * _intensity(i, d, days, seed) for i, (_, spec) in enumerate(topics)]
        for d in range(days)
    ]
    totals = [sum(w) for w in day_weights]
    produced = 0
    while produced < n:
        d = rng.choices(range(days), weights=totals)[0]
        _, spec = rng.choices(topics, weights=day_weights[d])[0]
        day = end - timedelta(days=days - 1 - d)
        moment = datetime.combine(day, time(rng.randrange(6, 23), rng.randrange(60)), TZ)
        writer, title_truth = _Writer(rng), []
        title = writer.fill(rng.choice(spec["titles"]), title_truth)
        templates = rng.sample(spec["sentences"], k=min(4, len(spec["sentences"])))
        line_truths: list[list[str]] = [[] for _ in templates]
        body = [writer.fill(t, truth) for t, truth in zip(templates, line_truths, strict=True)]
        place = rng.choice(["موسكو", "دمشق", "القاهرة", "جنيف", "أنقرة", "واشنطن", "بيروت"])
        first = rng.choice(srcs)
        copies = [first] + (
            rng.sample([s for s in srcs if s is not first], k=rng.choice([1, 2]))
            if rng.random() < 0.2
            else []
        )
        for j, src in enumerate(copies):
            if produced >= n:
                break
            lines, truths = list(body), list(line_truths)
            copy_title = title
            if j and rng.random() < 0.5:  # near duplicate: a republisher edits the copy
                lines, truths = lines[:-1], truths[:-1]
                copy_title = "بالفيديو.. " + title if rng.random() < 0.5 else title + " (تحديث)"
            dateline = src["dateline"].format(place=place)
            text = "\n".join([f"{dateline} {lines[0]}", *lines[1:], src["footer"]])
            url = f"{src['url']}/news/{seed}-{produced:07d}"
            published = moment + timedelta(minutes=37 * j)
            truth = {*title_truth, *(key for keys in truths for key in keys)}
            yield GeneratedArticle(
                copy_title, text, src["slug"], url, published, tuple(sorted(truth))
            )
            produced += 1
