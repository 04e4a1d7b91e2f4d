"""The operator's knowledge base: a JSONL file of entities with aliases and descriptions.

One JSON object per line::

    {"id": "Q5", "type": "PERSON", "name": "سيرغي لافروف", "aliases": ["لافروف"],
     "description": "…", "description_source": "ويكيبيديا", "description_url": "https://…",
     "wikidata": "Q80115"}

``id``, ``type`` and ``name`` are required; everything else is optional.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from marsad.arabic.normalise import normalise
from marsad.errors import InputError
from marsad.models import Entity, EntityType
from marsad.store.database import Store


@dataclass
class KbReport:
    created: int = 0
    updated: int = 0


def read_kb(path: Path) -> list[dict[str, Any]]:
    records = []
    with path.open(encoding="utf-8") as fh:
        for number, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(f"{path}:{number}: not valid JSON ({exc.msg})") from exc
            for key in ("id", "type", "name"):
                if not rec.get(key):
                    raise InputError(f"{path}:{number}: the field {key!r} is required")
            if rec["type"] not in EntityType.__members__:
                raise InputError(f"{path}:{number}: type must be PERSON, ORGANIZATION or LOCATION")
            records.append(rec)
    return records


def load_kb(store: Store, records: Iterable[dict[str, Any]]) -> KbReport:
    """Create or update entities from KB records; existing auto-created entities are adopted."""
    report = KbReport()
    by_alias: dict[str, int] = {}
    for norm, entity_id, etype in store.alias_table():
        by_alias.setdefault(f"{etype}:{norm}", entity_id)
    for rec in records:
        entity = Entity(
            name=rec["name"],
            type=EntityType(rec["type"]),
            aliases=list(rec.get("aliases", [])),
            description=rec.get("description"),
            description_source=rec.get("description_source"),
            description_url=rec.get("description_url"),
            wikidata=rec.get("wikidata"),
        )
        entity_id = store.entity_by_kb_id(rec["id"]) or by_alias.get(
            f"{entity.type}:{normalise(entity.name)}"
        )
        if entity_id is None:
            entity_id = store.create_entity(entity, kb_id=rec["id"])
            report.created += 1
        else:
            store.update_entity(
                entity_id,
                kb_id=rec["id"],
                name=entity.name,
                description=entity.description,
                description_source=entity.description_source,
                description_url=entity.description_url,
                wikidata=entity.wikidata,
            )
            store.add_aliases(entity_id, [entity.name, *entity.aliases])
            report.updated += 1
        for name in [entity.name, *entity.aliases]:
            by_alias.setdefault(f"{entity.type}:{normalise(name)}", entity_id)
    return report
