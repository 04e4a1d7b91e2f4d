"""The resolver reads the names it knows by key instead of every alias when it starts
(marsad.entities.known_names, issue 18), and finds what the indexes over every alias found:
the same entities, the same fuzzy candidates in the same order, names stored after it
started by another process or an operator, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import text

from marsad.config import Settings
from marsad.entities import edits, known_names
from marsad.entities.fuzzy import consonants, fold, fold_place, skeleton
from marsad.entities.kb import load_kb
from marsad.entities.resolve import Resolver
from marsad.models import Entity, EntityType, Mention
from marsad.store.database import Store
from marsad_testing import fresh_postgres_database, make_settings

from .conftest import DATA

GOLD = DATA / "resolution_gold.jsonl"

KB = [
    {"id": "lavrov", "type": "PERSON", "name": "سيرغي لافروف", "aliases": ["لافروف"]},
    {"id": "putin", "type": "PERSON", "name": "فلاديمير بوتين", "aliases": ["الرئيس بوتين"]},
    {"id": "damascus", "type": "LOCATION", "name": "دمشق", "aliases": []},
    {"id": "syria", "type": "LOCATION", "name": "سوريا", "aliases": ["سورية"]},
    {"id": "un", "type": "ORGANIZATION", "name": "الأمم المتحدة", "aliases": []},
]


def _mention(name: str, etype: EntityType = EntityType.PERSON) -> Mention:
    return Mention(0, len(name), name, etype)


def _resolve(resolver: Resolver, name: str, etype: EntityType = EntityType.PERSON) -> int | None:
    found = resolver.resolve([_mention(name, etype)], text=name, day="2016-05-01")
    return found[0].entity_id if found else None


def _indexed(store: Store, seen: int, newest: int = 0) -> known_names.KnownNames:
    """The indexes over the aliases up to ``seen`` read by key, and the later ones up to
    ``newest`` indexed in memory in the order they were made; with ``seen`` 0, as the
    resolver built them before: every alias in memory, up to ``newest`` in the order the
    whole table was read, then the later ones."""
    names = known_names.KnownNames(store, seen)
    heads, qualifiers = known_names.R.heads(), known_names.R.qualifiers()

    def is_name(word: str) -> bool:  # as Resolver._is_name, over what is indexed so far
        return word in names.name_words and word not in heads and word not in qualifiers

    with store.engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT a.id, a.entity_id, a.norm, e.type FROM aliases a "
                "JOIN entities e ON e.id = a.entity_id"
            )
        ).all()
    if not seen:
        for _, eid, norm, etype in sorted(
            (r for r in rows if r[0] <= newest), key=lambda r: r[1:3]
        ):
            names.index(norm, eid, EntityType(etype), is_name)
    for _, eid, norm, etype in sorted(r for r in rows if r[0] > (seen or newest)):
        names.index(norm, eid, EntityType(etype), is_name)
    return names


@pytest.fixture
def gold_names(kb_store: Store) -> Store:
    """The gold KB and, as entities of their own, every name written in the gold articles
    (titles before names, spellings of one name, one name as two types)."""
    surfaces = set()
    for line in GOLD.read_text(encoding="utf-8").splitlines():
        surfaces |= {(m["text"], m["type"]) for m in json.loads(line)["mentions"]}
    for k, (surface, etype) in enumerate(sorted(surfaces)):
        kb_store.create_entity(Entity(name=surface, type=EntityType(etype)), new=True)
        if k % 5 == 0:  # the same name for an entity of another type
            other = EntityType.LOCATION if etype != "LOCATION" else EntityType.PERSON
            kb_store.create_entity(Entity(name=surface, type=other), new=True)
    return kb_store


@pytest.mark.parametrize("stored", [1.0, 0.5])
def test_lookups_by_key_answer_as_the_indexes_over_every_alias(
    gold_names: Store, stored: float
) -> None:
    """Every alias stored when the resolver started, or half of them and the rest made
    since (indexed in memory as they come)."""
    store = gold_names
    known_names.fill(store)
    with store.engine.connect() as conn:
        seen = int(conn.execute(text("SELECT max(id) FROM aliases")).scalar() * stored)
    by_key = _indexed(store, seen)
    whole = _indexed(store, 0, seen)
    norms = sorted({norm for norm, _, _ in store.alias_table()})
    assert len(norms) > 120
    words = {w for n in norms for w in n.split()}
    for norm in norms:
        key = fold(norm)
        assert by_key.by_alias.get(norm) == whole.by_alias.get(norm), norm
        assert by_key.by_fold.get(key) == whole.by_fold.get(key), norm
        assert by_key.by_skeleton.get(skeleton(norm)) == whole.by_skeleton.get(skeleton(norm))
        place = fold_place(norm)
        assert by_key.by_place.get(place) == whole.by_place.get(place), norm
        assert by_key.place_keys.get(consonants(place)) == whole.place_keys.get(consonants(place))
        bucket = (key[:1], len(norm.split()))
        in_order = list(dict.fromkeys(whole.buckets.get(bucket)))  # (a second one never wins)
        assert by_key.buckets.get(bucket) == in_order, bucket
        toks = norm.split()
        for start in range(len(toks)):
            for _, part in known_names.name_parts(toks[start:]):
                k = fold(" ".join(part))
                assert by_key.by_part.get(k) == whole.by_part.get(k), (norm, part)
                assert by_key.by_first.get(k) == whole.by_first.get(k), (norm, part)
                sk = skeleton(" ".join(part))
                assert by_key.part_skeleton.get(sk) == whole.part_skeleton.get(sk), (norm, part)
    for word in [*words, "ليس", "اسما", "بوتن"]:
        assert (word in by_key.name_words) == (word in whole.name_words), word
        assert (word in by_key.first_words) == (word in whole.first_words), word
    for _, eid, etype in store.alias_table():
        assert by_key.types.get(eid) == whole.types.get(eid) == EntityType(etype)


def test_a_resolver_starts_without_reading_every_alias(
    sample: tuple[Store, Settings], monkeypatch: pytest.MonkeyPatch
) -> None:
    store, _ = sample

    def whole_table(*args: object, **kwargs: object) -> list:
        raise AssertionError("the resolver read every alias")

    monkeypatch.setattr(Store, "alias_table", whole_table)
    resolver = Resolver(store)
    some = store.get_entity("سيرغي لافروف")
    assert some is not None
    assert _resolve(resolver, "سيرجي لافروف") == some["id"]  # by its fold
    assert _resolve(resolver, "لافروف") == some["id"]  # a surname alone


@pytest.fixture
def kb_db(settings: Settings) -> Store:
    store = Store(settings.database_url)
    load_kb(store, KB)
    return store


def test_a_name_another_process_stored_after_the_start_is_found(
    kb_db: Store, settings: Settings
) -> None:
    resolver = Resolver(kb_db)
    resolver.refresh_seconds = 0
    other = Store(settings.database_url)
    made = other.create_entity(Entity(name="أنطونيو غوتيريش", type=EntityType.PERSON), new=True)
    other.close()
    assert _resolve(resolver, "أنطونيو غوتيريس") == made  # one letter for another: fuzzy
    assert _resolve(resolver, "غوتيريش") == made  # its surname alone


def test_an_operator_alias_is_found_by_its_spellings(kb_db: Store) -> None:
    resolver = Resolver(kb_db)
    resolver.refresh_seconds = 0
    un = kb_db.get_entity("الأمم المتحدة")
    assert un is not None
    edits.alias_add(kb_db, "الأمم المتحدة", "منظمة الأمم المتحدة للإغاثة")
    found = _resolve(resolver, "منظمه الامم المتحده للاغاثه", EntityType.ORGANIZATION)
    assert found == un["id"]


def test_keys_are_made_for_names_written_by_any_path(kb_db: Store) -> None:
    with kb_db.engine.connect() as conn:
        queued = conn.execute(text("SELECT count(*) FROM alias_keys_todo")).scalar()
    assert queued  # the KB's names, queued by the triggers
    assert known_names.fill(kb_db) == queued
    assert known_names.fill(kb_db) == 0
    kb_db.add_aliases(kb_db.get_entity("دمشق")["id"], ["الشام"])
    assert known_names.fill(kb_db) == 1
    with kb_db.engine.connect() as conn:
        row = conn.execute(text("SELECT fold, place FROM alias_keys WHERE norm = 'الشام'")).one()
    assert tuple(row) == (fold("الشام"), fold_place("الشام"))


def test_keys_made_by_other_functions_are_made_again(kb_db: Store) -> None:
    known_names.fill(kb_db)
    with kb_db.engine.begin() as conn:
        conn.execute(text("UPDATE alias_keys SET fold = 'x'"))
        conn.execute(text("UPDATE meta SET value = 'old' WHERE key = 'alias_keys_made_by'"))
        norms = conn.execute(text("SELECT count(DISTINCT norm) FROM aliases")).scalar()
    assert known_names.fill(kb_db) == norms
    lavrov = kb_db.get_entity("سيرغي لافروف")["id"]
    assert _resolve(Resolver(kb_db), "سيرجي لافروف") == lavrov


def test_an_older_database_gets_keys_of_its_names(settings: Settings) -> None:
    from marsad.store.migrations import MIGRATIONS, _alias_keys

    store = Store(settings.database_url)
    load_kb(store, KB)
    with store.engine.begin() as conn:
        for name in ("alias_keys_insert", "alias_keys_update"):
            conn.execute(text(f"DROP TRIGGER {name}"))
        for table in ("alias_keys", "alias_words", "alias_parts", "alias_keys_todo"):
            conn.execute(text(f"DROP TABLE {table}"))
        conn.execute(  # migration 25 made them
            text("UPDATE meta SET value = :v WHERE key = 'schema_version'"),
            {"v": str(MIGRATIONS.index(_alias_keys))},
        )
    store.close()
    store = Store(settings.database_url)
    lavrov = store.get_entity("سيرغي لافروف")["id"]
    assert _resolve(Resolver(store), "سيرجي لافروف") == lavrov
    store.close()


@pytest.mark.postgres
def test_names_by_key_on_postgres(pg_url: str, tmp_path: Path) -> None:
    pytest.importorskip("psycopg", reason="psycopg is not installed (pip install -e '.[dev]')")
    url = fresh_postgres_database(pg_url)
    make_settings(tmp_path)
    store = Store(url)
    load_kb(store, KB)
    resolver = Resolver(store)  # the KB's keys, queued by the triggers, made now
    resolver.refresh_seconds = 0
    lavrov = store.get_entity("سيرغي لافروف")["id"]
    assert _resolve(resolver, "سيرجي لافروف") == lavrov
    assert _resolve(resolver, "سوريه", EntityType.LOCATION) == store.get_entity("سوريا")["id"]
    other = Store(url)  # another process names someone new: caught up on, not reloaded
    made = other.create_entity(Entity(name="أنطونيو غوتيريش", type=EntityType.PERSON), new=True)
    assert _resolve(resolver, "أنطونيو غوتيريس") == made
    fresh = Resolver(other)  # a process started since reads it by key
    assert _resolve(fresh, "غوتيريش") == made
    other.close()
    store.close()
