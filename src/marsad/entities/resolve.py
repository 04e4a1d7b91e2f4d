"""Mention → entity: alias lookup, within-article surname linking, new entities for the unknown."""

from __future__ import annotations

from collections import defaultdict

from marsad.arabic.normalise import normalise, strip_clitics
from marsad.models import Entity, EntityType, Mention
from marsad.store.database import Store, StoredMention


class Resolver:
    """Links recognised mentions to entities of the store, creating entities it has not seen.

    Within one article a one-word person mention (لافروف) joins the full name it ends
    (سيرغي لافروف) when exactly one such name is in the article.
    """

    def __init__(self, store: Store) -> None:
        self.store = store
        self.by_alias: dict[str, list[tuple[int, EntityType]]] = defaultdict(list)
        for norm, entity_id, etype in store.alias_table():
            self.by_alias[norm].append((entity_id, EntityType(etype)))

    def _lookup(self, norm: str, etype: EntityType) -> int | None:
        candidates = self.by_alias.get(norm, [])
        if not candidates and norm:
            first, _, rest = norm.partition(" ")
            for reading in strip_clitics(first)[1:]:
                candidates = self.by_alias.get(f"{reading} {rest}".strip(), [])
                if candidates:
                    break
        same_type = [eid for eid, t in candidates if t == etype]
        if same_type:
            return same_type[0]
        return candidates[0][0] if candidates else None

    def resolve(self, mentions: list[Mention]) -> list[StoredMention]:
        resolved: dict[int, int] = {}
        full_names: dict[str, set[int]] = defaultdict(set)  # last word → entity ids in article
        for i, m in enumerate(mentions):
            norm = normalise(m.text)
            entity_id = self._lookup(norm, m.type)
            if entity_id is not None:
                resolved[i] = entity_id
                if m.type == EntityType.PERSON and " " in norm:
                    full_names[norm.split()[-1]].add(entity_id)
        for i, m in enumerate(mentions):
            if i in resolved:
                continue
            norm = normalise(m.text)
            if not norm:
                continue
            owners = full_names.get(norm, set()) if " " not in norm else set()
            if m.type == EntityType.PERSON and len(owners) == 1:
                resolved[i] = next(iter(owners))
                continue
            resolved[i] = self._create(m.text, m.type, norm)
            if m.type == EntityType.PERSON and " " in norm:
                full_names[norm.split()[-1]].add(resolved[i])
        return [
            StoredMention(resolved[i], m.start, m.end, m.text)
            for i, m in enumerate(mentions)
            if i in resolved
        ]

    def _create(self, surface: str, etype: EntityType, norm: str) -> int:
        entity_id = self.store.create_entity(Entity(name=surface.strip(), type=etype))
        self.by_alias[norm].append((entity_id, etype))
        return entity_id
