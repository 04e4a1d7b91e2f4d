"""``marsad kb import-wikidata DUMP.json.gz``: people, organisations and places from Wikidata.

The dump (``latest-all.json.gz``, or any excerpt in the same format) is one JSON array with
one entity per line::

    [
    {"type":"item","id":"Q80115","labels":{"ar":{"language":"ar","value":"سيرغي لافروف"}},…},
    {"type":"item","id":"Q7747",…}
    ]

It is read line by line (constant memory; only the Arabic labels of positions are kept).
Kept: entities with an Arabic label whose P31 ("instance of") is a class of
``data/wikidata_types.tsv``. Arabic aliases become aliases, the Arabic description the
description ("ويكي بيانات", with the item's URL, never replacing an existing description),
and P39 ("position held") with P580/P582 (start/end time) the dated roles.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from marsad.entities.kb import KbLoader
from marsad.errors import InputError
from marsad.store import edits as sql
from marsad.store.database import Store

DATA = Path(__file__).resolve().parent / "data"
PLACEHOLDER = "wikidata:"
SOURCE = "ويكي بيانات"


def _table(name: str) -> dict[str, str]:
    out = {}
    for line in (DATA / name).read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            cols = line.split("\t")
            out[cols[0]] = cols[1]
    return out


TYPES = _table("wikidata_types.tsv")
POSITION_CLASSES = frozenset(_table("wikidata_positions.tsv"))


@dataclass
class WikidataReport:
    read: int = 0
    kept: int = 0
    created: int = 0
    updated: int = 0
    roles: int = 0
    bad_lines: int = 0


def open_text(path: Path) -> TextIO:
    if str(path).endswith(".gz"):
        return gzip.open(path, "rt", encoding="utf-8")
    return path.open(encoding="utf-8")


def iter_entities(fh: TextIO, report: WikidataReport | None = None) -> Iterator[dict[str, Any]]:
    """Entities of a Wikidata JSON dump, one per line, without loading the array."""
    for line in fh:
        line = line.strip()
        if line in ("", "[", "]"):
            continue
        line = line.removesuffix(",")
        try:
            yield json.loads(line)
        except json.JSONDecodeError:
            if report is not None:
                report.bad_lines += 1


def _ids(entity: dict[str, Any], prop: str) -> list[str]:
    out = []
    for claim in entity.get("claims", {}).get(prop, []):
        value = claim.get("mainsnak", {}).get("datavalue", {}).get("value")
        if isinstance(value, dict) and "id" in value:
            out.append(value["id"])
    return out


def _day(snak_list: list[dict[str, Any]] | None, end: bool) -> str | None:
    """A P580/P582 qualifier's time as YYYY-MM-DD (year or month precision widened)."""
    for snak in snak_list or []:
        value = snak.get("datavalue", {}).get("value")
        if not isinstance(value, dict) or "time" not in value:
            continue
        stamp = value["time"].lstrip("+")
        if stamp.startswith("-"):
            return None
        year, month, day = stamp[:10].split("-")
        precision = value.get("precision", 11)
        if precision <= 9 or month == "00":
            month, day = ("12", "31") if end else ("01", "01")
        elif precision == 10 or day == "00":
            day = "28" if end else "01"
        return f"{int(year):04d}-{month}-{day}"
    return None


def _arabic(entity: dict[str, Any], field: str) -> Any:
    return entity.get(field, {}).get("ar")


def record(entity: dict[str, Any]) -> dict[str, Any] | None:
    """The KB record of a Wikidata entity, or None when it is not for marsad."""
    label = _arabic(entity, "labels")
    if not label or not label.get("value"):
        return None
    etype = next((TYPES[c] for c in _ids(entity, "P31") if c in TYPES), None)
    if etype is None:
        return None
    qid = entity["id"]
    description = _arabic(entity, "descriptions")
    roles = []
    for claim in entity.get("claims", {}).get("P39", []):
        value = claim.get("mainsnak", {}).get("datavalue", {}).get("value")
        if not isinstance(value, dict) or "id" not in value:
            continue
        qualifiers = claim.get("qualifiers", {})
        roles.append(
            {
                "role": PLACEHOLDER + value["id"],
                "from": _day(qualifiers.get("P580"), end=False),
                "to": _day(qualifiers.get("P582"), end=True),
            }
        )
    rec: dict[str, Any] = {
        "id": qid,
        "type": etype,
        "name": label["value"],
        "aliases": [a["value"] for a in entity.get("aliases", {}).get("ar", []) if a.get("value")],
        "wikidata": qid,
    }
    if description and description.get("value"):
        rec |= {
            "description": description["value"],
            "description_source": SOURCE,
            "description_url": f"https://www.wikidata.org/wiki/{qid}",
        }
    if roles:
        rec["roles"] = roles
    return rec


def is_position(entity: dict[str, Any]) -> bool:
    classes = set(_ids(entity, "P31")) | set(_ids(entity, "P279"))
    return bool(classes & POSITION_CLASSES)


def import_wikidata(store: Store, path: Path) -> WikidataReport:
    """Stream the dump into the store; returns counts."""
    if not path.exists():
        raise InputError(f"{path}: no such file")
    report = WikidataReport()
    loader = KbLoader(store, keep_descriptions=True)
    positions: dict[str, str] = {}  # position QID → Arabic label
    try:
        with open_text(path) as fh:
            for entity in iter_entities(fh, report):
                report.read += 1
                if entity.get("type") not in (None, "item"):
                    continue
                rec = record(entity)
                if rec is not None:
                    loader.load_one(rec)
                    report.kept += 1
                    report.roles += len(rec.get("roles", []))
                elif is_position(entity):
                    label = _arabic(entity, "labels")
                    if label and label.get("value"):
                        positions[entity["id"]] = label["value"]
    except (OSError, EOFError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read the dump ({exc})") from exc
    sql.name_placeholder_roles(store, PLACEHOLDER, positions)
    report.created, report.updated = loader.report.created, loader.report.updated
    return report
