"""The operator's knowledge base: a JSONL file of entities with aliases and descriptions.

One JSON object per line::

    {"id": "Q5", "type": "PERSON", "name": "سيرغي لافروف", "aliases": ["لافروف"],
     "description": "…", "description_source": "ويكيبيديا", "description_url": "https://…",
     "wikidata": "Q80115",
     "roles": [{"role": "وزير الخارجية الروسي", "from": "2004-03-09", "to": null}]}

``id``, ``type`` and ``name`` are required; everything else is optional. Loading again
updates entities in place and keeps operator decisions: an entity merged into another
adds its names to the target; aliases an operator removed stay removed; a name or
description an operator set is not overwritten.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from marsad.arabic.normalise import normalise
from marsad.errors import InputError
from marsad.models import Entity, EntityType
from marsad.store import edits as edits_sql
from marsad.store.database import Store

_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


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
            check_roles(rec.get("roles"), f"{path}:{number}")
            records.append(rec)
    return records


def check_roles(roles: Any, where: str) -> None:
    """Roles must be [{"role": str, "from": "YYYY-MM-DD"|null, "to": …|null}]."""
    if roles is None:
        return
    if not isinstance(roles, list):
        raise InputError(f"{where}: 'roles' must be a list")
    for role in roles:
        if not isinstance(role, dict) or not str(role.get("role") or "").strip():
            raise InputError(f"{where}: every role needs a 'role' name")
        for key in ("from", "to"):
            value = role.get(key)
            if value is not None and not _ISO_DAY.match(str(value)):
                raise InputError(f"{where}: role {key!r} must be YYYY-MM-DD or null")


def load_kb(store: Store, records: Iterable[dict[str, Any]]) -> KbReport:
    """Create or update entities from KB records; existing auto-created entities are adopted."""
    return KbLoader(store).load(records)


class KbLoader:
    """Loads KB records in as many batches as needed (importers stream through it).

    ``keep_descriptions``: do not replace a description an entity already has (used for
    Wikidata's one-line descriptions, which should not overwrite a Wikipedia abstract).
    """

    def __init__(self, store: Store, *, keep_descriptions: bool = False) -> None:
        self.store = store
        self.keep_descriptions = keep_descriptions
        self.report = KbReport()
        self.by_alias: dict[str, int] = {}
        owned = edits_sql.kb_owned(store)
        for norm, entity_id, etype in store.alias_table():
            if entity_id not in owned:  # only auto-created entities are adopted by name
                self.by_alias.setdefault(f"{etype}:{norm}", entity_id)
        self.blocked = edits_sql.blocked_aliases(store)
        self.locked = edits_sql.edited_fields(store)
        self.described = edits_sql.described(store) if keep_descriptions else set()

    def load(self, records: Iterable[dict[str, Any]]) -> KbReport:
        for rec in records:
            self.load_one(rec)
        return self.report

    def load_one(self, rec: dict[str, Any]) -> int:
        store, report = self.store, self.report
        entity = Entity(
            name=rec["name"],
            type=EntityType(rec["type"]),
            aliases=list(rec.get("aliases", [])),
            description=rec.get("description"),
            description_source=rec.get("description_source"),
            description_url=rec.get("description_url"),
            wikidata=rec.get("wikidata"),
        )
        entity_id = store.entity_by_kb_id(rec["id"])
        redirected = False
        if entity_id is not None:
            with store.engine.connect() as conn:
                final = edits_sql.final_entity(conn, entity_id)
            redirected, entity_id = final != entity_id, final
        else:
            entity_id = self.by_alias.pop(f"{entity.type}:{normalise(entity.name)}", None)
        names = [entity.name, *entity.aliases]
        if entity_id is None:
            entity_id = store.create_entity(entity, kb_id=rec["id"])
            report.created += 1
        else:
            locked = self.locked.get(entity_id, set())
            values: dict[str, Any] = {"wikidata": entity.wikidata} if entity.wikidata else {}
            if not redirected:
                values["kb_id"] = rec["id"]
                if "name" not in locked:
                    values["name"] = entity.name
                keep = self.keep_descriptions and entity_id in self.described
                if "description" not in locked and entity.description and not keep:
                    values |= {
                        "description": entity.description,
                        "description_source": entity.description_source,
                        "description_url": entity.description_url,
                    }
            if values:
                store.update_entity(entity_id, **values)
            store.add_aliases(
                entity_id, [n for n in names if (entity_id, normalise(n)) not in self.blocked]
            )
            report.updated += 1
        if "roles" in rec and not redirected:
            edits_sql.set_roles(store, entity_id, rec["roles"] or [])
        return entity_id
