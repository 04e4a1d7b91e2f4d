"""Operator corrections: merge, split, rename, alias add/remove, describe (SPEC §4).

Each takes entity keys as users type them (id, slug or any alias), changes the store at
once (pages show it immediately), logs itself in ``edits`` and survives re-processing:
aliases move with a merge (new articles resolve to the target), the merged entity
redirects to the target (old slugs and KB ids still lead there), removed aliases are
blocked from KB reloads, and operator names/descriptions are not overwritten by them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from marsad.arabic.normalise import normalise, strip_clitics
from marsad.entities.roles import leading_role_words
from marsad.errors import InputError, NotFound
from marsad.models import Entity, EntityType
from marsad.store import edits as sql
from marsad.store.database import Store, slugify


def entity_id(store: Store, key: str | int) -> int:
    """The id of the entity a user means (after redirects); NotFound otherwise."""
    row = store.get_entity(key)
    if row is None:
        raise NotFound(f"no entity {key!r}")
    return int(row["id"])


def _row(store: Store, eid: int) -> dict[str, Any]:
    row = store.get_entity(eid)
    assert row is not None
    return row


def merge_entities(store: Store, source: int, target: int) -> dict[str, Any]:
    """Merge entity ``source`` into ``target`` (ids); returns what moved."""
    if source == target:
        raise InputError("an entity cannot be merged into itself")
    result = sql.merge(store, source, target)
    store.log_edit("merge", {"source": source, "target": target, **result})
    return result


def merge(store: Store, source_key: str, target_key: str) -> dict[str, Any]:
    """``marsad entity merge A B``: A's articles, mentions and names become B's."""
    return merge_entities(store, entity_id(store, source_key), entity_id(store, target_key))


def split(
    store: Store,
    key: str,
    aliases: list[str] | None = None,
    *,
    name: str | None = None,
    type_: str | None = None,
) -> dict[str, Any]:
    """Move some names (and the mentions written with them) of an entity to another one.

    ``split A B`` where B was merged into A undoes that merge (B comes back with its names);
    ``split A --alias X --alias Y [--name N]`` makes a new entity of those names.
    """
    eid = entity_id(store, key)
    revived: int | None = None
    norms = {normalise(a) for a in aliases or [] if normalise(a)}
    if not norms and name:
        norms = {normalise(name)}
    if name and not aliases:
        old = _merged_away(store, name, into=eid)
        if old is not None:
            revived = old
    if revived is not None:
        payload = sql.last_merge(store, revived) or {}
        norms = set(payload.get("aliases_moved", [])) or norms
        sql.revive(store, revived)
        target = revived
    else:
        if not norms:
            raise InputError("say which names to split off: --alias NAME (one or more)")
        row = _row(store, eid)
        known = {normalise(a) for a in row["aliases"]}
        missing = norms - known
        if missing:
            raise InputError(f"{row['name']} has no alias {sorted(missing)!r}")
        if norms == known:
            raise InputError("a split must leave the entity at least one name")
        new_name = name or next(a for a in row["aliases"] if normalise(a) in norms)
        target = store.create_entity(Entity(name=new_name, type=EntityType(type_ or row["type"])))
    with store.engine.connect() as conn:
        mention_ids, article_ids = sql.mention_ids_by_surface(conn, eid, _surface_in(norms))
    moved_aliases = sql.move_aliases(store, eid, target, norms)
    sql.block_aliases(store, eid, norms)
    sql.move_mentions(store, eid, target, mention_ids, article_ids)
    result = {
        "entity": eid,
        "new": target,
        "revived": revived is not None,
        "aliases": sorted(moved_aliases),
        "mentions": len(mention_ids),
        "articles": len(article_ids),
    }
    store.log_edit("split", result)
    return result


def _surface_in(norms: set[str]) -> Callable[[str], bool]:
    """Whether a mention's surface is one of ``norms`` (clitics and a leading title aside)."""
    known = frozenset(n.split()[0] for n in norms)

    def matches(surface: str) -> bool:
        words = normalise(surface).split()
        if not words:
            return False
        for first in strip_clitics(words[0], known):
            toks = [first, *words[1:]]
            n = leading_role_words(toks)
            if " ".join(toks) in norms or (0 < n < len(toks) and " ".join(toks[n:]) in norms):
                return True
        return False

    return matches


def _merged_away(store: Store, key: str, into: int) -> int | None:
    """An entity merged into ``into`` that ``key`` names (id, slug or former name)."""
    from sqlalchemy import select

    from marsad.store import schema as s

    e = s.entities
    with store.engine.connect() as conn:
        q = select(e.c.id).where(e.c.merged_into == into)
        if str(key).isdigit():
            q = q.where(e.c.id == int(key))
        else:
            q = q.where((e.c.slug == slugify(key)) | (e.c.name == key.strip()))
        row = conn.execute(q).first()
    return int(row[0]) if row else None


def rename(store: Store, key: str, new_name: str) -> dict[str, Any]:
    """A new display name and slug; the old name stays an alias (old links still work)."""
    new_name = new_name.strip()
    if not normalise(new_name):
        raise InputError("the new name is empty")
    eid = entity_id(store, key)
    old = _row(store, eid)
    store.update_entity(eid, name=new_name)
    store.add_aliases(eid, [old["name"], new_name])
    sql.unblock_alias(store, eid, normalise(new_name))
    slug = sql.set_slug(store, eid, slugify(new_name))
    result = {"entity": eid, "old": old["name"], "name": new_name, "slug": slug}
    store.log_edit("rename", result)
    return result


def alias_add(store: Store, key: str, alias: str) -> dict[str, Any]:
    norm = normalise(alias)
    if not norm:
        raise InputError("the alias is empty")
    eid = entity_id(store, key)
    sql.unblock_alias(store, eid, norm)
    store.add_aliases(eid, [alias])
    result = {"entity": eid, "alias": alias.strip()}
    store.log_edit("alias_add", result)
    return result


def alias_remove(store: Store, key: str, alias: str) -> dict[str, Any]:
    norm = normalise(alias)
    eid = entity_id(store, key)
    row = _row(store, eid)
    if normalise(row["name"]) == norm:
        raise InputError("the display name cannot be removed; rename the entity first")
    if not sql.remove_alias(store, eid, norm):
        raise NotFound(f"{row['name']} has no alias {alias!r}")
    sql.block_aliases(store, eid, [norm])
    result = {"entity": eid, "alias": alias.strip()}
    store.log_edit("alias_remove", result)
    return result


def describe(
    store: Store,
    key: str,
    description: str,
    *,
    source: str | None = None,
    url: str | None = None,
) -> dict[str, Any]:
    """Set the description shown on the entity page, with its attribution."""
    eid = entity_id(store, key)
    store.update_entity(
        eid,
        description=description.strip() or None,
        description_source=source,
        description_url=url,
    )
    result = {"entity": eid, "description": description.strip(), "source": source, "url": url}
    store.log_edit("describe", result)
    return result
